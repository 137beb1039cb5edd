"""Weekend and night flags (handbook: weekday >= 5, hour <= 6), in UTC like the data."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fraud_jobs.features.time_columns import SECONDS_PER_DAY, epoch_day, epoch_seconds

# 1970-01-01 was a Thursday: Monday-based weekday 3.
_EPOCH_WEEKDAY = 3
_LAST_NIGHT_HOUR = 6


def add_calendar_features(df: DataFrame) -> DataFrame:
    weekday = (epoch_day() + _EPOCH_WEEKDAY) % 7
    hour = F.floor((epoch_seconds() % SECONDS_PER_DAY) / 3600)
    return df.withColumn("tx_during_weekend", (weekday >= 5).cast("int")).withColumn(
        "tx_during_night", (hour <= _LAST_NIGHT_HOUR).cast("int")
    )
