"""Prequential model selection (handbook ch. 5): every configuration of a small grid is fitted on each
validation fold's training window and scored on the fold's assessment window (all before the training
window, labels as late as in production); the best mean of the selection metric wins and is then refitted on
the training window by the normal run.

Cost: trials x folds fits of one training window each (plus the final fits of the run), so a grid is sized as
budget / (folds x one fit's time); the defaults hold 4 configurations per family (see the README)."""

from __future__ import annotations

import itertools
import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Sequence

from pyspark.sql import DataFrame

from fraud_jobs.train import metrics as m
from fraud_jobs.train.evaluation import card_precision_at_k, handbook_rows, score_histogram
from fraud_jobs.train.pipeline import XGBOOST, Hyperparameters, hyperparameters_for

LOG = logging.getLogger(__name__)

AVERAGE_PRECISION = "average_precision"
CARD_PRECISION = "card_precision_at_100"
FNR_AT_FPR_5PCT = "fnr_at_fpr_5pct"
# Metric -> True when higher is better. AP and CP@100 on the handbook view of the fold (known-compromised
# cards removed), FNR at 5 % FPR on the business view (every row, the run's known-compromised policy).
SEARCH_METRICS = {AVERAGE_PRECISION: True, CARD_PRECISION: True, FNR_AT_FPR_5PCT: False}

Grid = Dict[str, List[Any]]
# Small on purpose: trials x folds fits must fit the run's time budget (README "Model selection").
DEFAULT_GRIDS: Dict[str, Grid] = {
    "logistic_regression": {"regParam": [0.0001, 0.001, 0.01, 0.1]},
    "random_forest": {"maxDepth": [10, 20], "minInstancesPerNode": [1, 5]},
    "gbt": {"maxIter": [50, 100], "maxDepth": [3, 5]},
    # Depth stays at its default 6 (depth 3 never led on the handbook preset's folds) and the trees are
    # fewer than the fit default's 200: the grid asks for how many trees and how large a leaf (README
    # "Model selection": measured choices, and the budget).
    XGBOOST: {"n_estimators": [50, 100], "min_child_weight": [1, 5]},
}


@dataclass(frozen=True)
class SearchSettings:
    grid: Mapping[str, Sequence[Any]]
    metric: str = AVERAGE_PRECISION


@dataclass
class Trial:
    hyperparameters: Hyperparameters
    folds: List[Dict[str, float]]
    seconds: float

    def mean(self, metric: str) -> float:
        return sum(fold[metric] for fold in self.folds) / len(self.folds)


@dataclass
class SearchResult:
    settings: SearchSettings
    trials: List[Trial] = field(default_factory=list)
    best_index: int = 0
    seconds: float = 0.0

    @property
    def best(self) -> Hyperparameters:
        return self.trials[self.best_index].hyperparameters


def parse_grid(text: str) -> Grid:
    """--search-grid: a JSON object of parameter -> list of values, e.g. {"maxDepth": [5, 10]}."""
    try:
        grid = json.loads(text)
    except ValueError as error:
        raise ValueError(f'expected JSON such as {{"maxDepth": [5, 10]}} ({error})') from None
    if not isinstance(grid, dict) or not grid:
        raise ValueError(f'expected a non-empty JSON object such as {{"maxDepth": [5, 10]}}, got {text!r}')
    for name, values in grid.items():
        if not isinstance(values, list) or not values:
            raise ValueError(f"{name}: expected a non-empty list of values, got {values!r}")
    return grid


def expand(model: str, base: Hyperparameters, grid: Mapping[str, Sequence[Any]]) -> List[Hyperparameters]:
    """Every configuration of the grid over `base`, each checked like a --hyperparameter (before Spark)."""
    names = sorted(grid)
    trials = []
    for values in itertools.product(*(grid[name] for name in names)):
        overrides = dict(base)
        overrides.update(zip(names, values))
        trials.append(hyperparameters_for(model, overrides))
    return trials


def fold_metrics(scored: DataFrame, policy: str) -> Dict[str, float]:
    """The selection metrics of one scored fold (rows flagged known_compromised, evaluation.SCORE)."""
    handbook = handbook_rows(scored)
    curves = m.error_curves(score_histogram(scored, policy))
    return {
        AVERAGE_PRECISION: m.average_precision(score_histogram(handbook)),
        CARD_PRECISION: card_precision_at_k(handbook, 100),
        FNR_AT_FPR_5PCT: m.fnr_at_fpr(curves, 0.05),
    }


def select_hyperparameters(
    model: str,
    base: Hyperparameters,
    settings: SearchSettings,
    folds: Sequence[Any],
    policy: str,
    score_fold: Callable[[Hyperparameters, Any], DataFrame],
) -> SearchResult:
    """score_fold(hyperparameters, fold protocol) -> that configuration fitted on the fold's training
    window, its scored assessment rows."""
    higher_is_better = SEARCH_METRICS[settings.metric]
    result = SearchResult(settings)
    started = time.monotonic()
    for index, hyperparameters in enumerate(expand(model, base, settings.grid)):
        trial_started = time.monotonic()
        per_fold = []
        for fold in folds:
            scored = score_fold(hyperparameters, fold).cache()
            try:
                per_fold.append(fold_metrics(scored, policy))
            finally:
                scored.unpersist()
        trial = Trial(hyperparameters, per_fold, time.monotonic() - trial_started)
        result.trials.append(trial)
        LOG.info(
            "search trial %d %s: %s %.4f (%.0f s)",
            index,
            {k: hyperparameters[k] for k in settings.grid},
            settings.metric,
            trial.mean(settings.metric),
            trial.seconds,
        )
    means = [trial.mean(settings.metric) for trial in result.trials]
    best = max(means) if higher_is_better else min(means)
    result.best_index = means.index(best)  # the first of equals: the grid's order breaks ties
    result.seconds = time.monotonic() - started
    return result


def search_params(result: SearchResult) -> Dict[str, Any]:
    return {
        "search_metric": result.settings.metric,
        "search_grid": json.dumps(dict(result.settings.grid), sort_keys=True),
        "search_trials": len(result.trials),
    }


def search_metrics(result: SearchResult) -> Dict[str, Any]:
    """Summary for metrics.json: the grid, each trial's mean metrics and the wall time."""
    return {
        "metric": result.settings.metric,
        "grid": {name: list(values) for name, values in result.settings.grid.items()},
        "best_trial": result.best_index,
        "seconds": result.seconds,
        "trials": [
            {
                "hyperparameters": {name: trial.hyperparameters[name] for name in result.settings.grid},
                "seconds": trial.seconds,
                **{metric: trial.mean(metric) for metric in SEARCH_METRICS},
            }
            for trial in result.trials
        ],
    }


def log_trials(result: SearchResult) -> None:
    """Each trial as a nested MLflow run of the active run: its hyperparameters, per-fold metrics (step =
    fold, 0 the most recent) and their means; the chosen one tagged `selected`."""
    import mlflow

    for index, trial in enumerate(result.trials):
        with mlflow.start_run(run_name=f"search-trial-{index}", nested=True):
            mlflow.log_params({"hp_" + key: value for key, value in trial.hyperparameters.items()})
            for step, fold in enumerate(trial.folds):
                mlflow.log_metrics({"fold_" + key: value for key, value in fold.items()}, step=step)
            mlflow.log_metrics({key: trial.mean(key) for key in SEARCH_METRICS})
            mlflow.log_metric("seconds", trial.seconds)
            mlflow.set_tags({"search_metric": result.settings.metric, "selected": index == result.best_index})
