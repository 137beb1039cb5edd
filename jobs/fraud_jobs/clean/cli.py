"""Command line of the cleaning job (spark-submit jobs/entrypoints/clean_job.py ...)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from typing import List, Optional
from urllib.parse import urlparse

from fraud_jobs.clean.job import DEFAULT_EPOCH, DEFAULT_MAX_TERMINAL_ID, run_cleaning
from fraud_jobs.clean.report import build_report, report_json, summary_text

# Schemes Spark reaches through Hadoop; anything without a scheme (or file:) is a local path.
LOCAL_SCHEMES = ("", "file")


class UsageError(Exception):
    """Bad arguments: reported with the option name and the fix, before Spark touches anything."""


def _epoch(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}")
    return value


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
        "--epoch", type=_epoch, default=DEFAULT_EPOCH, help="origin of tx_time_seconds (YYYY-MM-DD)"
    )
    p.add_argument("--max-terminal-id", type=_non_negative, default=DEFAULT_MAX_TERMINAL_ID)
    return p


def _normalised(location: str) -> str:
    parsed = urlparse(location)
    if parsed.scheme in LOCAL_SCHEMES:
        return os.path.realpath(parsed.path if parsed.scheme else location)
    return location.rstrip("/")


def is_local(location: str) -> bool:
    return urlparse(location).scheme in LOCAL_SCHEMES


def _inside(child: str, parent: str) -> bool:
    child, parent = _normalised(child), _normalised(parent)
    return child == parent or child.startswith(parent + "/")


def validate(args: argparse.Namespace) -> argparse.Namespace:
    """Checks the arguments that can be checked without Spark; fills the default quarantine."""
    if args.quarantine is None:
        args.quarantine = args.output.rstrip("/") + "-quarantine"
    if is_local(args.input) and not os.path.exists(_normalised(args.input)):
        raise UsageError(
            f"--input {args.input} does not exist: pass the directory holding the raw .txt files"
        )
    for option in ("output", "quarantine", "report"):
        location = getattr(args, option)
        if _inside(location, args.input):
            raise UsageError(
                f"--{option} {location} is inside --input {args.input}: the next run would read it as "
                "input; choose a location outside it"
            )
    return args


def _hadoop_path(spark, location: str):
    path = spark.sparkContext._jvm.org.apache.hadoop.fs.Path(location)
    # The session's Hadoop configuration includes fs.* settings made with spark.conf.set, as reads see them.
    return path, path.getFileSystem(spark._jsparkSession.sessionState().newHadoopConf())


def check_input_exists(spark, location: str) -> None:
    """For hdfs:// and s3a:// inputs, which only Hadoop can see."""
    path, fs = _hadoop_path(spark, location)
    if not fs.exists(path):
        raise UsageError(f"--input {location} does not exist: pass the directory holding the raw .txt files")


def write_text(spark, location: str, text: str) -> None:
    if is_local(location):
        local = _normalised(location)
        os.makedirs(os.path.dirname(local) or ".", exist_ok=True)
        with open(local, "w", encoding="utf-8") as handle:
            handle.write(text)
        return
    path, fs = _hadoop_path(spark, location)
    stream = fs.create(path, True)
    try:
        stream.write(bytearray(text.encode("utf-8")))
    finally:
        stream.close()


def main(argv: Optional[List[str]] = None) -> int:
    arg_parser = parser()
    args = arg_parser.parse_args(argv)
    try:
        validate(args)
    except UsageError as error:
        arg_parser.error(str(error))

    from fraud_jobs.common.spark import build_spark_session

    started = time.monotonic()
    spark = build_spark_session("fraud-clean", extra_conf={"spark.sql.ansi.enabled": "false"})
    # Casts rely on non-ANSI semantics: a field that does not parse becomes null and is reported, not raised.
    spark.conf.set("spark.sql.ansi.enabled", "false")
    try:
        if not is_local(args.input):
            check_input_exists(spark, args.input)
    except UsageError as error:
        arg_parser.error(str(error))
    counts = run_cleaning(spark, args.input, args.output, args.quarantine, args.epoch, args.max_terminal_id)
    report = build_report(counts, time.monotonic() - started)
    write_text(spark, args.report, report_json(report))
    print(summary_text(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
