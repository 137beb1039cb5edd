"""The book's protocol: windows, the gap and the removal of cards already known to be compromised."""

from __future__ import annotations

import datetime as dt

from pyspark.sql.types import IntegerType, LongType, StructField, StructType, TimestampType

from fraud_jobs.train.protocol import KNOWN_COMPROMISED, Protocol, split, split_flagged

START = dt.date(2018, 7, 25)
COLUMNS = StructType(
    [
        StructField("transaction_id", LongType()),
        StructField("tx_datetime", TimestampType()),
        StructField("customer_id", LongType()),
        StructField("tx_fraud", IntegerType()),
    ]
)


def test_windows_follow_train_gap_test():
    protocol = Protocol(START, train_days=7, delay_days=7, test_days=7)
    assert (protocol.train_end, protocol.test_start, protocol.test_end) == (
        dt.date(2018, 8, 1),
        dt.date(2018, 8, 8),
        dt.date(2018, 8, 15),
    )
    # validation in the past: train 07-11..07-17, gap, assess on the training window 07-25..07-31
    assert [fold.train_start for fold in protocol.validation_folds(2)] == [
        dt.date(2018, 7, 11),
        dt.date(2018, 7, 4),
    ]
    faster = protocol.with_delay_ending_at_same_test(1)
    assert (faster.train_start, faster.test_start, faster.delay_days) == (
        dt.date(2018, 7, 31),
        protocol.test_start,
        1,
    )
    assert protocol.history_start() == dt.date(2018, 6, 18)
    # The operating point's window: the training window judged as a test window, same delay and look-back.
    operating = Protocol(START, train_days=5, delay_days=3, test_days=7).operating_window()
    window = (operating.test_start, operating.test_end, operating.delay_days)
    assert window == (START, dt.date(2018, 7, 30), 3)


def test_known_compromised_cards_leave_the_test_days_they_are_known_on(spark):
    def at(day_offset):
        return dt.datetime.combine(START, dt.time(12)) + dt.timedelta(days=day_offset)

    rows = [
        (1, at(0), 10, 0),  # training window
        (2, at(3), 11, 1),  # card 11 defrauded in training: known on every test day
        (3, at(14), 11, 0),  # first test day (day 14): removed
        # card 12 defrauded in the gap on day 8; test day D knows the frauds before D - 7 (the book adds
        # day D - 8 to its known set on day D), so card 12 is known from day 16
        (4, at(8), 12, 1),
        (5, at(14), 12, 0),  # kept
        (6, at(15), 12, 1),  # kept
        (10, at(16), 12, 0),  # removed
        (7, at(16), 13, 0),  # card 13 never defrauded: kept
        (8, at(7), 14, 0),  # the gap is neither train nor test
        (9, at(21), 13, 0),  # after the test window
    ]
    train, test = split(spark.createDataFrame(rows, COLUMNS), Protocol(START))
    assert sorted(r.transaction_id for r in train.collect()) == [1, 2]
    assert sorted(r.transaction_id for r in test.collect()) == [5, 6, 7]


def test_flagged_split_keeps_every_test_row_and_marks_the_known_cards(spark):
    def at(day_offset):
        return dt.datetime.combine(START, dt.time(12)) + dt.timedelta(days=day_offset)

    rows = [
        (1, at(3), 11, 1),  # card 11 defrauded in training
        (2, at(14), 11, 0),  # known
        (3, at(14), 12, 0),  # never defrauded
        (4, at(15), 12, 1),
    ]
    _, test = split_flagged(spark.createDataFrame(rows, COLUMNS), Protocol(START))
    got = {r.transaction_id: r[KNOWN_COMPROMISED] for r in test.collect()}
    assert got == {2: True, 3: False, 4: False}


def test_known_days_judge_a_longer_training_window_on_the_book_windows_test_rows(spark):
    """--train-days 21 --known-compromised-days 7 keeps the test rows of the 7-day protocol with the same
    test week: a card defrauded in the longer window's first two weeks is not known compromised."""
    book = Protocol(START)
    longer = Protocol(START - dt.timedelta(days=14), train_days=21)
    fixed = Protocol(START - dt.timedelta(days=14), train_days=21, known_days=7)
    assert book.test_start == longer.test_start == fixed.test_start
    assert (book.known_since, longer.known_since, fixed.known_since) == (START, longer.train_start, START)
    # Derived windows keep the rule relative to their own training end.
    assert fixed.validation_folds(1)[0].known_since == fixed.validation_folds(1)[0].train_end - dt.timedelta(
        7
    )
    # The operating window judges the training window as a test window: known from 7 days before its gap.
    assert fixed.operating_window().known_since == fixed.train_start - dt.timedelta(days=7 + 7)

    def at(day_offset):
        return dt.datetime.combine(START, dt.time(12)) + dt.timedelta(days=day_offset)

    rows = [
        (1, at(-5), 11, 1),  # card 11 defrauded before the book's training start, in the longer window
        (2, at(14), 11, 0),
        (3, at(2), 12, 1),  # card 12 defrauded in the book's training window
        (4, at(14), 12, 0),
        (5, at(14), 13, 0),
    ]
    frame = spark.createDataFrame(rows, COLUMNS)

    def test_ids(protocol):
        return sorted(r.transaction_id for r in split(frame, protocol)[1].collect())

    assert test_ids(book) == test_ids(fixed) == [2, 5]
    assert test_ids(longer) == [5]
