"""Command line of the monitoring job (spark-submit jobs/entrypoints/monitor_job.py ...)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from typing import Any, Dict, List, Optional

from fraud_jobs.common.cli_args import UsageError, positive_int
from fraud_jobs.common.storage import is_local, normalised, write_text
from fraud_jobs.monitor.checks import Thresholds
from fraud_jobs.train.credentials import FIX as CREDENTIALS_FIX
from fraud_jobs.train.credentials import CredentialsError, load_mlflow_credentials

DEFAULT_EXPERIMENT = "fraud-monitoring"


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="monitor_job.py",
        description="Drift (PSI) and realised FNR/FPR/damage of the scored days, logged to MLflow.",
    )
    p.add_argument("--scores", required=True, help="the scoring job's output (local, hdfs://, s3a://)")
    p.add_argument(
        "--cleaned", required=True, help="cleaned Parquet with the labels; its newest day is 'today'"
    )
    p.add_argument(
        "--lookback-days", type=positive_int, default=30, help="scored days to report, up to today"
    )
    p.add_argument(
        "--label-delay-days", type=positive_int, default=7, help="days until a day's labels arrive"
    )
    p.add_argument("--max-psi", type=_positive_float, help="PSI above it is a breach (unset: not judged)")
    p.add_argument(
        "--max-fnr", type=_positive_float, help="realised FNR above it is a breach (unset: not judged)"
    )
    p.add_argument(
        "--max-fpr", type=_positive_float, help="realised FPR above it is a breach (unset: not judged)"
    )
    p.add_argument("--mlflow-uri", help="MLflow tracking URI; without it nothing is logged")
    p.add_argument("--experiment", default=DEFAULT_EXPERIMENT)
    p.add_argument("--mlflow-credentials", metavar="URI", help='JSON {"username", "password"} for MLflow')
    p.add_argument("--report", help="the daily report JSON (local, hdfs://, s3a://)")
    p.add_argument(
        "--verdict-tag",
        metavar="TAG",
        help='MLflow tag set to "ok", or to "breach: " and the breaches (what the DAG\'s check task reads)',
    )
    p.add_argument(
        "--fail-on-breach",
        action="store_true",
        help="exit 3 on a breach (the DAG leaves the verdict to its check task instead)",
    )
    return p


def validate(args: argparse.Namespace) -> None:
    for option, path in (("--scores", args.scores), ("--cleaned", args.cleaned)):
        if is_local(path) and not os.path.isdir(normalised(path)):
            raise UsageError(f"{option} {path} is not a directory: pass a Parquet dataset")
    credentials = args.mlflow_credentials
    if credentials and not args.mlflow_uri:
        raise UsageError(f"--mlflow-credentials {credentials} needs --mlflow-uri")
    if credentials and is_local(credentials) and not os.path.isfile(normalised(credentials)):
        raise UsageError(f"--mlflow-credentials {credentials} does not exist: {CREDENTIALS_FIX}")


def summary_text(report: Dict[str, Any]) -> str:
    lines = [
        "monitoring {} as of {} ({} scored day(s), labels {} days late): {}".format(
            ", ".join(report["models"]), report["as_of"], len(report["days"]), report["label_delay_days"],
            report["status"].upper(),
        )
    ]  # fmt: skip
    for day in report["days"]:
        line = (
            "  {day} {model}: {rows:,} rows, {alerts:,} alerts ({alert_rate:.2%}), score PSI "
            "{score_psi:.3f}, max feature PSI {max_feature_psi:.3f} ({max_feature_psi_column})".format(**day)
        )
        labels = day["labels"]
        if labels is None:
            line += "; labels not arrived yet"
        else:
            line += (
                "; FNR {fnr:.2%} FPR {fpr:.2%}, {missed_frauds} missed frauds worth {amount:,.2f} (known-"
                "compromised cards {known_compromised_policy}: {prevented_frauds} frauds prevented)"
            ).format(amount=labels["missed_fraud_amount"], **labels)
        lines.append(line)
    lines += ["  BREACH " + breach for breach in report["breaches"]]
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    arg_parser = parser()
    args = arg_parser.parse_args(argv)
    try:
        validate(args)
    except UsageError as error:
        arg_parser.error(str(error))
    from fraud_jobs.common.spark import build_spark_session
    from fraud_jobs.monitor.references import reference_loader
    from fraud_jobs.monitor.run import monitor_scores
    from fraud_jobs.monitor.tracking import log_monitoring_run
    from fraud_jobs.score.frame import read_scores

    logging.basicConfig(level=logging.INFO, format="[monitor %(asctime)s] %(message)s", datefmt="%H:%M:%S")
    thresholds = Thresholds(args.max_psi, args.max_fnr, args.max_fpr)
    spark = build_spark_session("fraud-monitor")
    try:
        if args.mlflow_credentials:
            load_mlflow_credentials(spark, args.mlflow_credentials)
        report = monitor_scores(
            read_scores(spark, args.scores),
            spark.read.parquet(args.cleaned),
            reference_loader(args.mlflow_uri),
            args.lookback_days,
            args.label_delay_days,
            thresholds,
        )
    except (CredentialsError, ValueError) as error:
        print(f"monitor_job.py: error: {error}", file=sys.stderr)
        return 2
    text = json.dumps(report, indent=2, sort_keys=True) + "\n"
    if args.report:
        write_text(spark, args.report, text)
    if args.mlflow_uri:
        params = {"lookback_days": args.lookback_days, "label_delay_days": args.label_delay_days}
        params.update({"threshold_" + key: value for key, value in thresholds.as_dict().items()})
        run_id = log_monitoring_run(report, args.mlflow_uri, args.experiment, params, args.verdict_tag)
        print(f"MLflow monitoring run {run_id} in experiment {args.experiment!r}")
    print(summary_text(report))
    return 3 if args.fail_on_breach and report["breaches"] else 0


if __name__ == "__main__":
    sys.exit(main())
