"""Terminal fraud history with a label delay d: number of transactions and fraud risk over
[t - d - N days, t - d). Fraud labels arrive late, so a label from the last d days must never be used."""

from __future__ import annotations

from typing import Sequence

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from fraud_jobs.features.customer import WINDOW_DAYS
from fraud_jobs.features.range_totals import range_count_and_sum
from fraud_jobs.features.time_columns import SECONDS_PER_DAY, epoch_seconds

DEFAULT_DELAY_DAYS = 7


def terminal_nb_tx(days: int) -> str:
    return f"terminal_nb_tx_{days}day"


def terminal_risk(days: int) -> str:
    return f"terminal_risk_{days}day"


def add_terminal_features(
    df: DataFrame, delay_days: int = DEFAULT_DELAY_DAYS, window_days: Sequence[int] = WINDOW_DAYS
) -> DataFrame:
    if delay_days < 0:
        raise ValueError(f"delay_days must be >= 0, got {delay_days}")
    out = df.withColumn("_event_seconds", epoch_seconds())
    ordered = Window.partitionBy("terminal_id").orderBy("_event_seconds")
    delay = delay_days * SECONDS_PER_DAY
    for days in window_days:
        # Integer seconds: [t - d - N, t - d) is the range [t - d - N, t - d - 1 s].
        count, frauds = range_count_and_sum(
            ordered, -(delay + days * SECONDS_PER_DAY), -delay - 1, F.col("tx_fraud")
        )
        out = out.withColumn(terminal_nb_tx(days), count).withColumn(
            terminal_risk(days), F.when(count > 0, frauds / count).otherwise(F.lit(0.0))
        )
    return out.drop("_event_seconds")
