"""What a training run reads: only the tx_date partitions of its window (a partition filter in the physical
plan, files outside the window never opened), and which window a scheduled run (--window-end) takes."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from py4j.protocol import Py4JJavaError
from pyspark.sql import Row
from pyspark.sql import functions as F

from fraud_jobs.common.schemas import CLEANED_DATA_SCHEMA, CLEANED_SCHEMA, PARTITION_COLUMN
from fraud_jobs.features.time_columns import epoch_day
from fraud_jobs.train.pipeline import hyperparameters_for
from fraud_jobs.train.protocol import Protocol, day_number
from fraud_jobs.train.run import (
    TrainingConfig,
    check_coverage,
    data_window,
    files_read,
    partition_days,
    read_window,
    resolve_window,
)

FIRST_DAY = dt.date(2019, 8, 22)
DAYS = 90
JUNK_DAY = FIRST_DAY  # outside every window below: a run that opens its file fails


def config(protocol: Protocol, window_end=None) -> TrainingConfig:
    hyperparameters = hyperparameters_for("logistic_regression", {})
    return TrainingConfig(protocol, "logistic_regression", hyperparameters, window_end=window_end)


@pytest.fixture(scope="module")
def cleaned_path(spark, tmp_path_factory):
    """One row a day for 90 days, partitioned like the cleaning job's output; the first day's file is junk."""
    root = tmp_path_factory.mktemp("cleaned") / "clean"
    rows = []
    for offset in range(DAYS):
        day = FIRST_DAY + dt.timedelta(days=offset)
        moment = dt.datetime.combine(day, dt.time(12))
        rows.append(Row(offset, moment, 1, 1, 10.0, offset * 86400 + 43200, offset, 0, 0))
    frame = spark.createDataFrame(rows, CLEANED_DATA_SCHEMA).withColumn(
        PARTITION_COLUMN, F.to_date("tx_datetime")
    )
    frame.write.partitionBy(PARTITION_COLUMN).parquet(str(root))
    junk_dir = root / f"{PARTITION_COLUMN}={JUNK_DAY.isoformat()}"
    for part in junk_dir.glob("*.parquet"):
        part.write_bytes(b"not parquet at all")
    return str(root)


@pytest.fixture
def cleaned(spark, cleaned_path):
    return spark.read.schema(CLEANED_SCHEMA).parquet(cleaned_path)


def test_the_junk_file_is_a_real_trap(cleaned):
    with pytest.raises(Py4JJavaError):
        cleaned.count()
    # The job's former filter, on a day computed from tx_datetime, opens every file too.
    first, _ = data_window(config(Protocol(dt.date(2019, 10, 24))))
    with pytest.raises(Py4JJavaError):
        cleaned.where(epoch_day() >= day_number(first)).count()


def test_the_window_is_read_through_a_partition_filter(cleaned):
    run = config(Protocol(dt.date(2019, 10, 24)))
    first, end = data_window(run)
    window = read_window(cleaned, run)
    plan = window._jdf.queryExecution().executedPlan().toString()
    scan = next(line for line in plan.splitlines() if "FileScan parquet" in line)
    partition_filters = scan.split("PartitionFilters: [", 1)[1].split("]", 1)[0]
    assert f"{PARTITION_COLUMN}#" in partition_filters and ">=" in partition_filters, scan
    # Reading the window never opens the junk file of the first day.
    assert window.count() == (end - first).days
    assert files_read(cleaned, run) == {"present": DAYS, "read": (end - first).days}


def test_coverage_comes_from_the_partition_listing(cleaned):
    days = partition_days(cleaned)
    assert days[0] == FIRST_DAY and len(days) == DAYS
    with pytest.raises(ValueError, match="choose --train-start between"):
        check_coverage(days, config(Protocol(dt.date(2019, 8, 30))))
    with pytest.raises(ValueError, match="holds no tx_date= partitions"):
        check_coverage([], config(Protocol(dt.date(2019, 10, 24))))


def test_consecutive_scheduled_runs_move_their_window_forward():
    first = Protocol.latest(dt.date(2019, 11, 10), 7, 7, 7)
    second = Protocol.latest(dt.date(2019, 11, 11), 7, 7, 7)
    assert second.train_start - first.train_start == dt.timedelta(days=1)
    assert second.test_end - first.test_end == dt.timedelta(days=1)
    # The test window's labels are all known by the end: its last day plus the delay is before it.
    assert first.test_end + dt.timedelta(days=first.delay_days) == dt.date(2019, 11, 10)
    assert first.test_start - first.train_end == dt.timedelta(days=7)


def test_a_scheduled_window_stops_at_the_newest_day_of_the_data(cleaned):
    days = partition_days(cleaned)
    newest_end = days[-1] + dt.timedelta(days=1)
    later = resolve_window(days, config(Protocol.latest(dt.date(2026, 1, 1), 7, 7, 7), dt.date(2026, 1, 1)))
    assert later.protocol == Protocol.latest(newest_end, 7, 7, 7)
    earlier_end = days[-1] - dt.timedelta(days=3)
    earlier = resolve_window(days, config(Protocol.latest(earlier_end, 7, 7, 7), earlier_end))
    assert earlier.protocol == Protocol.latest(earlier_end, 7, 7, 7)


def test_a_scheduled_window_keeps_the_known_compromised_days(cleaned):
    days = partition_days(cleaned)
    asked = replace(Protocol.latest(dt.date(2026, 1, 1), 14, 7, 7), known_days=7)
    resolved = resolve_window(days, config(asked, dt.date(2026, 1, 1))).protocol
    assert resolved.known_days == 7
    assert resolved.known_since == resolved.train_end - dt.timedelta(days=7)
