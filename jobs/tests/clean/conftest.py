"""Fixtures for the cleaning tests: hand-made raw lines as read_lines produces them."""

from __future__ import annotations

import pytest
from pyspark.sql.types import LongType, StringType, StructField, StructType

from fraud_jobs.clean.job import DEFAULT_EPOCH, DEFAULT_MAX_TERMINAL_ID, mark_malformed_lines, mark_rows

LINES_SCHEMA = StructType(
    [
        StructField("value", StringType(), False),
        StructField("row_key", LongType(), False),
        StructField("source_file", StringType(), False),
    ]
)


@pytest.fixture(scope="session", autouse=True)
def non_ansi(spark):
    # As the job's CLI sets it: a field that does not parse is null and reported, not raised.
    spark.conf.set("spark.sql.ansi.enabled", "false")


@pytest.fixture()
def lines_frame(spark):
    def build(texts, source_file="2019-08-22.txt"):
        rows = [(text, key, source_file) for key, text in enumerate(texts)]
        return spark.createDataFrame(rows, schema=LINES_SCHEMA)

    return build


@pytest.fixture()
def clean_lines(lines_frame):
    """Runs every rule over hand-made lines; returns {row_key: row as dict} of the marked rows."""

    def run(texts, max_terminal_id=DEFAULT_MAX_TERMINAL_ID):
        marked = mark_rows(mark_malformed_lines(lines_frame(texts)), DEFAULT_EPOCH, max_terminal_id)
        return {row["row_key"]: row.asDict() for row in marked.collect()}

    return run
