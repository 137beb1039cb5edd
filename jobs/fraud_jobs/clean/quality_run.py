"""The cleaning CLI's data-quality step: its options, the MLflow check before the cleaning, and after it
(the cleaned data and the cleaning report are written first, so nothing here can lose them) the quality
report: JSON next to the cleaning report on every run, then an MLflow run when --mlflow-uri is given."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any, Mapping, Optional

from fraud_jobs.clean.quality import InputFiles, build_quality_report, quality_report_location, summary_text
from fraud_jobs.common.cli_args import UsageError
from fraud_jobs.common.storage import is_local, normalised, write_text
from fraud_jobs.train.credentials import FIX as CREDENTIALS_FIX
from fraud_jobs.train.credentials import load_mlflow_credentials

DEFAULT_EXPERIMENT = "data-quality"
# Exit code when the data and reports are written but the MLflow run could not be logged.
NOT_LOGGED = 1


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--mlflow-uri",
        help="MLflow tracking URI: log the data-quality report as a run; without it only its JSON is written",
    )
    p.add_argument("--experiment", default=DEFAULT_EXPERIMENT, help="MLflow experiment of the quality runs")
    p.add_argument(
        "--mlflow-credentials",
        help='JSON file {"username", "password"} (local, hdfs://, s3a://) with the MLflow login; '
        "needs --mlflow-uri",
    )


def validate(args: argparse.Namespace) -> None:
    """The options that can be checked without Spark or the server."""
    credentials = args.mlflow_credentials
    if credentials and not args.mlflow_uri:
        raise UsageError(f"--mlflow-credentials {credentials} needs --mlflow-uri (the login to that server)")
    if credentials and is_local(credentials) and not os.path.isfile(normalised(credentials)):
        raise UsageError(f"--mlflow-credentials {credentials} does not exist: {CREDENTIALS_FIX}")


def check_before_cleaning(spark, args: argparse.Namespace) -> None:
    """With --mlflow-uri: log in and reach the experiment before anything is written (raises
    CredentialsError or TrackingError), so a wrong URI or login costs no cleaning."""
    if not args.mlflow_uri:
        return
    from fraud_jobs.clean.quality_mlflow import check_tracking

    if args.mlflow_credentials:
        load_mlflow_credentials(spark, args.mlflow_credentials)
    check_tracking(args.mlflow_uri, args.experiment)


def report_quality(
    spark, args: argparse.Namespace, clean_report: Mapping[str, Any], cleaned: Optional[InputFiles] = None
) -> int:
    """Writes the quality report, then logs it; returns the CLI's exit code (NOT_LOGGED: data kept).
    `cleaned`: the files the cleaning read when it was not all of --input (a list; [] for none)."""
    started = time.monotonic()
    source = args.input if cleaned is None else cleaned
    report = build_quality_report(spark, clean_report, source, args.output, args.epoch, args.max_terminal_id)
    report["duration_seconds"] = round(time.monotonic() - started, 3)
    location = quality_report_location(args.report)
    write_text(spark, location, json.dumps(report, indent=2) + "\n")
    print(summary_text(report))
    print(f"data-quality report: {location} ({report['duration_seconds']:.1f} s)")
    if not args.mlflow_uri:
        return 0
    from fraud_jobs.clean.quality_mlflow import log_quality_run

    params = {
        "input": args.input,
        "output": args.output,
        "report": args.report,
        "quality_report": location,
        "epoch": args.epoch.isoformat(),
        "max_terminal_id": args.max_terminal_id,
    }
    run_name = "clean " + args.output.rstrip("/").rsplit("/", 1)[-1]
    try:
        outcome = log_quality_run(args.mlflow_uri, args.experiment, report, clean_report, params, run_name)
    except Exception as error:  # the server went away after the check: say what is safe and how to recover
        print(
            f"error: the data-quality run was not logged to --mlflow-uri {args.mlflow_uri} "
            f"({type(error).__name__}: {str(error).strip()[:300]}). Nothing is lost: the cleaned data "
            f"({args.output}), the cleaning report ({args.report}) and the quality report ({location}) are "
            "written; re-running the job (idempotent) logs the run once the server answers.",
            file=sys.stderr,
        )
        return NOT_LOGGED
    print("MLflow run {} in experiment {!r}".format(outcome["run_id"], outcome["experiment"]))
    return 0
