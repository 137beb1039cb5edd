"""Command line of the training job (spark-submit jobs/entrypoints/train_job.py ...)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
from dataclasses import replace
from typing import Any, Callable, Dict, List, Optional, Tuple

from fraud_jobs.common.cli_args import UsageError, date_arg, non_negative_int, positive_int
from fraud_jobs.common.storage import is_local, normalised, read_text, write_text
from fraud_jobs.features import FEATURE_SETS, HANDBOOK
from fraud_jobs.train.champion import GateRule, Gates
from fraud_jobs.train.credentials import FIX as CREDENTIALS_FIX
from fraud_jobs.train.credentials import CredentialsError, load_mlflow_credentials
from fraud_jobs.train.evaluation import BLOCKED, POLICIES, REAL_ROWS_PER_DAY, BusinessSettings
from fraud_jobs.train.metrics import MAX_FNR, MAX_FPR, MAX_MONTHLY_DAMAGE
from fraud_jobs.train.operating_point import DEFAULT_LOOKBACK_DAYS
from fraud_jobs.train.pipeline import MODELS, hyperparameters_for
from fraud_jobs.train.protocol import Protocol
from fraud_jobs.train.run import DELAY_SWEEP_DAYS, TrainingConfig
from fraud_jobs.train.search import (
    AVERAGE_PRECISION,
    DEFAULT_GRIDS,
    SEARCH_METRICS,
    SearchSettings,
    expand,
    parse_grid,
)

DEFAULT_EXPERIMENT = "fraud-detection"
TRAINING_SPARK_CONF = {
    # Only aggregates and the 5-row input example reach the driver; Arrow makes that conversion fast.
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {text!r}")
    return value


def _ratio(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError(
            f"expected frauds / legit after sampling in (0, 1] such as 0.1, got {text!r}"
        )
    return value


def _grid(text: str) -> Dict[str, List[Any]]:
    try:
        return parse_grid(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _delays(text: str) -> Tuple[int, ...]:
    try:
        values = tuple(int(part) for part in text.split(","))
    except ValueError:
        values = (0,)
    # At least 1, like --delay-days (pipeline.schema.json): labels never arrive the same day.
    if any(value < 1 for value in values):
        raise argparse.ArgumentTypeError(f"expected comma-separated days >= 1 such as 1,3,7, got {text!r}")
    return values


def _positive_or(word: str, what: str) -> Callable[[str], Optional[float]]:
    """A parser of a positive number, or `word` (read as None)."""

    def parse(text: str) -> Optional[float]:
        if text == word:
            return None
        try:
            value = float(text)
        except ValueError:
            value = 0.0
        if value <= 0:
            raise argparse.ArgumentTypeError(f"expected {word!r} or a positive {what}, got {text!r}")
        return value

    return parse


_fraud_weight = _positive_or("balanced", "number")
_rows_per_day = _positive_or("unknown", "number of rows")


def _open_fraction(text: str) -> float:
    value = _fraction(text)
    if value in (0.0, 1.0):
        raise argparse.ArgumentTypeError(f"expected a number strictly between 0 and 1, got {text!r}")
    return value


def _ap_gain(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 2.0
    if not -1.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a gain in average precision in [-1, 1), got {text!r}")
    return value


# An MLflow tag, quoted in search filters; Airflow run ids fit (manual__2026-11-27T08:00:00+00:00).
_KEY = re.compile(r"[A-Za-z0-9_.:+-]{1,250}")


def _idempotency_key(text: str) -> str:
    if not _KEY.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"expected 1-250 characters among letters, digits and _ . : + - (an Airflow run id), got {text!r}"
        )
    return text


def _hyperparameter(text: str) -> Tuple[str, Any]:
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE such as maxDepth=8, got {text!r}")
    for cast in (int, float):
        try:
            return key, cast(raw)
        except ValueError:
            pass
    return key, raw


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="train_job.py",
        description="Train and evaluate a fraud model on cleaned Parquet with the handbook's protocol.",
    )
    p.add_argument("--input", required=True, help="cleaned Parquet dataset (local, hdfs://, s3a://)")
    start = p.add_mutually_exclusive_group(required=True)
    start.add_argument("--train-start", type=date_arg, help="first training day, YYYY-MM-DD")
    start.add_argument(
        "--window-end",
        type=date_arg,
        help="scheduled runs: the first day not complete yet (the data interval's end, YYYY-MM-DD); the run "
        "takes the newest window whose test days are labelled before it, or before the input's newest day",
    )
    p.add_argument("--train-days", type=positive_int, default=7)
    # At least 1, as pipeline.schema.json's delayDays: labels never arrive the same day, and with 0 the
    # terminal features would read labels no production scorer has.
    p.add_argument("--delay-days", type=positive_int, default=7, help="label delay = gap before the test")
    p.add_argument("--test-days", type=positive_int, default=7)
    p.add_argument(
        "--known-compromised-days",
        type=positive_int,
        help="the days before the training end whose frauds mark a card known compromised, at most "
        "--train-days (default: all of them, the book's rule); with --train-days above it, the handbook "
        "view keeps the test rows of a run with --train-days equal to it, so training windows compare",
    )
    p.add_argument("--model", required=True, choices=sorted(MODELS))
    p.add_argument("--metrics-out", required=True, help="metrics JSON file (local, hdfs://, s3a://)")
    p.add_argument("--mlflow-uri", help="MLflow tracking URI; without it nothing is logged")
    p.add_argument("--experiment", default=DEFAULT_EXPERIMENT)
    p.add_argument("--register", metavar="NAME", help="register the model under NAME (needs --mlflow-uri)")
    p.add_argument("--quality-report", help="the cleaning job's report JSON, logged with the run")
    p.add_argument(
        "--mlflow-credentials",
        metavar="URI",
        help='JSON {"username", "password"} for MLflow basic auth (local, hdfs://, s3a://); '
        "needs --mlflow-uri",
    )
    p.add_argument(
        "--hyperparameter",
        action="append",
        default=[],
        type=_hyperparameter,
        metavar="KEY=VALUE",
        help="Spark ML parameter of the classifier, e.g. maxDepth=8 (repeatable)",
    )
    p.add_argument(
        "--fraud-weight",
        type=_fraud_weight,
        default=1.0,
        help="weight of a fraud row in the loss: a number (default 1, the book's unweighted fit, which gave "
        "the best average precision on the handbook data) or 'balanced' (legit / fraud count)",
    )
    p.add_argument(
        "--validation-folds",
        type=positive_int,
        default=1,
        help="prequential folds before the training window (validation AP; the --search trials' scores)",
    )
    p.add_argument(
        "--feature-set",
        choices=sorted(FEATURE_SETS),
        default=HANDBOOK,
        help="'handbook': the book's 15 inputs; 'extended': those and the label-free ones "
        "(features/label_free.py); 'extended_fraud_age': those and the label-delayed terminal fraud ages "
        "(features/terminal_fraud_age.py)",
    )
    p.add_argument(
        "--undersample",
        type=_ratio,
        metavar="RATIO",
        help="keep every fraud and a random share of the legitimate training rows so frauds / legit is about "
        "RATIO (the book's undersampling); default: all rows, imbalance left to --fraud-weight",
    )
    p.add_argument(
        "--search",
        action="store_true",
        help="choose the hyperparameters on the validation folds over a grid (--search-grid, or the model's "
        "default grid), then train that configuration; every trial a nested MLflow run",
    )
    p.add_argument(
        "--search-grid",
        type=_grid,
        metavar="JSON",
        help='grid for --search, e.g. \'{"maxDepth": [5, 10], "numTrees": [50, 100]}\' (values over the '
        "defaults and --hyperparameter)",
    )
    p.add_argument("--search-metric", choices=sorted(SEARCH_METRICS), default=AVERAGE_PRECISION)
    p.add_argument("--max-fpr", type=_fraction, default=MAX_FPR, help="FPR the threshold keeps on validation")
    p.add_argument(
        "--threshold-lookback-days",
        type=non_negative_int,
        default=DEFAULT_LOOKBACK_DAYS,
        help="each day's threshold is re-set from the model's scores of this many days before it, so the "
        "expected FPR stays at --max-fpr (0: the training window's fixed threshold every day)",
    )
    p.add_argument(
        "--delay-sweep",
        type=_delays,
        default=DELAY_SWEEP_DAYS,
        help="opt-in experiment: label delays (e.g. 1,3,7) to train and report FNR/FPR for, each one more "
        "fit and evaluation on the same test window (default: none)",
    )
    # Business view: cards already known to be compromised, and the real volume the sample stands for.
    p.add_argument(
        "--known-compromised-policy",
        choices=POLICIES,
        default=BLOCKED,
        help="business view: 'blocked' (a card known to be compromised is blocked: its later frauds count as "
        "prevented, its other transactions as no alerts) or 'scored' (the model alone judges every row)",
    )
    p.add_argument(
        "--population-rows-per-day",
        type=_rows_per_day,
        default=REAL_ROWS_PER_DAY,
        help="transactions a day in the real traffic, to scale damage and alerts from the sample (default "
        "%(default).0f: the course data's 1,879,794,138 rows over 1,200 days); 'unknown': damage not judged",
    )
    p.add_argument("--gate-min-auc-roc", type=_fraction, default=Gates().min_auc_roc)
    p.add_argument("--gate-min-average-precision", type=_fraction, default=Gates().min_average_precision)
    # The champion gate (champion.py): the champion scored on this run's test window, compared per day.
    rule = GateRule()
    p.add_argument(
        "--gate-confidence",
        type=_open_fraction,
        default=rule.confidence,
        help="confidence of the paired bootstrap's one-sided bounds (default %(default)s)",
    )
    p.add_argument(
        "--gate-min-ap-gain",
        type=_ap_gain,
        default=rule.min_ap_gain,
        help="the mean daily average-precision gain's lower bound must exceed this (default %(default)s)",
    )
    p.add_argument(
        "--gate-min-days",
        type=positive_int,
        default=rule.min_days,
        help="test days with both classes needed to compare average precision (default %(default)s)",
    )
    p.add_argument("--gate-resamples", type=positive_int, default=rule.resamples, help="bootstrap resamples")
    p.add_argument(
        "--gate-replace-unloadable-champion",
        action="store_true",
        help="promote over a champion that cannot be scored on the test window (default: keep it)",
    )
    p.add_argument(
        "--idempotency-key",
        type=_idempotency_key,
        help="one key per pipeline run (the Airflow run id): a retried attempt finds the work an earlier "
        "attempt finished and registers nothing again (needs --mlflow-uri)",
    )
    return p


def validate(args: argparse.Namespace) -> TrainingConfig:
    """Everything that can be checked before Spark or MLflow start; returns the run's config."""
    if is_local(args.input) and not os.path.isdir(normalised(args.input)):
        raise UsageError(f"--input {args.input} is not a directory: pass the cleaned Parquet dataset")
    if args.register and not args.mlflow_uri:
        raise UsageError(
            f"--register {args.register} needs --mlflow-uri (the registry lives on the tracking server)"
        )
    if args.mlflow_credentials and not args.mlflow_uri:
        raise UsageError(
            f"--mlflow-credentials {args.mlflow_credentials} needs --mlflow-uri (they log in to that server)"
        )
    if args.idempotency_key and not args.mlflow_uri:
        raise UsageError(
            f"--idempotency-key {args.idempotency_key} needs --mlflow-uri (earlier attempts are found there)"
        )
    credentials = args.mlflow_credentials
    if credentials and is_local(credentials) and not os.path.isfile(normalised(credentials)):
        raise UsageError(f"--mlflow-credentials {args.mlflow_credentials} does not exist: {CREDENTIALS_FIX}")
    report = args.quality_report
    if report and is_local(report) and not os.path.isfile(normalised(report)):
        raise UsageError(
            f"--quality-report {args.quality_report} does not exist: pass the cleaning job's --report file"
        )
    try:
        hyperparameters = hyperparameters_for(args.model, dict(args.hyperparameter))
    except ValueError as error:
        raise UsageError(f"--hyperparameter: {error}") from None
    if args.known_compromised_days is not None and args.known_compromised_days > args.train_days:
        raise UsageError(
            f"--known-compromised-days {args.known_compromised_days} is above --train-days "
            f"{args.train_days}: the known frauds are counted within the training window; use at most "
            "--train-days"
        )
    search = None
    if args.search_grid and not args.search:
        raise UsageError("--search-grid needs --search")
    if args.search:
        search = SearchSettings(args.search_grid or DEFAULT_GRIDS[args.model], args.search_metric)
        try:
            expand(args.model, hyperparameters, search.grid)
        except ValueError as error:
            raise UsageError(f"--search-grid: {error}") from None
    # The look-back days lie between the training start and the test window (the days the run reads):
    # at most train + delay days, so every window the pipeline contract allows (1 + 1 days) still runs.
    lookback = min(args.threshold_lookback_days, args.train_days + args.delay_days)
    if lookback < args.threshold_lookback_days:
        print(
            f"train_job.py: note: --threshold-lookback-days {args.threshold_lookback_days} is cut to "
            f"{lookback}: only --train-days + --delay-days days precede the test window in the run's input",
            file=sys.stderr,
        )
    if args.window_end is not None:
        protocol = Protocol.latest(args.window_end, args.train_days, args.delay_days, args.test_days)
    else:
        protocol = Protocol(args.train_start, args.train_days, args.delay_days, args.test_days)
    protocol = replace(protocol, known_days=args.known_compromised_days)
    return TrainingConfig(
        protocol=protocol,
        model=args.model,
        hyperparameters=hyperparameters,
        fraud_weight=args.fraud_weight,
        validation_folds=args.validation_folds,
        max_fpr=args.max_fpr,
        delay_sweep=args.delay_sweep,
        business=BusinessSettings(args.known_compromised_policy, args.population_rows_per_day),
        window_end=args.window_end,
        feature_set=args.feature_set,
        undersample_ratio=args.undersample,
        search=search,
        threshold_lookback_days=lookback,
    )


