"""The operating point is set on the final model's own scores, so the FPR it was chosen for holds on that
model (a threshold taken from a fold model trained on an earlier window did not)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from fraud_jobs.features import FEATURE_COLUMNS
from fraud_jobs.train.evaluation import daily_counts
from fraud_jobs.train.pipeline import hyperparameters_for
from fraud_jobs.train.protocol import Protocol, split
from fraud_jobs.train.run import TrainingConfig, _fit_with_threshold, score

START = dt.date(2019, 10, 12)


def windows(spark):
    """Fold training window (14 days before START) with 30 % fraud, training window with 3 %: a fold model
    scores everything higher than the final model does."""
    rng = np.random.default_rng(5)
    parts = []
    for first_day, fraud_rate in ((START - dt.timedelta(days=14), 0.30), (START, 0.03)):
        rows = 4000
        labels = (rng.random(rows) < fraud_rate).astype(int)
        part = pd.DataFrame(rng.normal(size=(rows, len(FEATURE_COLUMNS))), columns=FEATURE_COLUMNS)
        part["tx_amount"] = part["tx_amount"] + labels * 1.5
        offsets = rng.integers(0, 7 * 86400, rows)
        part["tx_datetime"] = pd.Timestamp(first_day) + pd.to_timedelta(offsets, unit="s")
        part["customer_id"] = rng.integers(0, 1000, rows)
        part["tx_fraud"] = labels
        parts.append(part)
    return spark.createDataFrame(pd.concat(parts, ignore_index=True))


def test_threshold_gives_the_target_fpr_on_the_final_model(spark):
    config = TrainingConfig(
        protocol=Protocol(START),
        model="logistic_regression",
        hyperparameters=hyperparameters_for("logistic_regression", {"maxIter": 20}),
        max_fpr=0.05,
    )
    features = windows(spark).cache()
    fitted = _fit_with_threshold(features, config.protocol, config)
    train, _ = split(features, config.protocol)
    counts = daily_counts(score(fitted.model, train), fitted.threshold)
    false_alerts, legit = (sum(day[key] for day in counts) for key in ("false_alerts", "legit"))
    assert false_alerts / legit == pytest.approx(0.05, abs=0.002)
    assert 0 < fitted.validation_average_precision <= 1
    features.unpersist()
