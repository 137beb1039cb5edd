"""The commit marker of the cleaned dataset, as its readers (training, scoring) check it.

The cleaning job (fraud_jobs/clean/commit.py) publishes a run by moving its files into the dataset under a
journal, then writing MANIFEST (every committed file and the raw file it came from) and deleting the
journal. A killed run leaves either nothing visible (its files are still under the hidden staging folder)
or the journal. So a dataset is whole exactly when MANIFEST is there and the journal is not; readers call
check_committed first and then read the folder as usual (Spark and pyarrow skip `_` and `.` names).
"""

from __future__ import annotations

from fraud_jobs.common.cli_args import UsageError
from fraud_jobs.common.storage import hadoop_path

MANIFEST = "_manifest.json"
JOURNAL = "_publishing.json"
STAGING = "_staging"


def check_committed(spark, location: str, option: str = "--input") -> None:
    """Raises UsageError naming `option` unless `location` holds a committed cleaning output."""
    root, fs = hadoop_path(spark, location)
    path = spark.sparkContext._jvm.org.apache.hadoop.fs.Path
    if fs.exists(path(root, JOURNAL)):
        raise UsageError(
            f"{option} {location}: a cleaning run was stopped while publishing ({JOURNAL} is there), so "
            "some dates are new and others old; run the cleaning job again on the same output to finish it"
        )
    if not fs.exists(path(root, MANIFEST)):
        raise UsageError(
            f"{option} {location} holds no committed cleaning output ({MANIFEST} is missing): run the "
            "cleaning job into it first (a killed run leaves only its hidden staging folder)"
        )
