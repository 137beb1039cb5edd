"""The duplicate rule without a second parse of the text, and mostly without a shuffle of every id.

Held buckets (the job's plan): ids are grouped in buckets of 64 consecutive values; per bucket one pass over
the first fields counts the lines and ORs one bit per id. A bucket holds a repeated id exactly when it has
more lines than bits set, so the map-side aggregation shrinks 64 ids to one row (dense ids, as the real
data's) and only the few buckets with a repeated id reach the driver. The job then cleans every line
outside those buckets without the duplicate rule (none of them can be a copy) and sets the held buckets'
lines aside, to clean them, with the exact rule, in a second small pass (fraud_jobs/clean/job.py).

Candidate keys (the job's fallback when the held buckets are too many to set aside):

rules.duplicate_keys needs every line's parsed id and whether the line is well-formed (the full parse), and
it runs as its own branch of the plan, so the text was parsed twice. A well-formed line's id is its first
field cast to long, the same cast the parser makes; so an id with two well-formed copies is held by at least
two lines' first fields (or a line and a committed row). The branch therefore counts first fields only (no
split, no other cast), then parses just the lines whose first field is such a candidate and runs
rules.duplicate_keys over them (fraud_jobs/clean/job.py): every well-formed copy of a candidate is among those
lines, so the result is the full parse's, row for row.
"""

from __future__ import annotations

from typing import Optional

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

# The row key of an id's first line (or committed row), kept next to kept_row_key by candidate_keys.
FIRST_LINE_KEY = "first_line_key"
# 2**6 ids per bucket: one bit each in a long.
BUCKET_BITS = 6
HELD_BUCKET = "held_bucket"
HELD_LINES = "held_lines"


def id_bucket(transaction_id: Column) -> Column:
    """The bucket of 64 consecutive ids an id falls in (negative ids too: the shift floors)."""
    return F.shiftright(transaction_id, BUCKET_BITS)


def held_buckets(lines: DataFrame, previous: Optional[DataFrame]) -> DataFrame:
    """(held_bucket, held_lines): the buckets where some id is held by more than one line or committed row,
    each with its number of lines and committed rows. Exact: a bucket's distinct ids are its bits set."""
    ids = lines.select(first_field_id(F.col("value")).alias("transaction_id"))
    if previous is not None:
        ids = ids.unionByName(previous.select("transaction_id"))
    # bit_or and bit_count are SQL functions since Spark 3.0 (their Python wrappers only since 3.5).
    id_bits = F.expr(f"bit_or(shiftleft(1L, cast(transaction_id & {2**BUCKET_BITS - 1} as int)))")
    buckets = (
        ids.where(F.col("transaction_id").isNotNull())
        .groupBy(id_bucket(F.col("transaction_id")).alias(HELD_BUCKET))
        .agg(F.count(F.lit(1)).alias(HELD_LINES), id_bits.alias("ids"))
    )
    return buckets.where(F.col(HELD_LINES) > F.expr("bit_count(ids)")).select(HELD_BUCKET, HELD_LINES)


def first_field_id(value: Column) -> Column:
    """The id as parse_fields casts it (the text before the first comma), without splitting the line."""
    return F.substring_index(value, ",", 1).cast("long")


def candidate_ids(lines: DataFrame, previous: Optional[DataFrame]) -> DataFrame:
    """Ids held by more than one line or committed row (a superset of the duplicated ids)."""
    ids = lines.select(first_field_id(F.col("value")).alias("transaction_id"))
    if previous is not None:
        ids = ids.unionByName(previous.select("transaction_id"))
    counts = ids.where(F.col("transaction_id").isNotNull()).groupBy("transaction_id").count()
    return counts.where(F.col("count") > 1).select("transaction_id")


def candidate_lines(lines: DataFrame, previous: Optional[DataFrame]) -> DataFrame:
    """The lines whose first field is a candidate id: every well-formed copy of a duplicated id is among them.

    The candidates are few (one row per id held twice), so they are broadcast like duplicate_keys' result.
    """
    candidates = F.broadcast(candidate_ids(lines, previous))
    return lines.join(candidates, first_field_id(F.col("value")) == candidates["transaction_id"], "left_semi")


def candidate_keys(lines: DataFrame, previous: Optional[DataFrame]) -> DataFrame:
    """duplicate_keys' shape (transaction_id, kept_row_key) from first fields only: for each id held by more
    than one line or committed row, the row key of its first one (also in FIRST_LINE_KEY).

    The same as rules.duplicate_keys of the full parse whenever each such id's first line is well-formed
    (committed rows always are): the kept copy is then that line, and every later well-formed copy an extra
    one (later malformed copies count as malformed, the earlier rule). Rows for which this does not hold are
    counted by first_line_malformed; the job then cleans again with duplicate_keys_of_lines (job.py).
    """
    ids = lines.select(first_field_id(F.col("value")).alias("transaction_id"), "row_key")
    if previous is not None:
        ids = ids.unionByName(previous.select("transaction_id", "row_key"))
    keys = (
        ids.where(F.col("transaction_id").isNotNull())
        .groupBy("transaction_id")
        .agg(F.count(F.lit(1)).alias("held"), F.min("row_key").alias("kept_row_key"))
    )
    return keys.where(F.col("held") > 1).select(
        "transaction_id", "kept_row_key", F.col("kept_row_key").alias(FIRST_LINE_KEY)
    )


def first_line_malformed() -> Column:
    """On rows marked with candidate_keys: the row is the first line of a held id and is malformed."""
    return (
        F.coalesce(F.col("row_key") == F.col(FIRST_LINE_KEY), F.lit(False)) & F.col("malformed").isNotNull()
    )
