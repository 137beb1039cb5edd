"""Customer spending behaviour: number of transactions and average amount over the last 1, 7 and 30 days,
the current transaction included, i.e. over (t - N days, t]."""

from __future__ import annotations

from typing import Sequence

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from fraud_jobs.features.range_totals import range_count_and_sum
from fraud_jobs.features.time_columns import SECONDS_PER_DAY, epoch_seconds

WINDOW_DAYS = (1, 7, 30)


def amount_cents():
    # Sums are taken in whole cents: an integer sum does not depend on the order Spark feeds the rows,
    # so the average is bit-for-bit reproducible (a floating-point running sum is not).
    return F.round(F.col("tx_amount") * 100).cast("long")


def customer_nb_tx(days: int) -> str:
    return f"customer_nb_tx_{days}day"


def customer_avg_amount(days: int) -> str:
    return f"customer_avg_amount_{days}day"


def add_customer_features(df: DataFrame, window_days: Sequence[int] = WINDOW_DAYS) -> DataFrame:
    out = df.withColumn("_event_seconds", epoch_seconds()).withColumn("_amount_cents", amount_cents())
    ordered = Window.partitionBy("customer_id").orderBy("_event_seconds")
    for days in window_days:
        # Integer seconds: (t - N days, t] is the range [t - N days + 1 s, t].
        count, cents = range_count_and_sum(ordered, -(days * SECONDS_PER_DAY - 1), 0, F.col("_amount_cents"))
        out = out.withColumn(customer_nb_tx(days), count).withColumn(
            customer_avg_amount(days), cents / count / 100.0
        )
    return out.drop("_event_seconds", "_amount_cents")
