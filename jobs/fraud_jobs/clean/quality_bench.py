"""What the data-quality report adds to a cleaning run: CPU and wall seconds of the cleaning (data and
report written) and of the report's two parts after it (per-file counts: a pass over the text; column
statistics and rows per day: passes over the written Parquet), on the same input, in alternated rounds.

    jobs/.venv/bin/python -m fraud_jobs.clean.quality_bench --rows-millions 2 [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
from typing import Dict, List

from fraud_jobs.clean.bench import Meter, generate_input
from fraud_jobs.clean.job import DEFAULT_EPOCH, DEFAULT_MAX_TERMINAL_ID, run_cleaning
from fraud_jobs.clean.quality import (
    column_statistics,
    outcomes_per_file,
    rows_per_day,
    written_partitions,
)
from fraud_jobs.clean.report import build_report
from fraud_jobs.common.spark import build_spark_session


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Cost of the data-quality report next to the cleaning.")
    parser.add_argument("--rows-millions", type=float, default=2.0)
    parser.add_argument("--workdir", default=".local/bench-quality", help="scratch directory (emptied first)")
    parser.add_argument("--driver-memory", default="4g")
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args(argv)
    if args.rows_millions <= 0 or args.repeats < 1:
        parser.error("--rows-millions must be > 0 and --repeats >= 1")
    work = os.path.abspath(args.workdir)
    shutil.rmtree(work, ignore_errors=True)
    raw, out = os.path.join(work, "raw"), os.path.join(work, "clean")
    rows = generate_input(int(args.rows_millions * 1_000_000), raw)
    memory = {"spark.driver.memory": args.driver_memory, "spark.sql.ansi.enabled": "false"}
    spark = build_spark_session("fraud-quality-bench", local=True, shuffle_partitions=4, extra_conf=memory)
    spark.sparkContext.setLogLevel("ERROR")
    meter = Meter(spark.sparkContext._jvm.ProcessHandle.current().pid())
    dates: List[str] = []

    def clean() -> None:
        shutil.rmtree(out, ignore_errors=True)
        counts = run_cleaning(spark, raw, out, out + "-quarantine", DEFAULT_EPOCH, DEFAULT_MAX_TERMINAL_ID)
        build_report(counts, 0.0)

    def per_file() -> None:  # the text pass of build_quality_report
        files = outcomes_per_file(spark, raw, DEFAULT_EPOCH, DEFAULT_MAX_TERMINAL_ID)
        dates[:] = sorted({day for entry in files for day in entry["written_dates"]})

    def column_stats() -> None:  # the Parquet passes of build_quality_report
        cleaned = written_partitions(spark, out, dates)
        column_statistics(cleaned)
        rows_per_day(cleaned)

    phases = (("cleaning", clean), ("per-file counts", per_file), ("column statistics", column_stats))
    for _, action in phases:  # warm-up: JIT and caches, for no phase's figures
        action()
    rounds: Dict[str, List[Dict[str, float]]] = {name: [] for name, _ in phases}
    for _ in range(args.repeats):
        for name, action in phases:
            rounds[name].append(meter.measure(action))
    medians = {
        name: {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        for name, runs in rounds.items()
    }
    print(f"{rows:,} lines; medians of {args.repeats} round(s)")
    for name, figures in medians.items():
        print(f"  {name:16}{figures['wall_s']:8.1f} s wall{figures['cpu_s']:8.1f} s CPU"
              f"{rows / figures['cpu_s']:12,.0f} rows/CPU-s")  # fmt: skip
    cleaning = medians["cleaning"]["cpu_s"]
    for name in ("per-file counts", "column statistics"):
        print(f"{name} / cleaning: {medians[name]['cpu_s'] / cleaning:.2f} in CPU seconds")
    spark.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
