"""The manifest: which rows carry which defect, so cleaning tests can check their output row by row."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Dict, List

from .defects import DEFECT_NAMES, DROPPED_DEFECTS


@dataclass
class Manifest:
    preset: str
    seed: int
    epoch: str  # YYYY-MM-DD; tx_time_seconds count from its midnight
    files: List[Dict[str, object]]  # [{"name", "data_lines"}] in date order
    transactions: int  # distinct transaction ids generated (malformed lines included)
    defects: Dict[str, list] = field(default_factory=dict)  # name -> ids; malformed -> [{"file", "line"}]
    rates: Dict[str, float] = field(default_factory=dict)

    @property
    def data_lines(self) -> int:
        """Every data line written: one per transaction plus each extra duplicate copy."""
        return self.transactions + len(self.defects["duplicate"])

    @property
    def clean_rows(self) -> int:
        """Rows a correct cleaning keeps: one per id, minus the dropped defects (midnight and
        seconds rows are kept, fixed)."""
        return self.transactions - sum(len(self.defects[name]) for name in DROPPED_DEFECTS)

    def to_dict(self) -> Dict[str, object]:
        return {
            "preset": self.preset,
            "seed": self.seed,
            "epoch": self.epoch,
            "files": self.files,
            "data_lines": self.data_lines,
            "clean_rows": self.clean_rows,
            "defects": {name: self.defects[name] for name in DEFECT_NAMES},
            "rates": {name: self.rates[name] for name in DEFECT_NAMES},
        }

    def write(self, path: str) -> None:
        with open(path, "w", encoding="utf-8") as out:
            json.dump(self.to_dict(), out, indent=1)
            out.write("\n")

    def summary(self) -> str:
        counts = ", ".join(f"{name}={len(self.defects[name])}" for name in DEFECT_NAMES)
        return (
            f"{self.data_lines} data lines in {len(self.files)} files, {self.clean_rows} clean rows; "
            f"defects: {counts}"
        )