def read_quality_report(spark, location: str) -> Dict[str, Any]:
    text = read_text(spark, location)
    try:
        return json.loads(text)
    except ValueError as error:
        raise UsageError(f"--quality-report {location} is not JSON ({error})") from None


def summary_text(metrics: Dict[str, Any]) -> str:
    """Both views; the targets are judged on the business view only."""

    def verdict(met: Optional[bool]) -> str:
        return "not judged: real volume unknown" if met is None else "met" if met else "NOT met"

    business = metrics["business"]
    text = (
        "Handbook view (the book's protocol: {test_transactions:,} test rows, {handbook_excluded_rows:,} "
        "rows of cards already known to be compromised removed)\n"
        "  AUC ROC {auc_roc:.4f}   average precision {average_precision:.4f}   "
        "CP@100 {card_precision_at_100:.4f}"
        "\n  FNR {fnr:.2%}   FPR {fpr:.2%}   sample damage {monthly_damage:,.0f} per 30 days (not scaled)"
    ).format(**metrics)
    text += (
        "\nBusiness view ({rows:,} test rows, all of them; known-compromised cards: {policy}, "
        "{known_compromised_rows:,} rows, {prevented_frauds:,} frauds prevented)"
    ).format(**business)
    lookback, fixed = business["threshold_lookback_days"], business["fixed_threshold"]
    if lookback:
        per_day = [day["threshold"] for day in business["per_day"]]
        text += (
            "\n  threshold re-set each day from the scores of the {} days before it: {:.6f} .. {:.6f} "
            "(the training window's fixed {:.6f} would give FNR {:.2%}, FPR {:.2%})"
        ).format(lookback, min(per_day), max(per_day), business["threshold"], fixed["fnr"], fixed["fpr"])
    else:
        text += "\n  threshold {:.6f} (the training window's, fixed)".format(business["threshold"])
    text += "\n  FNR {:.2%} (target < {:.0%}: {})   FPR {:.2%} (target < {:.0%}: {})".format(
        business["fnr"],
        MAX_FNR,
        verdict(business["meets_fnr_target"]),
        business["fpr"],
        MAX_FPR,
        verdict(business["meets_fpr_target"]),
    )
    if business["volume_scale"] is None:
        text += "\n  missed-fraud damage {:,.0f} per 30 days on the sample only ({})".format(
            business["sample_monthly_damage"], verdict(None)
        )
    else:
        text += (
            "\n  missed-fraud damage {:,.0f} per 30 days at {:,.0f} transactions a day (sample x {:,.1f}; "
            "target < {:,.0f}: {})\n  analyst alerts {:,.0f} a day at that volume"
        ).format(
            business["monthly_damage"],
            business["population_rows_per_day"],
            business["volume_scale"],
            MAX_MONTHLY_DAMAGE,
            verdict(business["meets_damage_target"]),
            business["alerts_per_day"],
        )
    text += "\n  operating curve: FNR {:.2%} at FPR 5%   FPR {:.2%} at FNR 2%".format(
        business["fnr_at_fpr_5pct"], business["fpr_at_fnr_2pct"]
    )
    for delay, swept in sorted(business.get("delay_sweep", {}).items(), key=lambda item: int(item[0])):
        damage = swept["monthly_damage"]
        text += "\nlabels {} day(s) late (business view): FNR {:.2%}  FPR {:.2%}  damage {}".format(
            delay, swept["fnr"], swept["fpr"], "n/a" if damage is None else f"{damage:,.0f}/30 d"
        )
    return text


