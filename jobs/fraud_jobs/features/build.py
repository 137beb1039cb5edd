"""All 15 model inputs in the handbook's order."""

from __future__ import annotations

from pyspark.sql import DataFrame

from fraud_jobs.features.calendar import add_calendar_features
from fraud_jobs.features.customer import (
    WINDOW_DAYS,
    add_customer_features,
    customer_avg_amount,
    customer_nb_tx,
)
from fraud_jobs.features.terminal import (
    DEFAULT_DELAY_DAYS,
    add_terminal_features,
    terminal_nb_tx,
    terminal_risk,
)

FEATURE_COLUMNS = (
    ["tx_amount", "tx_during_weekend", "tx_during_night"]
    + [name for days in WINDOW_DAYS for name in (customer_nb_tx(days), customer_avg_amount(days))]
    + [name for days in WINDOW_DAYS for name in (terminal_nb_tx(days), terminal_risk(days))]
)


def add_delay_free_features(df: DataFrame) -> DataFrame:
    """The features that read no label (calendar, customer): the same for every label delay."""
    return add_customer_features(add_calendar_features(df))


def add_delayed_features(delay_free: DataFrame, delay_days: int = DEFAULT_DELAY_DAYS) -> DataFrame:
    """The features that read labels, which arrive `delay_days` late (terminal risk)."""
    return add_terminal_features(delay_free, delay_days)


def add_features(df: DataFrame, delay_days: int = DEFAULT_DELAY_DAYS) -> DataFrame:
    """Cleaned transactions -> the same rows with the 15 feature columns appended."""
    return add_delayed_features(add_delay_free_features(df), delay_days)
