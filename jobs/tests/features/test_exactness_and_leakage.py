"""The Spark features against a plain pandas reference on generated data (identical values), and the
label-delay leakage property: labels from inside the delay never change any feature."""

from __future__ import annotations

import datetime as dt

import pytest
from pandas.testing import assert_frame_equal
from pandas_reference import reference_features
from pyspark.sql import functions as F

from fraud_jobs.features import FEATURE_COLUMNS, add_features

DELAY_DAYS = 7


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
