"""The cleaning rules, each a pure DataFrame -> DataFrame function over parsed lines.

Drop rules set `drop_reason` only where it is still null, so applied in RULE_ORDER every dropped row is
counted once, under the first rule that drops it. Fixes add a flag column and change kept values.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

DROP_RULES = (
    "malformed",
    "duplicate",
    "unknown_customer",
    "unknown_terminal",
    "terminal_out_of_range",
    "non_positive_amount",
)
FIXES = ("midnight", "seconds")
SECONDS_PER_DAY = 86400


def _drop_where(df: DataFrame, rule: str, condition: Column) -> DataFrame:
    current = F.col("drop_reason")
    return df.withColumn("drop_reason", F.when(current.isNull() & condition, F.lit(rule)).otherwise(current))


def mark_malformed(parsed: DataFrame) -> DataFrame:
    """Starts `drop_reason`: 'malformed' where the parser found a reason (kept in `malformed`)."""
    return parsed.withColumn("drop_reason", F.when(F.col("malformed").isNotNull(), F.lit("malformed")))


def duplicate_keys(marked: DataFrame) -> DataFrame:
    """Ids that appear more than once among rows not yet dropped, with the row key of the copy to keep.

    Only the id and a long key are shuffled (not whole rows); the result is small, one row per duplicated id.
    The kept copy is the first one read (smallest `row_key`).
    """
    return (
        marked.where(F.col("drop_reason").isNull())
        .groupBy("transaction_id")
        .agg(F.count(F.lit(1)).alias("copies"), F.min("row_key").alias("kept_row_key"))
        .where(F.col("copies") > 1)
        .select("transaction_id", "kept_row_key")
    )


def mark_duplicates(marked: DataFrame, duplicates: DataFrame) -> DataFrame:
    """'duplicate' for every copy of an id but the kept one; `duplicates` comes from duplicate_keys."""
    joined = marked.join(F.broadcast(duplicates), on="transaction_id", how="left")
    extra_copy = F.col("kept_row_key").isNotNull() & (F.col("row_key") != F.col("kept_row_key"))
    return _drop_where(joined, "duplicate", extra_copy).drop("kept_row_key")


def mark_unknown_customer(marked: DataFrame) -> DataFrame:
    """Customer ids below 0 (the data uses -999999 for an unknown customer); customer 0 is real."""
    return _drop_where(marked, "unknown_customer", F.col("customer_id") < 0)


def with_terminal_id(marked: DataFrame) -> DataFrame:
    """Parses the terminal text kept by the parser ('Err' or empty stay null)."""
    text = F.col("terminal_raw")
    terminal = text.cast("long")
    return marked.withColumn("terminal_id", F.when(~text.contains("."), terminal))


def mark_unknown_terminal(marked: DataFrame) -> DataFrame:
    """Terminal empty or not an integer (such as 'Err'); needs with_terminal_id first."""
    return _drop_where(marked, "unknown_terminal", F.col("terminal_id").isNull())


def mark_terminal_out_of_range(marked: DataFrame, max_terminal_id: int) -> DataFrame:
    """Terminal ids outside 0..max_terminal_id (terminal 0 is the busiest real terminal)."""
    out_of_range = ~F.col("terminal_id").between(0, max_terminal_id)
    return _drop_where(marked, "terminal_out_of_range", out_of_range)


def mark_non_positive_amount(marked: DataFrame) -> DataFrame:
    """Amounts of 0 or below; large amounts are fraud signal and are kept."""
    return _drop_where(marked, "non_positive_amount", F.col("tx_amount") <= 0)


def fix_midnight(marked: DataFrame, epoch_seconds: int) -> DataFrame:
    """'24:00:00' was parsed as next day 00:00:00; recompute tx_time_days from that datetime."""
    days = F.floor((F.unix_timestamp("tx_datetime") - F.lit(epoch_seconds)) / SECONDS_PER_DAY).cast("int")
    return marked.withColumn("fixed_midnight", F.col("is_midnight")).withColumn(
        "tx_time_days", F.when(F.col("is_midnight"), days).otherwise(F.col("tx_time_days"))
    )


def fix_seconds(marked: DataFrame, epoch_seconds: int) -> DataFrame:
    """Recompute tx_time_seconds from the (fixed) datetime when they disagree."""
    expected = F.unix_timestamp("tx_datetime") - F.lit(epoch_seconds)
    return marked.withColumn("fixed_seconds", F.col("tx_time_seconds") != expected).withColumn(
        "tx_time_seconds", expected
    )
