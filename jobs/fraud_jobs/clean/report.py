"""The cleaning report: JSON document (binding schema) and the human summary printed by the CLI."""

from __future__ import annotations

import json
from typing import Any, Dict, Mapping

from fraud_jobs.clean.rules import DROP_RULES, FIXES


def build_report(counts: Mapping[str, int], duration_seconds: float) -> Dict[str, Any]:
    """counts: rows_read, rows_written, one per drop rule, fixed_<fix>, input_files (from run_cleaning)."""
    report = {
        "rows_read": counts["rows_read"],
        "rows_written": counts["rows_written"],
        "dropped": {rule: counts[rule] for rule in DROP_RULES},
        "fixed": {fix: counts["fixed_" + fix] for fix in FIXES},
        "input_files": counts["input_files"],
        "duration_seconds": round(duration_seconds, 3),
    }
    dropped = sum(report["dropped"].values())
    if report["rows_read"] != report["rows_written"] + dropped:
        raise AssertionError(f"report does not add up: rows_read != rows_written + dropped: {report}")
    return report


def report_json(report: Mapping[str, Any]) -> str:
    return json.dumps(report, indent=2, sort_keys=False) + "\n"


def summary_text(report: Mapping[str, Any]) -> str:
    read, written = report["rows_read"], report["rows_written"]
    lines = [
        f"cleaned {read} rows from {report['input_files']} files in {report['duration_seconds']:.1f} s: "
        f"wrote {written}, dropped {read - written}"
    ]
    for rule, count in report["dropped"].items():
        share = 100.0 * count / read if read else 0.0
        lines.append(f"  dropped {rule:<22} {count:>12}  ({share:.4f} %)")
    for fix, count in report["fixed"].items():
        lines.append(f"  fixed   {fix:<22} {count:>12}")
    return "\n".join(lines)
