"""Model inputs as DataFrame -> DataFrame functions over the cleaned transactions: the handbook's 15
(FEATURE_COLUMNS), the label-free extension (feature set `extended`) and, after it, the label-delayed terminal
fraud ages (feature set `extended_fraud_age`)."""

from fraud_jobs.features.build import (
    ALL_FEATURE_COLUMNS,
    EXTENDED,
    EXTENDED_FRAUD_AGE,
    FEATURE_COLUMNS,
    FEATURE_SETS,
    HANDBOOK,
    add_features,
    feature_columns,
)

__all__ = [
    "ALL_FEATURE_COLUMNS",
    "EXTENDED",
    "EXTENDED_FRAUD_AGE",
    "FEATURE_COLUMNS",
    "FEATURE_SETS",
    "HANDBOOK",
    "add_features",
    "feature_columns",
]
