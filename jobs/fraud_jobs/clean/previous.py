"""Rows that earlier runs over other raw files committed into the dates this run writes.

A date can hold rows of two raw files (a `24:00:00` row on a file's last day belongs to the next file's
first day). The run reads the committed rows of other raw files in the dates it may write (the manifest
tags each file with its raw file; fraud_jobs/clean/commit.py) and adds them to its input ranked before
every new row: the duplicate rule then drops a new copy of a transaction already committed. They are not
written again (their files stay). Without such files (a first run, or a re-run over the same files)
nothing extra is read.
"""

from __future__ import annotations

from typing import List, Optional

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from fraud_jobs.clean.rules import flag
from fraud_jobs.common.schemas import CLEANED_SCHEMA, PARTITION_COLUMN

PREVIOUS = "is_previous"
# Smaller than any monotonically_increasing_id: a committed copy wins over a new one.
PREVIOUS_ROW_KEY = -1


def candidate_dates(lines: DataFrame) -> DataFrame:
    """Dates this run may write, from the raw datetime text (the next day for `24:00:00`)."""
    text = F.substring_index(F.substring_index(F.col("value"), ",", 2), ",", -1)
    day = F.substring(text, 1, 10).cast("date")
    written = F.when(text.endswith(" 24:00:00"), F.date_add(day, 1)).otherwise(day)
    return lines.select(written.alias(PARTITION_COLUMN)).where(F.col(PARTITION_COLUMN).isNotNull()).distinct()


def previous_rows(spark: SparkSession, output_path: str, files: List[str]) -> DataFrame:
    """Committed rows of `files` (relative to the output), shaped like parsed lines (never malformed, never
    fixed)."""
    paths = ["{}/{}".format(output_path.rstrip("/"), name) for name in files]
    rows = spark.read.schema(CLEANED_SCHEMA).option("basePath", output_path).parquet(*paths)
    return rows.select(
        F.lit(None).cast("string").alias("value"),
        F.lit(PREVIOUS_ROW_KEY).alias("row_key"),
        F.lit(None).cast("string").alias("source_file"),
        "transaction_id",
        "customer_id",
        "tx_time_seconds",
        "tx_time_days",
        "tx_fraud",
        "tx_fraud_scenario",
        "tx_amount",
        "tx_datetime",
        F.col("terminal_id").cast("string").alias("terminal_raw"),
        F.lit(False).alias("is_midnight"),
        F.lit(None).cast("string").alias("malformed"),
        F.lit(False).alias(flag("malformed")),
        F.lit(True).alias(PREVIOUS),
    )


def committed_rows(
    spark: SparkSession, lines: DataFrame, output: str, other_files: List[str]
) -> Optional[DataFrame]:
    """The committed rows of other raw files (other_files) in the dates this run writes; None when none."""
    if not other_files:
        return None
    # One cheap pass over the text (no parsing) to learn which dates this run writes.
    candidates = {str(row[PARTITION_COLUMN]) for row in candidate_dates(lines).collect()}
    prefix = PARTITION_COLUMN + "="
    shared = [name for name in other_files if name.split("/")[0][len(prefix) :] in candidates]
    if not shared:
        return None
    return previous_rows(spark, output, shared)


def with_previous(parsed: DataFrame, committed: Optional[DataFrame]) -> DataFrame:
    """parsed (new lines) plus the committed rows from committed_rows, if any."""
    return parsed if committed is None else parsed.unionByName(committed)
