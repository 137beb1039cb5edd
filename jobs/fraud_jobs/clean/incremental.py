"""--new-files-only: clean only the raw files no earlier run cleaned into the same output.

The output keeps a ledger, `_cleaned_inputs.json` (Spark's readers skip names starting with `_`), of every
input file it holds: path, size and modification time. A run lists its input, cleans the files that are not
in the ledger or changed since, and adds them to the ledger only after the Parquet write succeeded: a run
killed in between cleans those files again next time, which the job supports (see previous.py), so no
row is lost or doubled.
"""

from __future__ import annotations

import json
from typing import Dict, List

from fraud_jobs.clean.rules import DROP_RULES, FIXES
from fraud_jobs.common.storage import hadoop_path, read_text, write_text

LEDGER_NAME = "_cleaned_inputs.json"
# What identifies a version of a raw file: a file rewritten under the same name is cleaned again.
FileVersions = Dict[str, Dict[str, int]]


def ledger_location(output: str) -> str:
    return output.rstrip("/") + "/" + LEDGER_NAME


def list_input_files(spark, location: str) -> FileVersions:
    """The files spark.read.text(location) reads: the file itself, or the visible files of the directory."""
    path, fs = hadoop_path(spark, location)
    if not fs.exists(path):
        return {}
    statuses = [fs.getFileStatus(path)] if fs.isFile(path) else fs.listStatus(path)
    return {
        status.getPath().toString(): {"size": status.getLen(), "modified": status.getModificationTime()}
        for status in statuses
        if status.isFile() and not status.getPath().getName().startswith(("_", "."))
    }


def read_ledger(spark, output: str) -> FileVersions:
    location = ledger_location(output)
    path, fs = hadoop_path(spark, location)
    if not fs.exists(path):
        return {}
    return json.loads(read_text(spark, location))["files"]


def new_files(listed: FileVersions, ledger: FileVersions) -> List[str]:
    """Files not cleaned before, or changed (size or modification time) since."""
    return sorted(name for name, version in listed.items() if ledger.get(name) != version)


def record_cleaned(spark, output: str, ledger: FileVersions, cleaned: FileVersions) -> None:
    write_text(spark, ledger_location(output), json.dumps({"files": {**ledger, **cleaned}}, indent=1) + "\n")


def nothing_cleaned() -> Dict[str, int]:
    """The counts of a run that found no new file (its report says so: 0 files, 0 rows)."""
    counts = {"rows_read": 0, "rows_written": 0, "input_files": 0}
    counts.update({rule: 0 for rule in DROP_RULES})
    counts.update({"fixed_" + fix: 0 for fix in FIXES})
    return counts
