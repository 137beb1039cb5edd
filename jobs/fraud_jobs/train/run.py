"""One training run: features, the book's protocol, the threshold chosen on validation folds, the test
metrics, and the label-delay trade-off (same test window, labels arriving 1, 3 or 7 days late)."""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from dataclasses import dataclass, field, replace
from typing import Any, Dict, List, Optional, Sequence, Tuple

import pandas as pd
from pyspark.ml import PipelineModel
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fraud_jobs.common.schemas import PARTITION_COLUMN
from fraud_jobs.features import HANDBOOK, feature_columns
from fraud_jobs.features.build import add_delay_free_features, add_delayed_features
from fraud_jobs.features.time_columns import epoch_day
from fraud_jobs.monitor.reference import training_reference
from fraud_jobs.train.evaluation import (
    KNOWN_COMPROMISED_RULE,
    SCORE,
    BusinessSettings,
    KnownCompromisedRule,
    Metrics,
    ViewResult,
    business_view,
    handbook_view,
    judged,
    legit_score_quantile,
    score_histogram,
)
from fraud_jobs.train.metrics import MAX_FPR, average_precision
from fraud_jobs.train.operating_point import DEFAULT_LOOKBACK_DAYS, OperatingPoint, calibrate, day_thresholds
from fraud_jobs.train.pipeline import (
    Hyperparameters,
    above_ties,
    balanced_fraud_weight,
    build_pipeline,
    classifier_stage,
    fraud_score,
    undersample_legit,
    with_class_weight,
    with_decision_threshold,
)
from fraud_jobs.train.protocol import (
    KNOWN_COMPROMISED,
    Protocol,
    day_number,
    flag_known_compromised,
    split,
    split_flagged,
)
from fraud_jobs.train.search import SearchResult, SearchSettings, search_metrics, select_hyperparameters

LOG = logging.getLogger(__name__)
# Opt-in (--delay-sweep): each extra delay fits and evaluates the model again.
DELAY_SWEEP_DAYS: Tuple[int, ...] = ()
SCORED_COLUMNS = ["event_day", "customer_id", "tx_fraud", "tx_amount"]


@dataclass(frozen=True)
class TrainingConfig:
    protocol: Protocol
    model: str
    hyperparameters: Hyperparameters
    fraud_weight: Optional[float] = 1.0  # None: balanced (legit / fraud in the training window)
    validation_folds: int = 1
    max_fpr: float = MAX_FPR
    delay_sweep: Sequence[int] = DELAY_SWEEP_DAYS
    business: BusinessSettings = BusinessSettings()
    # Scheduled runs: the protocol is the newest labelled window before this day (Protocol.latest).
    window_end: Optional[dt.date] = None
    feature_set: str = HANDBOOK
    # Frauds / legit after undersampling the legitimate training rows (None: all rows, weights only).
    undersample_ratio: Optional[float] = None
    search: Optional[SearchSettings] = None  # None: the hyperparameters as given
    # Days of scores each day's threshold is re-set from (operating_point.py); 0: the fixed threshold.
    threshold_lookback_days: int = DEFAULT_LOOKBACK_DAYS


@dataclass
class TrainingResult:
    model: PipelineModel
    metrics: Metrics
    handbook: ViewResult
    business: ViewResult
    fraud_weight: float
    input_example: pd.DataFrame
    config: TrainingConfig
    importances: Dict[str, float] = field(default_factory=dict)
    # The test rows with their features and `known_compromised` (lazy: the champion gate scores them).
    test_window: Optional[DataFrame] = None
    # The rows of the days before the test window whose scores set its first days' thresholds.
    lookback_window: Optional[DataFrame] = None
    # Histograms of the inputs and the score on the training window: monitoring's drift reference.
    reference: Dict[str, Any] = field(default_factory=dict)
    search: Optional[SearchResult] = None
    operating_point: Optional[OperatingPoint] = None


@dataclass
class _Fitted:
    model: PipelineModel
    threshold: float
    operating_point: Optional[OperatingPoint]
    fraud_weight: float
    validation_average_precision: float


