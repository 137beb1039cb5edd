"""Model inputs as DataFrame -> DataFrame functions over the cleaned transactions: the handbook's 15
(FEATURE_COLUMNS) and the label-free extension (feature set `extended`)."""

from fraud_jobs.features.build import (
    ALL_FEATURE_COLUMNS,
    EXTENDED,
    FEATURE_COLUMNS,
    FEATURE_SETS,
    HANDBOOK,
    add_features,
    feature_columns,
)

__all__ = [
    "ALL_FEATURE_COLUMNS",
    "EXTENDED",
    "FEATURE_COLUMNS",
    "FEATURE_SETS",
    "HANDBOOK",
    "add_features",
    "feature_columns",
]
