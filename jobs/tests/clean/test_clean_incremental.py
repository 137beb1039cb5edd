"""Runs over different files into one output: dates shared by two files keep the rows of both."""

from __future__ import annotations

import json

from fraud_jobs.clean.cli import main

HEADER = "# tranaction_id | tx_datetime | customer_id | terminal_id | tx_amount | ...\n"
# The last line of the first file is a 24:00:00 row: it belongs to the first day of the second file.
FIRST = (
    HEADER + "0,2019-08-22 06:51:03,0,711,70.91,24663,0,0,0\n1,2019-08-22 24:00:00,3,5,10.00,86400,0,0,0\n"
)
SECOND = HEADER + "2,2019-08-23 01:00:00,4,6,20.00,90000,1,0,0\n3,2019-08-23 02:00:00,4,6,30.00,93600,1,0,0\n"


def clean(tmp_path, name, text, out, *options):
    raw = tmp_path / name
    raw.mkdir(exist_ok=True)
    (raw / name).write_text(text)
    report = tmp_path / (name + ".json")
    assert main(["--input", str(raw), "--output", str(out), "--report", str(report), *options]) == 0
    return json.loads(report.read_text())


def by_date(spark, out):
    rows = spark.read.parquet(str(out)).collect()
    return sorted((str(row.tx_date), row.transaction_id) for row in rows)


EVERY_ROW = [("2019-08-22", 0), ("2019-08-23", 1), ("2019-08-23", 2), ("2019-08-23", 3)]


def test_in_order_reruns_and_reverse_order_lose_no_row(spark, tmp_path):
    out = tmp_path / "out"
    clean(tmp_path, "2019-08-22.txt", FIRST, out)
    second = clean(tmp_path, "2019-08-23.txt", SECOND, out)
    assert by_date(spark, out) == EVERY_ROW
    assert (second["rows_read"], second["rows_written"], second["dropped"]["duplicate"]) == (2, 2, 0)
    again = clean(tmp_path, "2019-08-22.txt", FIRST, out)  # re-clean the older file after the newer one
    assert by_date(spark, out) == EVERY_ROW
    assert (again["rows_read"], again["rows_written"], again["dropped"]["duplicate"]) == (2, 2, 0)

    reverse = tmp_path / "reverse"
    clean(tmp_path, "2019-08-23.txt", SECOND, reverse)
    clean(tmp_path, "2019-08-22.txt", FIRST, reverse)
    assert by_date(spark, reverse) == EVERY_ROW


def test_rows_of_earlier_runs_are_not_judged_by_this_runs_options(spark, tmp_path):
    """The second run rewrites 2019-08-23, which holds the first file's row 1 (terminal 5, seconds 86400):
    a smaller --max-terminal-id or another --epoch in that run must neither drop nor rewrite it."""
    out = tmp_path / "out"
    clean(tmp_path, "2019-08-22.txt", FIRST, out)
    second = SECOND.replace(",4,6,", ",4,3,")  # terminal 3: within the second run's range
    report = clean(tmp_path, "2019-08-23.txt", second, out, "--max-terminal-id", "4", "--epoch", "2019-08-21")
    assert by_date(spark, out) == EVERY_ROW
    assert report["dropped"]["terminal_out_of_range"] == 0
    kept = spark.read.parquet(str(out)).where("transaction_id = 1").first()
    assert (kept.terminal_id, kept.tx_time_seconds, kept.tx_time_days) == (5, 86400, 1)
