"""Thresholds and the breaches of one monitored day (pure: no Spark, no MLflow)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Dict, List, Optional

# Fixed by the calendar, not by the traffic: a Saturday holds only weekend rows, a Tuesday none, so the
# daily PSI of this flag against a whole-week reference is large every day. Logged, never judged.
DATE_DETERMINED_FEATURES = ("tx_during_weekend",)


@dataclass(frozen=True)
class Thresholds:
    """From pipeline.json `monitoring` (the DAG passes them as arguments); None: not judged."""

    max_psi: Optional[float] = None
    max_fnr: Optional[float] = None
    max_fpr: Optional[float] = None

    def as_dict(self) -> Dict[str, Any]:
        return asdict(self)


def day_breaches(day: Dict[str, Any], thresholds: Thresholds) -> List[str]:
    """Human-readable breaches of one day of the report."""
    found = []
    for name, value in sorted(day["psi"].items()):
        judged = thresholds.max_psi is not None and name not in DATE_DETERMINED_FEATURES
        if judged and value > thresholds.max_psi:
            found.append("{}: PSI of {} is {:.3f} > {}".format(day["day"], name, value, thresholds.max_psi))
    labels = day.get("labels")
    if labels is not None:
        for key, limit in (("fnr", thresholds.max_fnr), ("fpr", thresholds.max_fpr)):
            if limit is not None and labels[key] > limit:
                found.append(
                    "{}: realised {} {:.2%} > {:.2%}".format(day["day"], key.upper(), labels[key], limit)
                )
    return found
