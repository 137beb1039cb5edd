"""Benchmark of batch scoring (prints figures; not a test).

Generates a `course` sample of the history one scored day needs plus the scored days, cleans it with the
cleaning job, fits a logistic-regression pipeline (the training job's own stages) on its first days, then
times `score_rows` written as the scoring job writes it (dynamic partition overwrite by tx_date), with the
CPU seconds of the JVM and its Python workers (clean.bench's Meter). Model loading from MLflow and the
champion lookup are left out: a few seconds per run whatever the volume.

Rates: rows scored per second per core, and rows read (the scored days plus the look-back history their
features need) per second per core. Then the daily run at real volume (1.57 M rows a day) on the default
cluster, estimated from the measured rate.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import shutil

from pyspark.sql import functions as F

from fraud_jobs.clean.bench import CORES, Meter
from fraud_jobs.common.schemas import PARTITION_COLUMN
from fraud_jobs.common.spark import build_spark_session
from fraud_jobs.features import FEATURE_COLUMNS, HANDBOOK, add_features
from fraud_jobs.score.frame import history_days, score_rows
from fraud_jobs.train.evaluation import REAL_ROWS_PER_DAY
from fraud_jobs.train.pipeline import DEFAULT_HYPERPARAMETERS, build_pipeline, with_class_weight

DELAY_DAYS = 7
START = dt.date(2019, 8, 22)
# Default cluster (infra/config/dataproc.ts): 3 data hosts s3-c4-m16, 5 executors of 2 cores for a job.
CLUSTER_EXECUTOR_CORES = 10


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows-per-day", type=int, default=20000, help="generated transactions a day")
    p.add_argument("--scored-days", type=int, default=1, help="days scored in one run (1: the daily run)")
    p.add_argument("--workdir", default=".local/bench-score")
    args = p.parse_args()
    from fraud_jobs.clean.cli import main as clean_main
    from fraud_jobs.generate import generate, preset_config

    shutil.rmtree(args.workdir, ignore_errors=True)
    raw, clean, out = (os.path.join(args.workdir, name) for name in ("raw", "clean", "scores"))
    days = history_days(DELAY_DAYS) + args.scored_days
    # The simulator draws each customer's mean daily count uniformly in 0..4 (mean 2).
    customers = max(1, math.ceil(args.rows_per_day / 2))
    print(f"generating {days} days of about {args.rows_per_day:,} rows ({customers:,} customers)")
    generate(preset_config("course", seed=1, customers=customers, days=days, start=START), raw)
    assert clean_main(["--input", raw, "--output", clean, "--report", clean + ".json"]) == 0
    spark = build_spark_session("fraud-score-bench", local=True)
    cleaned = spark.read.parquet(clean)
    last = START + dt.timedelta(days=days - 1)
    scored_days = [last - dt.timedelta(days=i) for i in range(args.scored_days)][::-1]
    train = add_features(cleaned.filter(F.col(PARTITION_COLUMN) < START + dt.timedelta(days=10)), DELAY_DAYS)
    hyper = dict(DEFAULT_HYPERPARAMETERS["logistic_regression"], maxIter=10)
    model = build_pipeline("logistic_regression", hyper, FEATURE_COLUMNS).fit(with_class_weight(train, 1.0))
    rows_read = cleaned.count()
    rows_scored = cleaned.filter(F.col(PARTITION_COLUMN).isin(scored_days)).count()

    def run() -> None:
        scored, _ = score_rows(model, cleaned, scored_days, DELAY_DAYS, 0.5, "bench", "1", HANDBOOK)
        scored.write.mode("overwrite").option("partitionOverwriteMode", "dynamic").partitionBy(
            PARTITION_COLUMN
        ).parquet(out)

    run()  # warm-up: JIT, Python workers, file listing caches
    figures = Meter(spark.sparkContext._jvm.ProcessHandle.current().pid()).measure(run)
    wall, cpu = figures["wall_s"], figures["cpu_s"]
    print(f"scored {rows_scored:,} rows of {args.scored_days} day(s), reading {rows_read:,} rows "
          f"({days} days: {history_days(DELAY_DAYS)} of history), local[{CORES}]")  # fmt: skip
    print(f"  wall {wall:.1f} s, CPU {cpu:.1f} s, peak memory {figures['peak_all_gb']:.2f} GB")
    print(f"  {rows_scored / wall / CORES:,.0f} rows scored per second per core (wall x {CORES} cores)")
    print(
        f"  {rows_read / wall / CORES:,.0f} rows read per second per core (the features' look-back included)"
    )
    print(f"  {rows_read / cpu:,.0f} rows read per CPU second")
    real_read = REAL_ROWS_PER_DAY * days
    estimate = real_read / (rows_read / wall / CORES) / CLUSTER_EXECUTOR_CORES
    print(
        f"estimate, real volume ({REAL_ROWS_PER_DAY:,.0f} rows a day, {days} days read = "
        f"{real_read / 1e6:,.0f} M rows) on {CLUSTER_EXECUTOR_CORES} executor cores at this per-core rate: "
        f"{estimate / 60:,.1f} min "
        "(an estimate: assumes linear scaling; shuffle of the customer and terminal windows grows with data)"
    )
    spark.stop()


if __name__ == "__main__":
    main()
