"""Time helpers shared by the feature and protocol code: everything is computed from epoch seconds so the
results never depend on the session time zone."""

from __future__ import annotations

from pyspark.sql import Column
from pyspark.sql import functions as F

SECONDS_PER_DAY = 86400


def epoch_seconds(timestamp_column: str = "tx_datetime") -> Column:
    """Whole seconds since 1970-01-01 UTC (a timestamp cast to long is time-zone independent)."""
    return F.col(timestamp_column).cast("long")


def epoch_day(timestamp_column: str = "tx_datetime") -> Column:
    """Whole days since 1970-01-01 UTC."""
    return F.floor(epoch_seconds(timestamp_column) / SECONDS_PER_DAY).cast("long")