def show_progress() -> None:
    """Progress lines of our own code only (py4j and Spark keep their own levels)."""
    logger = logging.getLogger("fraud_jobs")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[train %(asctime)s] %(message)s", "%H:%M:%S"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def main(argv: Optional[List[str]] = None) -> int:
    arg_parser = parser()
    args = arg_parser.parse_args(argv)
    try:
        config = validate(args)
    except UsageError as error:
        arg_parser.error(str(error))

    show_progress()
    from fraud_jobs.common.cleaned_output import check_committed
    from fraud_jobs.common.schemas import CLEANED_SCHEMA
    from fraud_jobs.common.spark import build_spark_session
    from fraud_jobs.train.code_version import code_version
    from fraud_jobs.train.run import run_training
    from fraud_jobs.train.tracking import NOT_COMPARED, Registration, log_training_run, run_params

    spark = build_spark_session("fraud-train", extra_conf=TRAINING_SPARK_CONF)
    try:
        # Before the long training: a bad credentials file fails the job at once, not after the fit.
        if args.mlflow_credentials:
            load_mlflow_credentials(spark, args.mlflow_credentials)
        if args.idempotency_key and _finished_earlier(spark, args):
            return 0
        quality_report = read_quality_report(spark, args.quality_report) if args.quality_report else None
        check_committed(spark, args.input)  # not a dataset a killed cleaning run left half published
        cleaned = spark.read.schema(CLEANED_SCHEMA).parquet(args.input)
        result = run_training(cleaned, config)
    except (UsageError, CredentialsError, ValueError) as error:
        arg_parser.error(str(error))
    print(summary_text(result.metrics))
    metrics = dict(result.metrics, champion_comparison=NOT_COMPARED)
    if args.mlflow_uri:
        registration = None
        if args.register:
            rule = GateRule(
                confidence=args.gate_confidence,
                min_ap_gain=args.gate_min_ap_gain,
                min_days=args.gate_min_days,
                resamples=args.gate_resamples,
                replace_unloadable=args.gate_replace_unloadable_champion,
            )
            registration = Registration(
                args.register, Gates(args.gate_min_auc_roc, args.gate_min_average_precision), rule
            )
        params = run_params(result.config, result.fraud_weight, code_version(), args.input)
        logging.getLogger(__name__).info("logging the run to MLflow at %s", args.mlflow_uri)
        outcome = log_training_run(
            spark,
            result,
            params,
            args.mlflow_uri,
            args.experiment,
            quality_report,
            registration,
            args.idempotency_key,
        )
        print("MLflow run {} in experiment {!r}".format(outcome["run_id"], outcome["experiment"]))
        if "registry" in outcome:
            metrics["champion_comparison"] = outcome["champion_comparison"]
            _print_registry(outcome["registry"])
    # Written once everything is decided: the file also holds the champion comparison.
    write_text(spark, args.metrics_out, json.dumps(metrics, indent=2, sort_keys=True) + "\n")
    return 0


def _print_registry(decision: Dict[str, Any]) -> None:
    print(
        "registered {} version {}: {}".format(decision["model_name"], decision["version"], decision["reason"])
    )


def _finished_earlier(spark, args: argparse.Namespace) -> bool:
    """A retried attempt: when an earlier one with this key finished (registered), rewrite its metrics file
    and stop; runs of killed attempts are marked FAILED."""
    import mlflow
    from mlflow.tracking import MlflowClient

    from fraud_jobs.train.registry import earlier_attempt
    from fraud_jobs.train.tracking import earlier_metrics

    mlflow.set_tracking_uri(args.mlflow_uri)
    earlier = earlier_attempt(MlflowClient(), args.experiment, args.register, args.idempotency_key)
    if earlier is None:
        return False
    print(
        "an earlier attempt with --idempotency-key {} finished: MLflow run {}; nothing trained or registered "
        "again".format(args.idempotency_key, earlier["run_id"])
    )
    if "registry" in earlier:
        _print_registry(earlier["registry"])
    metrics = earlier_metrics(earlier)
    write_text(spark, args.metrics_out, json.dumps(metrics, indent=2, sort_keys=True) + "\n")
    return True


if __name__ == "__main__":
    sys.exit(main())
