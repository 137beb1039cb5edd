"""What the data-quality report adds to a cleaning run: CPU and wall seconds of the cleaning (data and
report written) and of the quality report after it, on the same generated input, in alternated rounds.

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
from fraud_jobs.clean.quality import build_quality_report
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
    rounds: Dict[str, List[Dict[str, float]]] = {"cleaning": [], "quality report": []}
    state: Dict[str, object] = {}

    def clean() -> None:
        shutil.rmtree(out, ignore_errors=True)
        counts = run_cleaning(spark, raw, out, out + "-quarantine", DEFAULT_EPOCH, DEFAULT_MAX_TERMINAL_ID)
        state["report"] = build_report(counts, 0.0)

    def quality() -> None:
        build_quality_report(spark, state["report"], raw, out, DEFAULT_EPOCH, DEFAULT_MAX_TERMINAL_ID)

    clean()  # warm-up: JIT and caches, for neither side's figures
    quality()
    for _ in range(args.repeats):
        rounds["cleaning"].append(meter.measure(clean))
        rounds["quality report"].append(meter.measure(quality))
    medians = {
        name: {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        for name, runs in rounds.items()
    }
    print(f"{rows:,} lines; medians of {args.repeats} round(s)")
    for name, figures in medians.items():
        print(f"  {name:16}{figures['wall_s']:8.1f} s wall{figures['cpu_s']:8.1f} s CPU"
              f"{rows / figures['cpu_s']:12,.0f} rows/CPU-s")  # fmt: skip
    ratio = medians["quality report"]["cpu_s"] / medians["cleaning"]["cpu_s"]
    print(f"quality report / cleaning: {ratio:.2f} in CPU seconds")
    spark.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
