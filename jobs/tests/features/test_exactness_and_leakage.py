"""The Spark features against a plain pandas reference on generated data (identical values), and the
label-delay leakage property: labels from inside the delay never change any feature."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from pandas_reference import reference_features
from pyspark.sql import functions as F

from fraud_jobs.common.schemas import CLEANED_DATA_SCHEMA, RAW_COLUMNS
from fraud_jobs.features import FEATURE_COLUMNS, add_features
from fraud_jobs.generate import generate, preset_config

DELAY_DAYS = 7


@pytest.fixture(scope="module")
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


@pytest.fixture(scope="module")
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


def spark_features(df, delay_days=DELAY_DAYS):
    # Timestamps stay in Spark: PySpark 3.4's toPandas cannot convert them under pandas 2 without Arrow.
    features = add_features(df, delay_days).select("transaction_id", "tx_time_seconds", *FEATURE_COLUMNS)
    return features.toPandas().sort_values("transaction_id").reset_index(drop=True)


@pytest.mark.parametrize("sample", ["generated", "from_generator"])
def test_spark_features_equal_the_pandas_reference_exactly(sample, request):
    pdf, sdf = request.getfixturevalue(sample)
    got = spark_features(sdf)
    want = reference_features(pdf, DELAY_DAYS).sort_values("transaction_id")
    want = want.reset_index(drop=True)
    assert_frame_equal(got[FEATURE_COLUMNS], want[FEATURE_COLUMNS], check_dtype=False, check_exact=True)


def test_labels_inside_the_delay_never_change_a_feature(generated):
    _, sdf = generated
    cutoff = 29 * 86400  # tx_time_seconds counts from 2018-04-01 here
    flip_from = dt.datetime(2018, 4, 30) - dt.timedelta(days=DELAY_DAYS)
    flipped = sdf.withColumn(
        "tx_fraud",
        F.when(F.col("tx_datetime") >= F.lit(flip_from), 1 - F.col("tx_fraud")).otherwise(F.col("tx_fraud")),
    )
    before, after = spark_features(sdf), spark_features(flipped)
    seen = before["tx_time_seconds"] <= cutoff
    assert_frame_equal(before.loc[seen, FEATURE_COLUMNS], after.loc[seen, FEATURE_COLUMNS], check_exact=True)
    # The flip must show up later, or this test could not fail.
    later = ~seen
    assert not before.loc[later, FEATURE_COLUMNS].equals(after.loc[later, FEATURE_COLUMNS])