def protocols_used(config: TrainingConfig) -> List[Protocol]:
    main = config.protocol
    sweep = [main.with_delay_ending_at_same_test(d) for d in config.delay_sweep if d != main.delay_days]
    used = [main, *sweep]
    return used + [fold for p in used for fold in p.validation_folds(config.validation_folds)]


def data_window(config: TrainingConfig) -> Tuple[dt.date, dt.date]:
    """[first day any feature looks at, first day after the test window)."""
    used = protocols_used(config)
    return min(p.history_start() for p in used), config.protocol.test_end


def partition_days(cleaned: DataFrame) -> List[dt.date]:
    """The input's tx_date partitions, from the file listing Spark made when it opened the dataset: the
    run learns what the input covers without reading a file."""
    return sorted(
        {dt.date.fromisoformat(day) for day in _PARTITION_DAY.findall("\n".join(cleaned.inputFiles()))}
    )


_PARTITION_DAY = re.compile(PARTITION_COLUMN + r"=(\d{4}-\d{2}-\d{2})")


def check_coverage(days: Sequence[dt.date], config: TrainingConfig) -> None:
    """The input must hold the earliest validation training day and the last test day."""
    first_needed = min(p.train_start for p in protocols_used(config))
    last_needed = config.protocol.test_end - dt.timedelta(days=1)
    if not days:
        raise ValueError(f"--input holds no {PARTITION_COLUMN}= partitions: pass the cleaning job's output")
    first, last = min(days), max(days)
    if first > first_needed or last < last_needed:
        earliest = first + (config.protocol.train_start - first_needed)
        latest = last - (last_needed - config.protocol.train_start)
        raise ValueError(
            f"--input covers {first} .. {last} but this run needs {first_needed} .. {last_needed} ("
            f"validation folds before --train-start, the test window after it): choose --train-start "
            f"between {earliest} and {latest}, or fewer --validation-folds"
        )
    history_start, _ = data_window(config)
    if first > history_start:
        # Windows reaching before the data see fewer transactions, so early folds score on another scale
        # than the final model and the threshold chosen on them drifts on the test window.
        LOG.warning(
            "the features of the earliest windows look back to %s but the input starts on %s: their 30-day "
            "windows are truncated and the validation threshold may not hold on the test window; "
            "a --train-start on or after %s gives every window its full history",
            history_start,
            first,
            config.protocol.train_start + (first - history_start),
        )


def resolve_window(days: Sequence[dt.date], config: TrainingConfig) -> TrainingConfig:
    """With --window-end (scheduled runs): the newest labelled window before it, moved back to the input's
    newest day when the data ends earlier (a historical dataset, or a day that has not landed yet)."""
    if config.window_end is None or not days:
        return config
    end = min(config.window_end, max(days) + dt.timedelta(days=1))
    if end < config.window_end:
        LOG.warning(
            "the input's newest day is %s, before --window-end %s: the window ends at the newest day",
            max(days),
            config.window_end,
        )
    p = config.protocol
    latest = Protocol.latest(end, p.train_days, p.delay_days, p.test_days)
    return replace(config, protocol=replace(latest, known_days=p.known_days))


def read_window(cleaned: DataFrame, config: TrainingConfig) -> DataFrame:
    """The days the run needs, filtered on the partition column so Spark lists and reads only their files."""
    first, end = data_window(config)
    day = F.col(PARTITION_COLUMN)
    return cleaned.where((day >= F.lit(first)) & (day < F.lit(end)))


def files_read(cleaned: DataFrame, config: TrainingConfig) -> Dict[str, int]:
    """Files of the input against those in the partitions the run reads (what the pruned scan opens)."""
    first, end = data_window(config)
    files = cleaned.inputFiles()
    inside = [
        path
        for path in files
        for day in _PARTITION_DAY.findall(path)
        if first <= dt.date.fromisoformat(day) < end
    ]
    return {"present": len(files), "read": len(inside)}


def score(model: PipelineModel, df: DataFrame, *extra: str) -> DataFrame:
    """Scored rows stay in Spark: only their aggregates reach the driver."""
    return model.transform(df).select(*SCORED_COLUMNS, *extra, fraud_score().alias(SCORE))


