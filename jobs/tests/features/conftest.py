"""Fixtures for the feature tests: cleaned transactions built by hand from a few fields."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from fraud_jobs.common.schemas import CLEANED_DATA_SCHEMA


def cleaned_pandas(rows) -> pd.DataFrame:
    """rows: (transaction_id, 'YYYY-MM-DD HH:MM:SS', customer_id, terminal_id, tx_amount, tx_fraud)."""
    origin = dt.datetime(2018, 4, 1)
    records = []
    for tx_id, when, customer, terminal, amount, fraud in rows:
        at = dt.datetime.strptime(when, "%Y-%m-%d %H:%M:%S")
        seconds = int((at - origin).total_seconds())
        records.append((tx_id, at, customer, terminal, amount, seconds, seconds // 86400, fraud, 2 * fraud))
    return pd.DataFrame.from_records(records, columns=[f.name for f in CLEANED_DATA_SCHEMA.fields])


@pytest.fixture()
def cleaned_frame(spark):
    """Builds a cleaned-schema Spark DataFrame from hand-written rows."""

    def build(rows):
        return spark.createDataFrame(cleaned_pandas(rows), schema=CLEANED_DATA_SCHEMA)

    return build
