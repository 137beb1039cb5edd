"""Command line of the cleaning job (spark-submit jobs/entrypoints/clean_job.py ...)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Dict, List, Optional, Tuple

from fraud_jobs.clean import incremental, quality_run
from fraud_jobs.clean.damaged_input import unreadable_compressed_file
from fraud_jobs.clean.guard import ALLOW_OPTION, DEFAULT_MAX_DROP_SHARE, MAX_SHARE_OPTION, DataLossRefused
from fraud_jobs.clean.job import DEFAULT_EPOCH, DEFAULT_MAX_TERMINAL_ID, run_cleaning
from fraud_jobs.clean.quality_mlflow import TrackingError
from fraud_jobs.clean.report import build_report, report_json, summary_text
from fraud_jobs.common.cli_args import UsageError, date_arg, non_negative_int, share_arg
from fraud_jobs.common.storage import hadoop_path, is_local, normalised, write_text
from fraud_jobs.train.credentials import CredentialsError

INPUT_HINT = "pass the directory holding the raw .txt files"


SESSION_SETTINGS = {
    # Casts rely on non-ANSI semantics: a field that does not parse becomes null and is reported, not raised.
    "spark.sql.ansi.enabled": "false",
    # 8-byte timestamps instead of the deprecated INT96 default: smaller files, read by every Spark >= 3.0.
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="clean_job.py",
        description="Clean raw fraud transaction text into Parquet partitioned by tx_date.",
    )
    p.add_argument("--input", required=True, help="directory or file of raw .txt (local, hdfs://, s3a://)")
    p.add_argument(
        "--output", required=True, help="Parquet dataset root; only written tx_date partitions change"
    )
    p.add_argument("--report", required=True, help="report JSON file (local, hdfs://, s3a://)")
    p.add_argument(
        "--quarantine", help="where malformed lines go (JSON by source file); default <output>-quarantine"
    )
    p.add_argument(
        "--epoch", type=date_arg, default=DEFAULT_EPOCH, help="origin of tx_time_seconds (YYYY-MM-DD)"
    )
    p.add_argument("--max-terminal-id", type=non_negative_int, default=DEFAULT_MAX_TERMINAL_ID)
    quality_run.add_arguments(p)
    p.add_argument(
        "--new-files-only",
        action="store_true",
        help="clean only the input files not cleaned into --output before (its _cleaned_inputs.json ledger: "
        "name, size, modification time); scheduled runs use it",
    )
    p.add_argument(
        MAX_SHARE_OPTION,
        type=share_arg,
        default=DEFAULT_MAX_DROP_SHARE,
        help="stop before writing when one rule drops more than this share of the rows read (0..1)",
    )
    p.add_argument(ALLOW_OPTION, action="store_true", help=f"publish whatever {MAX_SHARE_OPTION} would stop")
    return p


def _inside(child: str, parent: str) -> bool:
    child, parent = normalised(child), normalised(parent)
    return child == parent or child.startswith(parent + "/")


def validate(args: argparse.Namespace) -> argparse.Namespace:
    """Checks the arguments that can be checked without Spark; fills the default quarantine."""
    if args.quarantine is None:
        args.quarantine = args.output.rstrip("/") + "-quarantine"
    if is_local(args.input) and not os.path.exists(normalised(args.input)):
        raise UsageError(f"--input {args.input} does not exist: {INPUT_HINT}")
    for option in ("output", "quarantine", "report"):
        location = getattr(args, option)
        if _inside(location, args.input):
            raise UsageError(
                f"--{option} {location} is inside --input {args.input}: the next run would read it as "
                "input; choose a location outside it"
            )
    quality_run.validate(args)
    return args


def check_input(spark, location: str) -> None:
    """Existence of hdfs:// and s3a:// inputs (only Hadoop sees them); that there are files to read."""
    if not is_local(location):
        path, fs = hadoop_path(spark, location)
        if not fs.exists(path):
            raise UsageError(f"--input {location} does not exist: {INPUT_HINT}")
    if not spark.read.text(location).inputFiles():
        raise UsageError(f"--input {location} holds no files: {INPUT_HINT}")


def clean_new_files(
    spark, args: argparse.Namespace, max_drop_share: Optional[float]
) -> Tuple[Dict[str, int], List[str]]:
    """Cleans the files the output's ledger does not list, then lists them (only after the write); returns
    the counts and the files cleaned."""
    listed = incremental.list_input_files(spark, args.input)
    ledger = incremental.read_ledger(spark, args.output)
    fresh = incremental.new_files(listed, ledger)
    print(f"{len(fresh)} of {len(listed)} input files not cleaned before")
    if not fresh:
        return incremental.nothing_cleaned(), []
    counts = run_cleaning(
        spark, fresh, args.output, args.quarantine, args.epoch, args.max_terminal_id, max_drop_share
    )
    incremental.record_cleaned(spark, args.output, ledger, {name: listed[name] for name in fresh})
    return counts, fresh


def main(argv: Optional[List[str]] = None) -> int:
    arg_parser = parser()
    args = arg_parser.parse_args(argv)
    try:
        validate(args)
    except UsageError as error:
        arg_parser.error(str(error))

    from fraud_jobs.common.spark import build_spark_session

    started = time.monotonic()
    spark = build_spark_session("fraud-clean")
    for key, value in SESSION_SETTINGS.items():
        spark.conf.set(key, value)
    try:
        check_input(spark, args.input)
        quality_run.check_before_cleaning(spark, args)
    except (UsageError, CredentialsError, TrackingError) as error:
        arg_parser.error(str(error))
    max_drop_share = None if args.allow_data_loss else args.max_drop_share
    from py4j.protocol import Py4JJavaError

    try:
        cleaned_files: Optional[List[str]] = None  # None: all of --input
        if args.new_files_only:
            counts, cleaned_files = clean_new_files(spark, args, max_drop_share)
        else:
            counts = run_cleaning(
                spark,
                args.input,
                args.output,
                args.quarantine,
                args.epoch,
                args.max_terminal_id,
                max_drop_share,
            )
    except (UsageError, DataLossRefused) as error:
        arg_parser.error(str(error))
    except Py4JJavaError:
        damaged = unreadable_compressed_file(spark, incremental.list_input_files(spark, args.input))
        if damaged is None:
            raise
        arg_parser.error(str(damaged))
    report = build_report(counts, time.monotonic() - started)
    write_text(spark, args.report, report_json(report))
    print(summary_text(report))
    # After the data and the cleaning report: a failure to log to MLflow cannot lose them.
    # The quality report covers the files this run cleaned (with --new-files-only, not all of --input).
    return quality_run.report_quality(spark, args, report, cleaned=cleaned_files)


if __name__ == "__main__":
    sys.exit(main())