Stages = Dict[str, Dict[str, float]]


def _timed(stages: Optional[Stages], name: str, rows: int, started: float) -> None:
    """Adds rows and wall seconds to a stage: the benchmark's rows per second per core."""
    if stages is not None:
        stage = stages.setdefault(name, {"rows": 0, "seconds": 0.0})
        stage["rows"] += rows
        stage["seconds"] += time.monotonic() - started


def _fit(train: DataFrame, config: TrainingConfig, stages: Optional[Stages]) -> Tuple[PipelineModel, float]:
    if config.undersample_ratio is not None:
        train = undersample_legit(train, config.undersample_ratio)
    weight = config.fraud_weight if config.fraud_weight is not None else balanced_fraud_weight(train)
    pipeline = build_pipeline(config.model, config.hyperparameters, feature_columns(config.feature_set))
    rows = train.count() if stages is not None else 0
    started = time.monotonic()
    model = pipeline.fit(with_class_weight(train, weight))
    _timed(stages, "fit", rows, started)
    return model, weight


def _fit_with_threshold(
    features: DataFrame, protocol: Protocol, config: TrainingConfig, stages: Optional[Stages] = None
) -> _Fitted:
    """The final model and its operating point, both from the training window (the most recent labelled
    days). The threshold is the (1 - max_fpr) quantile of the final model's own scores of the legitimate
    rows of the business view's FPR population: the training window's rows the model judges under the
    known-compromised policy, cards flagged by the test window's rule (`Protocol.operating_window`), so the
    threshold's population is the evaluation's by construction (README "The operating point": what is left
    of the miss over seeds is the sample's week-to-week variation). Folds and the final fit read the same
    cached `features`; the validation folds only measure the model's average precision out of sample."""
    validation = []
    for fold in protocol.validation_folds(config.validation_folds):
        LOG.info("delay %d d: validation fold, training from %s", protocol.delay_days, fold.train_start)
        fold_train, fold_assessment = split(features, fold)
        fold_model, _ = _fit(fold_train, config, stages)
        validation.append(average_precision(score_histogram(score(fold_model, fold_assessment))))
    LOG.info("delay %d d: training %s from %s", protocol.delay_days, config.model, protocol.train_start)
    train, _ = split(features, protocol)
    model, weight = _fit(train, config, stages)
    # The training window's rows flagged as the test window's are, those the model judges under the policy.
    training_window = split_flagged(features, protocol.operating_window())[1]
    policy = config.business.known_compromised_policy
    population = score(model, training_window, KNOWN_COMPROMISED).filter(judged(policy))
    # Flagging strictly above the (1 - max_fpr) quantile of the legitimate scores flags max_fpr of them.
    threshold = above_ties(legit_score_quantile(population, 1.0 - config.max_fpr))
    point = None
    if config.threshold_lookback_days:
        point = calibrate(
            score_histogram(population),
            config.max_fpr,
            config.threshold_lookback_days,
            policy,
            protocol.known_since,  # the test window's rule: frauds known since the training start by default
        )
    return _Fitted(
        with_decision_threshold(model, threshold),
        threshold,
        point,
        weight,
        sum(validation) / len(validation),
    )


def _search(features: DataFrame, config: TrainingConfig) -> SearchResult:
    """The grid scored on the main protocol's validation folds; the sweep's delays reuse the winner."""

    def score_fold(hyperparameters: Hyperparameters, fold: Protocol) -> DataFrame:
        train, assessment = split_flagged(features, fold)
        model, _ = _fit(train, replace(config, hyperparameters=hyperparameters), None)
        return score(model, assessment, KNOWN_COMPROMISED)

    folds = config.protocol.validation_folds(config.validation_folds)
    return select_hyperparameters(
        config.model,
        config.hyperparameters,
        config.search,
        folds,
        config.business.known_compromised_policy,
        score_fold,
    )


