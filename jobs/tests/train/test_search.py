"""Prequential model selection: grid expansion and checks, the choice by each metric, nested MLflow runs."""

from __future__ import annotations

import mlflow
import pytest

from fraud_jobs.train.evaluation import BLOCKED, SCORE
from fraud_jobs.train.pipeline import DEFAULT_HYPERPARAMETERS, XGBOOST
from fraud_jobs.train.protocol import KNOWN_COMPROMISED
from fraud_jobs.train.search import (
    AVERAGE_PRECISION,
    CARD_PRECISION,
    DEFAULT_GRIDS,
    FNR_AT_FPR_5PCT,
    SearchSettings,
    expand,
    log_trials,
    parse_grid,
    select_hyperparameters,
)


def test_grid_expands_over_the_base_and_is_checked_before_spark():
    trials = expand("random_forest", {"numTrees": 7}, {"maxDepth": [3, 4], "minInstancesPerNode": [1, 2]})
    assert [(t["maxDepth"], t["minInstancesPerNode"]) for t in trials] == [(3, 1), (3, 2), (4, 1), (4, 2)]
    assert {t["numTrees"] for t in trials} == {7} and trials[0]["maxBins"] == 1024
    with pytest.raises(ValueError, match="unknown hyperparameter.*maxDeep"):
        expand("gbt", {}, {"maxDeep": [3]})
    for model, grid in DEFAULT_GRIDS.items():
        assert 1 < len(expand(model, {}, grid)) <= 4, model


def test_xgboost_grid_asks_about_leaf_size_within_two_default_fits_of_trees():
    """The grid's question (README "Model selection"): the leaf size (min_child_weight) and the tree count,
    and a search's trees per fold stay within two fits of the default 200 trees (the former grid, 100 and
    300 trees at two depths, cost four)."""
    trials = expand(XGBOOST, {}, DEFAULT_GRIDS[XGBOOST])
    assert {t["min_child_weight"] for t in trials} == {1, 5}
    assert {t["max_depth"] for t in trials} == {DEFAULT_HYPERPARAMETERS[XGBOOST]["max_depth"]}
    assert sum(t["n_estimators"] for t in trials) <= 2 * DEFAULT_HYPERPARAMETERS[XGBOOST]["n_estimators"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("[1]", "non-empty JSON object"),
        ("{}", "non-empty JSON object"),
        ('{"a": []}', "a: expected a non-empty"),
        ("{a", "expected JSON"),
    ],
)
def test_bad_grids_are_named(text, message):
    with pytest.raises(ValueError, match=message):
        parse_grid(text)


def scored_fold(spark, quality: int):
    """A scored fold: 250 cards (more than CP@100's 100) x 3 days, one fraud in five cards; `quality` 0..2
    orders the configurations (2 ranks every fraud first, 0 ranks them last), so every metric prefers the
    higher one."""
    rows = []
    for day in range(3):
        for card in range(250):
            fraud = 1 if card % 5 == 0 else 0
            signal = {2: fraud, 1: 0.5, 0: 1 - fraud}[quality]
            rows.append((day, card, fraud, 10.0, 0.5 * signal + 0.001 * ((card * 7 + day) % 13), False))
    columns = ["event_day", "customer_id", "tx_fraud", "tx_amount", SCORE, KNOWN_COMPROMISED]
    return spark.createDataFrame(rows, columns)


@pytest.mark.parametrize("metric", [AVERAGE_PRECISION, CARD_PRECISION, FNR_AT_FPR_5PCT])
def test_the_best_mean_over_the_folds_wins_for_each_metric(spark, metric):
    folds = ["fold-a", "fold-b"]
    calls = []

    def score_fold(hyperparameters, fold):
        calls.append((hyperparameters["regParam"], fold))
        return scored_fold(spark, {0.1: 0, 0.01: 2, 0.001: 1}[hyperparameters["regParam"]])

    settings = SearchSettings({"regParam": [0.1, 0.01, 0.001]}, metric)
    result = select_hyperparameters("logistic_regression", {}, settings, folds, BLOCKED, score_fold)
    assert len(calls) == 6 and {fold for _, fold in calls} == set(folds)
    assert result.best["regParam"] == 0.01
    assert [len(trial.folds) for trial in result.trials] == [2, 2, 2]
    best = result.trials[result.best_index]
    if metric == FNR_AT_FPR_5PCT:
        assert best.mean(metric) == min(trial.mean(metric) for trial in result.trials)
    else:
        assert best.mean(metric) == max(trial.mean(metric) for trial in result.trials)


def test_every_trial_is_a_nested_run_with_its_fold_metrics(spark, tmp_path):
    settings = SearchSettings({"regParam": [0.1, 0.01]})
    result = select_hyperparameters(
        "logistic_regression",
        {},
        settings,
        ["f0", "f1"],
        BLOCKED,
        lambda hp, fold: scored_fold(spark, 2 if hp["regParam"] == 0.01 else 0),
    )
    mlflow.set_tracking_uri((tmp_path / "mlruns").as_uri())
    # An experiment of this store: an earlier test's active experiment id belongs to another server.
    mlflow.set_experiment("search-trials")
    with mlflow.start_run() as parent:
        log_trials(result)
    client = mlflow.tracking.MlflowClient()
    children = client.search_runs(
        [parent.info.experiment_id], f"tags.mlflow.parentRunId = '{parent.info.run_id}'"
    )
    assert len(children) == 2
    chosen = [run for run in children if run.data.tags["selected"] == "True"]
    assert len(chosen) == 1 and chosen[0].data.params["hp_regParam"] == "0.01"
    history = client.get_metric_history(chosen[0].info.run_id, "fold_average_precision")
    assert sorted(point.step for point in history) == [0, 1]
    assert chosen[0].data.metrics["average_precision"] == pytest.approx(
        result.trials[1].mean(AVERAGE_PRECISION)
    )
