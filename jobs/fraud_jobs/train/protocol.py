"""The handbook's evaluation protocol: a training window, a gap equal to the label delay, a test window.
Cards already known to be compromised when a test day is scored are removed from that day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import List, Optional, Tuple

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fraud_jobs.features.customer import WINDOW_DAYS
from fraud_jobs.features.time_columns import epoch_day

_EPOCH = dt.date(1970, 1, 1)


def day_number(day: dt.date) -> int:
    return (day - _EPOCH).days


@dataclass(frozen=True)
class Protocol:
    train_start: dt.date
    train_days: int = 7
    delay_days: int = 7
    test_days: int = 7
    # The days before the training end whose frauds mark a card known compromised; None: the training
    # window (the book's rule). Fixing it lets two training windows be judged on the same test rows.
    known_days: Optional[int] = None

    @property
    def known_since(self) -> dt.date:
        """First day whose frauds count as known for the test window (the training start by default)."""
        return self.train_end - dt.timedelta(
            days=self.train_days if self.known_days is None else self.known_days
        )

    @property
    def train_end(self) -> dt.date:
        """First day after the training window."""
        return self.train_start + dt.timedelta(days=self.train_days)

    @property
    def test_start(self) -> dt.date:
        return self.train_end + dt.timedelta(days=self.delay_days)

    @property
    def test_end(self) -> dt.date:
        """First day after the test window."""
        return self.test_start + dt.timedelta(days=self.test_days)

    def validation_folds(self, count: int) -> List[Protocol]:
        """Prequential folds in the past (handbook ch. 5): the first one assesses on the training window,
        so every label it uses was known before the test window starts."""
        first = self.train_start - dt.timedelta(days=self.delay_days + self.test_days)
        return [
            replace(self, train_start=first - dt.timedelta(days=i * self.test_days)) for i in range(count)
        ]

    def with_delay_ending_at_same_test(self, delay_days: int) -> Protocol:
        """Same test window, training window moved so that labels arrive `delay_days` after it."""
        start = self.test_start - dt.timedelta(days=delay_days + self.train_days)
        return replace(self, train_start=start, delay_days=delay_days)

    def operating_window(self) -> Protocol:
        """The protocol whose test window is this one's training window, with the same label delay and the
        same look-back for known-compromised cards: the operating point is chosen on the training window's
        rows judged exactly as the test window's rows are."""
        back = dt.timedelta(days=self.delay_days + self.train_days)
        return replace(self, train_start=self.train_start - back, test_days=self.train_days)

    @classmethod
    def latest(cls, end: dt.date, train_days: int, delay_days: int, test_days: int) -> Protocol:
        """The newest window whose test days are all labelled before `end`, the first day not complete yet
        (a scheduled run's data interval end): a day's labels are known `delay_days` after it, so the test
        window ends `delay_days` before `end`."""
        test_end = end - dt.timedelta(days=delay_days)
        start = test_end - dt.timedelta(days=test_days + delay_days + train_days)
        return cls(start, train_days, delay_days, test_days)

    def history_start(self) -> dt.date:
        """First day whose transactions the features of the training window can look at."""
        return self.train_start - dt.timedelta(days=self.delay_days + max(WINDOW_DAYS))


KNOWN_COMPROMISED = "known_compromised"


def flag_known_compromised(
    rows: DataFrame, labelled: DataFrame, since_day: int, delay_days: int
) -> DataFrame:
    """`rows` (customer_id, event_day) with `known_compromised`: the card had a fraud in `labelled`
    (customer_id, event_day, tx_fraud) on a day from `since_day` up to the row's day minus the label delay,
    so the fraud was known when the row was scored (the book's known_defrauded_customers). The one rule for
    the test window, the operating point's population and monitoring's realised outcomes."""
    first_known_fraud = (
        labelled.filter((F.col("tx_fraud") == 1) & (F.col("event_day") >= since_day))
        .groupBy("customer_id")
        .agg(F.min("event_day").alias("_first_known_fraud_day"))
    )
    return (
        rows.join(first_known_fraud, "customer_id", "left")
        .withColumn(
            KNOWN_COMPROMISED,
            F.coalesce(F.col("_first_known_fraud_day") < F.col("event_day") - delay_days, F.lit(False)),
        )
        .drop("_first_known_fraud_day")
    )


def split_flagged(features: DataFrame, protocol: Protocol) -> Tuple[DataFrame, DataFrame]:
    """(train, test) with an `event_day` column; every test row carries `known_compromised`: its card had
    a fraud from `known_since` (the training start by default) up to the test day minus the delay
    (`flag_known_compromised`)."""
    with_day = features.withColumn("event_day", epoch_day())
    train_start, train_end = day_number(protocol.train_start), day_number(protocol.train_end)
    test_start, test_end = day_number(protocol.test_start), day_number(protocol.test_end)
    train = with_day.filter((F.col("event_day") >= train_start) & (F.col("event_day") < train_end))
    test = flag_known_compromised(
        with_day.filter((F.col("event_day") >= test_start) & (F.col("event_day") < test_end)),
        with_day,
        day_number(protocol.known_since),
        protocol.delay_days,
    )
    return train, test


def split(features: DataFrame, protocol: Protocol) -> Tuple[DataFrame, DataFrame]:
    """The book's (train, test): the test set without the cards already known as compromised."""
    train, test = split_flagged(features, protocol)
    return train, test.filter(~F.col(KNOWN_COMPROMISED)).drop(KNOWN_COMPROMISED)
