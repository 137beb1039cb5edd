"""Fixtures for the feature tests: cleaned transactions built by hand from a few fields."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from fraud_jobs.common.schemas import CLEANED_DATA_SCHEMA, RAW_COLUMNS
from fraud_jobs.generate import generate, preset_config


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


@pytest.fixture(scope="session")
def generated(spark):
    """A small random sample with the cleaned schema: 45 days, busy terminals, same-second ties."""
    rng = np.random.default_rng(7)
    n = 1200
    origin = dt.datetime(2018, 4, 1)
    seconds = np.sort(rng.integers(0, 45 * 86400, n))
    seconds[10:20] = seconds[10]  # ties
    amounts = np.round(rng.gamma(2.0, 30.0, n), 2) + 0.01
    pdf = pd.DataFrame(
        {
            "transaction_id": np.arange(n, dtype="int64"),
            "tx_datetime": [origin + dt.timedelta(seconds=int(s)) for s in seconds],
            "customer_id": rng.integers(0, 25, n).astype("int64"),
            "terminal_id": rng.integers(0, 12, n).astype("int64"),
            "tx_amount": amounts,
            "tx_time_seconds": seconds.astype("int64"),
            "tx_time_days": (seconds // 86400).astype("int32"),
            "tx_fraud": (rng.random(n) < 0.1).astype("int32"),
        }
    )
    pdf["tx_fraud_scenario"] = (pdf["tx_fraud"] * 2).astype("int32")
    return pdf, spark.createDataFrame(pdf, schema=CLEANED_DATA_SCHEMA)


@pytest.fixture(scope="session")
def from_generator(spark, tmp_path_factory):
    """The generator's `course` simulator (defects off, so every row is already clean), 40 days."""
    out = tmp_path_factory.mktemp("generated")
    generate(preset_config("course", seed=5, customers=60, terminals=20, days=40, defects=False), str(out))
    parts = [
        pd.read_csv(path, comment="#", header=None, names=list(RAW_COLUMNS))
        for path in sorted(out.glob("*.txt"))
    ]
    pdf = pd.concat(parts, ignore_index=True)
    pdf["tx_datetime"] = pd.to_datetime(pdf["tx_datetime"], format="%Y-%m-%d %H:%M:%S")
    pdf = pdf.astype({"tx_time_days": "int32", "tx_fraud": "int32", "tx_fraud_scenario": "int32"})
    assert pdf["tx_fraud"].sum() > 0
    return pdf, spark.createDataFrame(pdf, schema=CLEANED_DATA_SCHEMA)
