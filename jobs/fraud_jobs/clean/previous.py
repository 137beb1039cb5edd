"""Rows that earlier runs over other inputs wrote into the dates this run rewrites.

Dynamic partition overwrite replaces a whole tx_date partition. A date can hold rows of two input
files (a `24:00:00` row on a file's last day belongs to the next file's first day), so a run adds the
rows already in the dates it rewrites to its input, ranked after every new row: the duplicate rule
then replaces the ones this input also holds and keeps the others. Without existing output (the
usual first run) nothing extra is read.
"""

from __future__ import annotations

from typing import List

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from fraud_jobs.clean.rules import flag
from fraud_jobs.common.schemas import CLEANED_SCHEMA, PARTITION_COLUMN
from fraud_jobs.common.storage import hadoop_path

PREVIOUS = "is_previous"
# Larger than any monotonically_increasing_id: a copy in the new input always wins.
PREVIOUS_ROW_KEY = 2**63 - 1


def candidate_dates(lines: DataFrame) -> DataFrame:
    """Dates this run may write, from the raw datetime text (the next day for `24:00:00`)."""
    text = F.substring_index(F.substring_index(F.col("value"), ",", 2), ",", -1)
    day = F.substring(text, 1, 10).cast("date")
    written = F.when(text.endswith(" 24:00:00"), F.date_add(day, 1)).otherwise(day)
    return lines.select(written.alias(PARTITION_COLUMN)).where(F.col(PARTITION_COLUMN).isNotNull()).distinct()


def existing_dates(spark: SparkSession, output_path: str) -> List[str]:
    """The tx_date partitions already under the output (none when it does not exist yet)."""
    path, fs = hadoop_path(spark, output_path)
    if not fs.exists(path):
        return []
    prefix = PARTITION_COLUMN + "="
    names = [status.getPath().getName() for status in fs.listStatus(path) if status.isDirectory()]
    return sorted(name[len(prefix) :] for name in names if name.startswith(prefix))


def previous_rows(spark: SparkSession, output_path: str, dates: List[str]) -> DataFrame:
    """Existing cleaned rows of `dates`, shaped like parsed lines (never malformed, never fixed)."""
    rows = spark.read.schema(CLEANED_SCHEMA).parquet(output_path)
    rows = rows.where(F.col(PARTITION_COLUMN).isin([F.lit(day).cast("date") for day in dates]))
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


def with_previous_rows(spark: SparkSession, parsed: DataFrame, lines: DataFrame, output: str) -> DataFrame:
    """parsed (new lines) plus the existing rows of the dates this run may rewrite."""
    existing = existing_dates(spark, output)
    if not existing:
        return parsed
    # One cheap pass over the text (no parsing) to learn which existing dates this run rewrites.
    candidates = {str(row[PARTITION_COLUMN]) for row in candidate_dates(lines).collect()}
    rewritten = sorted(candidates.intersection(existing))
    if not rewritten:
        return parsed
    return parsed.unionByName(previous_rows(spark, output, rewritten))