def importances(model: PipelineModel, columns: Sequence[str]) -> Dict[str, float]:
    """Coefficients (on standardised inputs) for logistic regression, impurity importances for Spark's
    trees, total gain for XGBoost (its features are f0, f1, ... in assembler order)."""
    classifier = classifier_stage(model)
    if hasattr(classifier, "get_feature_importances"):
        gains = classifier.get_feature_importances(importance_type="total_gain")
        return {name: float(gains.get(f"f{i}", 0.0)) for i, name in enumerate(columns)}
    values = classifier.coefficients if hasattr(classifier, "coefficients") else classifier.featureImportances
    return {name: float(value) for name, value in zip(columns, values.toArray())}


def cached(df: DataFrame) -> DataFrame:
    """Cached in one partition per core: each optimizer iteration scans the features, and the 200 shuffle
    partitions of the window functions would mean hundreds of tiny tasks per iteration."""
    cores = df.sparkSession.sparkContext.defaultParallelism
    return df.coalesce(cores).cache()


def materialized(df: DataFrame, stages: Optional[Stages] = None, name: str = "features") -> DataFrame:
    """Cached and computed now, once, so every later fit and evaluation reads the cache."""
    started = time.monotonic()
    out = cached(df)
    rows = out.count()
    _timed(stages, name, rows, started)
    LOG.info("%s: %d rows in %.1f s", name, rows, time.monotonic() - started)
    return out


def _evaluate(
    fitted: _Fitted,
    features: DataFrame,
    protocol: Protocol,
    config: TrainingConfig,
    stages: Optional[Stages] = None,
) -> Tuple[ViewResult, ViewResult]:
    """(handbook view, business view) of the test window, scored once and cached on the executors."""
    LOG.info(
        "delay %d d: evaluating on the test window %s .. %s",
        protocol.delay_days,
        protocol.test_start,
        protocol.test_end - dt.timedelta(days=1),
    )
    started = time.monotonic()
    scored = score(fitted.model, split_flagged(features, protocol)[1], KNOWN_COMPROMISED).cache()
    try:
        lookback = lookback_rows(features, protocol, config.threshold_lookback_days)
        thresholds = day_thresholds(
            threshold_population(fitted.model, lookback, scored, config.business.known_compromised_policy),
            list(range(day_number(protocol.test_start), day_number(protocol.test_end))),
            fitted.operating_point,
            fitted.threshold,
        )
        handbook = handbook_view(scored, fitted.threshold, protocol.test_days, thresholds)
        business = business_view(scored, fitted.threshold, protocol.test_days, config.business, thresholds)
    finally:
        scored.unpersist()
    _timed(stages, "evaluation", int(business.metrics["rows"]), started)
    return handbook, business


SWEPT_BUSINESS_KEYS = ("threshold", "fnr", "fpr", "monthly_damage", "alerts_per_day", "fnr_at_fpr_5pct")


def lookback_rows(features: DataFrame, protocol: Protocol, lookback_days: int) -> DataFrame:
    """The rows of the `lookback_days` days before the test window, flagged for known-compromised cards by
    the test window's rule (their scores set its first days' thresholds; they are not evaluated)."""
    test_start = day_number(protocol.test_start)
    day = F.col("event_day")
    with_day = features.withColumn("event_day", epoch_day())
    rows = with_day.filter((day >= test_start - lookback_days) & (day < test_start))
    return flag_known_compromised(rows, with_day, day_number(protocol.known_since), protocol.delay_days)


def threshold_population(
    model: PipelineModel, lookback: DataFrame, scored: DataFrame, policy: str
) -> DataFrame:
    """(event_day, score) of the rows each day's threshold is re-set from: the look-back days' and the
    scored test days' rows the model judges under the policy (the business view's FPR population)."""
    both = score(model, lookback, KNOWN_COMPROMISED).unionByName(scored)
    return both.filter(judged(policy)).select("event_day", SCORE)


