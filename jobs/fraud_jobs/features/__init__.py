"""The handbook's 15 model inputs as DataFrame -> DataFrame functions over the cleaned transactions."""

from fraud_jobs.features.build import FEATURE_COLUMNS, add_features

__all__ = ["FEATURE_COLUMNS", "add_features"]
