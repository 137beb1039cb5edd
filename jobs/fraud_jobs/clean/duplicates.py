"""The duplicate rule's kept copies without parsing every line a second time.

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
