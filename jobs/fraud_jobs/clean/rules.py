"""The cleaning rules, each a pure DataFrame -> DataFrame function over parsed lines.

Each drop rule adds its own boolean column `drop_<rule>`; assign_drop_reason then names the first rule of
DROP_RULES that matches, so every dropped row is counted once, under the first rule that drops it. (One
flat CASE instead of rules rewriting a shared column keeps the optimised plan linear in the rule count.)
Fixes add a `fixed_<fix>` flag and change the kept values.
"""

from __future__ import annotations

from typing import Optional

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from fraud_jobs.common.cleaning_rules import DROP_RULES, FIXES

__all__ = ["DROP_RULES", "FIXES"]  # the catalogue's names, used by the job, the report and the tests

SECONDS_PER_DAY = 86400


def flag(rule: str) -> str:
    return "drop_" + rule


def mark_malformed(parsed: DataFrame) -> DataFrame:
    """Lines for which the parser found a reason (kept in `malformed`)."""
    return parsed.withColumn(flag("malformed"), F.col("malformed").isNotNull())


def duplicate_keys(marked: DataFrame) -> DataFrame:
    """Ids that appear more than once among well-formed rows, with the row key of the copy to keep.

    Only the id and a long key are shuffled (not whole rows); the result is small, one row per duplicated
    id. The kept copy is the first one read (smallest `row_key`). No filter before the aggregation, so the
    optimiser cannot push one into the parse and repeat it.
    """
    well_formed = ~F.col(flag("malformed"))
    return (
        marked.groupBy("transaction_id")
        .agg(
            F.count(F.when(well_formed, 1)).alias("copies"),
            F.min(F.when(well_formed, F.col("row_key"))).alias("kept_row_key"),
        )
        .where(F.col("copies") > 1)
        .select("transaction_id", "kept_row_key")
    )


def mark_duplicate(marked: DataFrame, duplicates: DataFrame) -> DataFrame:
    """Every copy of an id but the kept one; `duplicates` comes from duplicate_keys (small: broadcast)."""
    joined = marked.join(F.broadcast(duplicates), on="transaction_id", how="left")
    extra_copy = F.col("kept_row_key").isNotNull() & (F.col("row_key") != F.col("kept_row_key"))
    return joined.withColumn(flag("duplicate"), F.coalesce(extra_copy, F.lit(False))).drop("kept_row_key")


def mark_unknown_customer(marked: DataFrame) -> DataFrame:
    """Customer ids below 0 (the data uses -999999 for an unknown customer); customer 0 is real."""
    return marked.withColumn(flag("unknown_customer"), F.col("customer_id") < 0)


def with_terminal_id(marked: DataFrame) -> DataFrame:
    """Parses the terminal text kept by the parser ('Err', empty or '1.5' stay null)."""
    text = F.col("terminal_raw")
    return marked.withColumn("terminal_id", F.when(~text.contains("."), text.cast("long")))


def mark_unknown_terminal(marked: DataFrame) -> DataFrame:
    """Terminal empty or not an integer (such as 'Err'); needs with_terminal_id first."""
    return marked.withColumn(flag("unknown_terminal"), F.col("terminal_id").isNull())


def mark_terminal_out_of_range(marked: DataFrame, max_terminal_id: int) -> DataFrame:
    """Terminal ids outside 0..max_terminal_id (terminal 0 is the busiest real terminal)."""
    in_range = F.coalesce(F.col("terminal_id").between(0, max_terminal_id), F.lit(True))
    return marked.withColumn(flag("terminal_out_of_range"), ~in_range)


def mark_non_positive_amount(marked: DataFrame) -> DataFrame:
    """Amounts of 0 or below; large amounts are fraud signal and are kept."""
    return marked.withColumn(flag("non_positive_amount"), F.col("tx_amount") <= 0)


def assign_drop_reason(marked: DataFrame) -> DataFrame:
    """`drop_reason`: the first rule in DROP_RULES whose flag is true, null for kept rows."""
    reason = F.when(F.col(flag(DROP_RULES[0])), F.lit(DROP_RULES[0]))
    for rule in DROP_RULES[1:]:
        reason = reason.when(F.col(flag(rule)), F.lit(rule))
    return marked.withColumn("drop_reason", reason).drop(*[flag(rule) for rule in DROP_RULES])


def fix_midnight(marked: DataFrame, epoch_seconds: int) -> DataFrame:
    """'24:00:00' was parsed as next day 00:00:00; recompute tx_time_days from that datetime."""
    days = F.floor((F.unix_timestamp("tx_datetime") - F.lit(epoch_seconds)) / SECONDS_PER_DAY).cast("int")
    return marked.withColumn("fixed_midnight", F.col("is_midnight")).withColumn(
        "tx_time_days", F.when(F.col("is_midnight"), days).otherwise(F.col("tx_time_days"))
    )


def fix_seconds(marked: DataFrame, epoch_seconds: int, applies: Optional[Column] = None) -> DataFrame:
    """Recompute tx_time_seconds from the (fixed) datetime when they disagree (on rows where `applies`)."""
    expected = F.unix_timestamp("tx_datetime") - F.lit(epoch_seconds)
    wrong = F.col("tx_time_seconds") != expected
    if applies is not None:
        wrong = wrong & applies
    return marked.withColumn("fixed_seconds", wrong).withColumn(
        "tx_time_seconds", F.when(wrong, expected).otherwise(F.col("tx_time_seconds"))
    )


def only_duplicates_drop(marked: DataFrame, rows: Column) -> DataFrame:
    """On `rows`, clears every drop flag but the duplicate one (before assign_drop_reason)."""
    for rule in DROP_RULES:
        if rule != "duplicate":
            marked = marked.withColumn(flag(rule), F.col(flag(rule)) & ~rows)
    return marked
