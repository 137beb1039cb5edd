"""The job's duplicate keys (first-field count, then only candidate lines parsed) equal the full parse's."""

from __future__ import annotations

from pyspark.sql import functions as F

from fraud_jobs.clean import rules
from fraud_jobs.clean.job import duplicate_keys_of_lines, mark_malformed_lines
from fraud_jobs.clean.previous import PREVIOUS, PREVIOUS_ROW_KEY

LARGE = 3_000_000_000  # beyond int: the first field must be cast to long, as the parser does


def line(tx_id, customer="1", fraud="0"):
    return f"{tx_id},2019-08-23 01:00:00,{customer},5,10.00,90000,1,{fraud},0"


# Ids whose first fields differ as text but cast alike, copies that are malformed (their id still casts, or
# not), lines without a comma, a header and blank lines, ids held once.
LINES = [
    "# tranaction_id | tx_datetime | customer_id",
    line(7),
    line("007"),  # the same id as 7 for the cast: a duplicate
    line(" 7"),
    line("7.0"),  # casts to 7 but is malformed: not a copy
    line(8, fraud="9"),  # malformed first copy of 8: the next one is kept
    line(8),
    line(8, customer="-999999"),  # well-formed extra copy dropped by another rule too: duplicate
    "9",  # no comma: malformed, id casts to 9
    line(9),
    "",
    "   ",
    line(LARGE),
    line(LARGE + 2**32),  # the same int after an int cast, not the same long
    line(10),
    line(11),
    line(11, fraud="x"),
    line("n/a"),
    line("n/a"),
    line(12),
]


def _keys(frame):
    return sorted(tuple(row) for row in frame.select("transaction_id", "kept_row_key").collect())


def test_candidate_keys_equal_the_full_parse(lines_frame):
    lines = lines_frame(LINES)
    expected = _keys(rules.duplicate_keys(mark_malformed_lines(lines)))
    assert expected == [(7, 1), (8, 6)]  # the table does test something
    assert _keys(duplicate_keys_of_lines(lines, None)) == expected


def test_a_committed_row_makes_a_single_new_line_a_duplicate(lines_frame):
    lines = lines_frame(LINES)
    committed = (
        mark_malformed_lines(lines_frame([line(10), line(LARGE)]))
        .withColumn("row_key", F.lit(PREVIOUS_ROW_KEY).cast("long"))
        .withColumn(PREVIOUS, F.lit(True))
    )
    expected = _keys(rules.duplicate_keys(mark_malformed_lines(lines).unionByName(committed)))
    assert expected == [(7, 1), (8, 6), (10, PREVIOUS_ROW_KEY), (LARGE, PREVIOUS_ROW_KEY)]
    assert _keys(duplicate_keys_of_lines(lines, committed)) == expected
