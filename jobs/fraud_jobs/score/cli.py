"""Command line of the batch scoring job (spark-submit jobs/entrypoints/score_job.py ...)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from typing import Any, Dict, List, Optional

from fraud_jobs.common.cli_args import UsageError, positive_int
from fraud_jobs.common.storage import is_local, normalised, write_text
from fraud_jobs.train.credentials import FIX as CREDENTIALS_FIX
from fraud_jobs.train.credentials import CredentialsError, load_mlflow_credentials

LOG = logging.getLogger("fraud_jobs.score")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="score_job.py",
        description="Score the newest cleaned days with the registered champion; Parquet by tx_date.",
    )
    p.add_argument("--input", required=True, help="cleaned Parquet dataset (local, hdfs://, s3a://)")
    p.add_argument("--output", required=True, help="scores dataset, partitioned by tx_date (one per day)")
    p.add_argument("--newest-days", type=positive_int, default=1, help="how many of the newest days to score")
    p.add_argument("--model-name", required=True, help="registered model whose @champion scores")
    p.add_argument("--mlflow-uri", required=True, help="MLflow tracking URI (the registry)")
    p.add_argument("--mlflow-credentials", metavar="URI", help='JSON {"username", "password"} for MLflow')
    p.add_argument("--report", help="JSON summary: rows and alerts per day, the model version")
    return p


def validate(args: argparse.Namespace) -> None:
    if is_local(args.input) and not os.path.isdir(normalised(args.input)):
        raise UsageError(f"--input {args.input} is not a directory: pass the cleaned Parquet dataset")
    credentials = args.mlflow_credentials
    if credentials and is_local(credentials) and not os.path.isfile(normalised(credentials)):
        raise UsageError(f"--mlflow-credentials {credentials} does not exist: {CREDENTIALS_FIX}")


def summary_text(report: Dict[str, Any]) -> str:
    rule = (
        "each day's threshold re-set from the scores of the {} days before it".format(
            report["threshold_lookback_days"]
        )
        if report["threshold_lookback_days"]
        else "fixed threshold {:.6f}".format(report["threshold"])
    )
    lines = [
        "scored {rows_scored:,} transactions of {day_count} day(s) with {model_name} version {model_version} "
        "({rule}) -> {output}".format(day_count=len(report["per_day"]), rule=rule, **report)
    ]
    lines += [
        "  {day}: {rows:,} rows, {alerts:,} alerts (threshold {threshold:.6f})".format(**day)
        for day in report["per_day"]
    ]
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    arg_parser = parser()
    args = arg_parser.parse_args(argv)
    try:
        validate(args)
    except UsageError as error:
        arg_parser.error(str(error))
    from fraud_jobs.common.cleaned_output import check_committed
    from fraud_jobs.common.spark import build_spark_session
    from fraud_jobs.score.run import score_newest_days

    logging.basicConfig(level=logging.INFO, format="[score %(asctime)s] %(message)s", datefmt="%H:%M:%S")
    spark = build_spark_session("fraud-score")
    try:
        if args.mlflow_credentials:
            load_mlflow_credentials(spark, args.mlflow_credentials)
        check_committed(spark, args.input)  # not a dataset a killed cleaning run left half published
        report = score_newest_days(
            spark, args.input, args.output, args.newest_days, args.model_name, args.mlflow_uri
        )
    except (CredentialsError, UsageError, ValueError) as error:
        # Nothing was written: every check runs before the write.
        print(f"score_job.py: error: {error}", file=sys.stderr)
        return 2
    if args.report:
        write_text(spark, args.report, json.dumps(report, indent=2, sort_keys=True) + "\n")
    print(summary_text(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
