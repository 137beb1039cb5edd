"""The model inputs: the handbook's 15 (FEATURE_COLUMNS, the `handbook` set); in the `extended` set, the
label-free ones after them; in the `extended_fraud_age` set, those and the label-delayed terminal fraud ages
(terminal_fraud_age.py). A logged model records its set (run params and model metadata), so a scorer
computes exactly the columns that model was trained on: `feature_columns(set)`, `add_features(df, d, set)`."""

from __future__ import annotations

from typing import Dict, List

from pyspark.sql import DataFrame

from fraud_jobs.features.calendar import add_calendar_features
from fraud_jobs.features.customer import (
    WINDOW_DAYS,
    add_customer_features,
    customer_avg_amount,
    customer_nb_tx,
)
from fraud_jobs.features.label_free import LABEL_FREE_COLUMNS, add_label_free_features
from fraud_jobs.features.terminal import (
    DEFAULT_DELAY_DAYS,
    add_terminal_features,
    terminal_nb_tx,
    terminal_risk,
)
from fraud_jobs.features.terminal_fraud_age import (
    TERMINAL_FRAUD_AGE_COLUMNS,
    add_terminal_fraud_age_features,
)

# The handbook set, in the book's order.
FEATURE_COLUMNS = (
    ["tx_amount", "tx_during_weekend", "tx_during_night"]
    + [name for days in WINDOW_DAYS for name in (customer_nb_tx(days), customer_avg_amount(days))]
    + [name for days in WINDOW_DAYS for name in (terminal_nb_tx(days), terminal_risk(days))]
)

HANDBOOK = "handbook"
EXTENDED = "extended"
EXTENDED_FRAUD_AGE = "extended_fraud_age"
# The names are also the pipeline contract's featureSet enum (pipeline.schema.json; a test keeps them equal).
FEATURE_SETS: Dict[str, List[str]] = {
    HANDBOOK: list(FEATURE_COLUMNS),
    EXTENDED: list(FEATURE_COLUMNS) + LABEL_FREE_COLUMNS,
    EXTENDED_FRAUD_AGE: list(FEATURE_COLUMNS) + LABEL_FREE_COLUMNS + TERMINAL_FRAUD_AGE_COLUMNS,
}
_WITH_LABEL_FREE = (EXTENDED, EXTENDED_FRAUD_AGE)
# Every column any set computes (the scores table stores them all: null where the model has none).
ALL_FEATURE_COLUMNS: List[str] = list(FEATURE_SETS[EXTENDED_FRAUD_AGE])


def feature_columns(feature_set: str) -> List[str]:
    if feature_set not in FEATURE_SETS:
        raise ValueError(f"unknown feature set {feature_set!r}: use one of {', '.join(FEATURE_SETS)}")
    return list(FEATURE_SETS[feature_set])


def add_delay_free_features(df: DataFrame, feature_set: str = HANDBOOK) -> DataFrame:
    """The features that read no label (calendar, customer and, in the extended sets, the label-free ones):
    the same for every label delay."""
    feature_columns(feature_set)  # an unknown set fails before any plan is built
    out = add_customer_features(add_calendar_features(df))
    return add_label_free_features(out) if feature_set in _WITH_LABEL_FREE else out


def add_delayed_features(
    delay_free: DataFrame, delay_days: int = DEFAULT_DELAY_DAYS, feature_set: str = HANDBOOK
) -> DataFrame:
    """The features that read labels, which arrive `delay_days` late (terminal risk and, in the
    `extended_fraud_age` set, the terminal fraud ages)."""
    feature_columns(feature_set)
    out = add_terminal_features(delay_free, delay_days)
    return add_terminal_fraud_age_features(out, delay_days) if feature_set == EXTENDED_FRAUD_AGE else out


def add_features(
    df: DataFrame, delay_days: int = DEFAULT_DELAY_DAYS, feature_set: str = HANDBOOK
) -> DataFrame:
    """Cleaned transactions -> the same rows with the feature set's columns appended."""
    return add_delayed_features(add_delay_free_features(df, feature_set), delay_days, feature_set)