def run_training(cleaned: DataFrame, config: TrainingConfig) -> TrainingResult:
    days = partition_days(cleaned)
    config = resolve_window(days, config)
    protocol = config.protocol
    LOG.info(
        "checking the input covers the windows (training from %s, test %s .. %s)",
        protocol.train_start,
        protocol.test_start,
        protocol.test_end - dt.timedelta(days=1),
    )
    check_coverage(days, config)
    input_files = files_read(cleaned, config)
    first, end = data_window(config)
    LOG.info("reading %d of the input's %d files (%s %s .. %s)", input_files["read"], input_files["present"],
             PARTITION_COLUMN, first, end - dt.timedelta(days=1))  # fmt: skip
    window = read_window(cleaned, config)
    stages: Stages = {}
    other_delays = [delay for delay in config.delay_sweep if delay != protocol.delay_days]
    # The label-free features are the same for every delay: with a sweep they are computed once and kept.
    delay_free = add_delay_free_features(window, config.feature_set)
    if other_delays:
        delay_free = materialized(delay_free, name="label-free features")
    features = materialized(add_delayed_features(delay_free, protocol.delay_days, config.feature_set), stages)
    search = None
    if config.search is not None:
        search = _search(features, config)
        config = replace(config, hyperparameters=search.best)
    fitted = _fit_with_threshold(features, protocol, config, stages)
    handbook, business = _evaluate(fitted, features, protocol, config, stages)
    metrics: Metrics = dict(handbook.metrics)
    business_metrics: Dict[str, Any] = dict(business.metrics)
    metrics["handbook_excluded_rows"] = business_metrics["rows"] - metrics["test_transactions"]
    metrics["validation_average_precision"] = fitted.validation_average_precision
    # The targets are judged on the business view only (the handbook view drops most fraud on course data).
    for key in ("meets_fnr_target", "meets_fpr_target", "meets_damage_target"):
        metrics[key] = business_metrics[key]
    metrics["window"] = {
        "train_start": protocol.train_start.isoformat(),
        "test_start": protocol.test_start.isoformat(),
        "test_end": protocol.test_end.isoformat(),
        "known_compromised_since": protocol.known_since.isoformat(),
    }
    metrics["input_files"] = input_files
    metrics["stages"] = stages
    train, test = split(features, protocol)
    columns = feature_columns(config.feature_set)
    example = test.select(*columns).limit(5).toPandas()
    test_window = split_flagged(features, protocol)[1]
    lookback_window = lookback_rows(features, protocol, config.threshold_lookback_days)
    reference = training_reference(fitted.model, train, columns)
    # Monitoring counts realised outcomes with the business view's rule (KnownCompromisedRule).
    rule = KnownCompromisedRule(config.business.known_compromised_policy, protocol.known_since)
    reference[KNOWN_COMPROMISED_RULE] = rule.as_dict()
    features.unpersist()
    sweep: Dict[str, Dict[str, Any]] = {}
    for delay in config.delay_sweep:
        if delay == protocol.delay_days:
            delayed_handbook, delayed_business = handbook.metrics, business_metrics
        else:
            delayed = protocol.with_delay_ending_at_same_test(delay)
            delayed_features = materialized(
                add_delayed_features(delay_free, delay, config.feature_set), name=f"features, delay {delay} d"
            )
            delayed_fit = _fit_with_threshold(delayed_features, delayed, config)
            views = _evaluate(delayed_fit, delayed_features, delayed, config)
            delayed_handbook, delayed_business = views[0].metrics, views[1].metrics
            delayed_features.unpersist()
        metrics[f"fnr_delay_{delay}d"] = delayed_handbook["fnr"]
        metrics[f"fpr_delay_{delay}d"] = delayed_handbook["fpr"]
        sweep[str(delay)] = {key: delayed_business[key] for key in SWEPT_BUSINESS_KEYS}
    delay_free.unpersist()
    business_metrics["delay_sweep"] = sweep
    business_metrics["threshold_lookback_days"] = config.threshold_lookback_days
    metrics["business"] = business_metrics
    metrics["feature_set"] = config.feature_set
    if search is not None:
        metrics["search"] = search_metrics(search)
    return TrainingResult(
        model=fitted.model,
        metrics=metrics,
        handbook=handbook,
        business=business,
        fraud_weight=fitted.fraud_weight,
        input_example=example,
        config=config,
        importances=importances(fitted.model, columns),
        test_window=test_window,
        lookback_window=lookback_window,
        operating_point=fitted.operating_point,
        reference=reference,
        search=search,
    )
