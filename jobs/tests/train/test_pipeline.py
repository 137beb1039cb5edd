"""The pipeline of standard stages: arguments, class weights, and the mlflow.spark round trip."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

from fraud_jobs.train.pipeline import (
    WEIGHT_COLUMN,
    above_ties,
    balanced_fraud_weight,
    build_pipeline,
    fraud_score,
    hyperparameters_for,
    undersample_legit,
    with_class_weight,
    with_decision_threshold,
)

FEATURES = ["a", "b"]


@pytest.fixture(scope="module")
def tiny(spark):
    rows = [(float(i % 7), float(i % 3), 1 if i % 7 >= 5 else 0) for i in range(60)]
    return spark.createDataFrame(rows, ["a", "b", "tx_fraud"])


def test_hyperparameters_merge_defaults_and_reject_unknown_names():
    assert hyperparameters_for("gbt", {"maxIter": 3})["maxIter"] == 3
    assert hyperparameters_for("gbt", {})["maxDepth"] == 5
    with pytest.raises(ValueError, match="unknown hyperparameter.*maxDeep"):
        hyperparameters_for("random_forest", {"maxDeep": 3})
    with pytest.raises(ValueError, match="unknown model 'svm'"):
        hyperparameters_for("svm", {})


def test_hyperparameter_values_and_job_owned_columns_are_checked_before_spark():
    with pytest.raises(ValueError, match="maxDepth='abc': Could not convert"):
        hyperparameters_for("random_forest", {"maxDepth": "abc"})
    with pytest.raises(ValueError, match="unknown hyperparameter.*featuresCol.*set by the job"):
        hyperparameters_for("gbt", {"featuresCol": "x"})


def test_xgboost_hyperparameters_are_checked_before_spark():
    assert hyperparameters_for("xgboost", {"max_depth": 3})["max_depth"] == 3
    with pytest.raises(ValueError, match="unknown hyperparameter.*maxDepth"):
        hyperparameters_for("xgboost", {"maxDepth": 3})
    with pytest.raises(ValueError, match="unknown hyperparameter.*label_col"):
        hyperparameters_for("xgboost", {"label_col": "x"})


def test_undersampling_keeps_every_fraud_and_reaches_the_ratio(spark):
    rows = [(float(i), 1 if i % 50 == 0 else 0) for i in range(20000)]
    train = spark.createDataFrame(rows, ["a", "tx_fraud"])
    sampled = undersample_legit(train, 0.1, seed=3)
    counts = {r.tx_fraud: r["count"] for r in sampled.groupBy("tx_fraud").count().collect()}
    assert counts[1] == 400
    assert counts[0] == pytest.approx(4000, rel=0.1)
    assert undersample_legit(train, 0.001).count() == 20000  # already above that ratio: kept whole
    with pytest.raises(ValueError, match="both classes are needed"):
        undersample_legit(train.filter("tx_fraud = 0"), 0.1)


def test_balanced_weight_equalises_the_classes(tiny):
    weight = balanced_fraud_weight(tiny)
    assert weight == pytest.approx(44 / 16)  # i % 7 in {5, 6} for 16 of the 60 rows
    weighted = with_class_weight(tiny, weight).groupBy("tx_fraud").agg(F.sum(WEIGHT_COLUMN).alias("w"))
    totals = {row.tx_fraud: row.w for row in weighted.collect()}
    assert totals[0] == pytest.approx(totals[1])


def test_one_class_training_window_is_a_clear_error(tiny):
    with pytest.raises(ValueError, match="both classes are needed"):
        balanced_fraud_weight(tiny.filter("tx_fraud = 0"))


SMALL = {
    "logistic_regression": {"maxIter": 5},
    "random_forest": {"numTrees": 3},
    "gbt": {"maxIter": 5},
    "xgboost": {"n_estimators": 5},
}


@pytest.mark.parametrize("model", ["logistic_regression", "random_forest", "gbt", "xgboost"])
def test_fitted_pipeline_round_trips_through_mlflow_spark(tiny, tmp_path, model):
    import mlflow.spark

    params = hyperparameters_for(model, SMALL[model])
    fitted = build_pipeline(model, params, FEATURES).fit(with_class_weight(tiny, 2.0))
    mlflow.spark.save_model(fitted, str(tmp_path / "model"))
    loaded = mlflow.spark.load_model(str(tmp_path / "model"))

    def scores(m):
        return [r.score for r in m.transform(tiny).select(fraud_score().alias("score")).collect()]

    assert scores(loaded) == scores(fitted)
    assert len({round(s, 6) for s in scores(fitted)}) > 1


# The tiny set gives the forest no score between 0 and 1 where the decision would differ from 0.5.
# XGBoost's stage predicts an argmax; its pipeline's DecisionAtThreshold stage must apply the threshold.
@pytest.mark.parametrize("model", ["logistic_regression", "xgboost"])
def test_logged_model_decides_at_the_tuned_threshold(tiny, tmp_path, model):
    import mlflow.spark

    params = hyperparameters_for(model, SMALL[model])
    fitted = build_pipeline(model, params, FEATURES).fit(with_class_weight(tiny, 2.0))
    scores = [r.s for r in fitted.transform(tiny).select(fraud_score().alias("s")).collect()]
    # A score value (the rows at it are not flagged) where Spark's default decision at 0.5 would differ.
    threshold = next(
        above_ties(s)
        for s in sorted(set(scores))
        if s < 0.99 and any((x > 0.5) != (x > above_ties(s)) for x in scores)
    )
    mlflow.spark.save_model(with_decision_threshold(fitted, threshold), str(tmp_path / "model"))
    loaded = mlflow.spark.load_model(str(tmp_path / "model"))
    rows = loaded.transform(tiny).select(fraud_score().alias("s"), "prediction").collect()
    assert [r.prediction for r in rows] == [1.0 if r.s > threshold else 0.0 for r in rows]
