#!/usr/bin/env bash
# Training throughput on local[2]: rows/s per core for the 15 features and for fitting each model.
# Data: a `course` sample (BENCH_CUSTOMERS, default 2000; BENCH_DAYS, default 60) cleaned by the cleaning job,
# kept under .local/bench-train and reused when present.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-python.sh
export PATH="$PWD/jobs/.venv/bin:$PATH"
root=$PWD/.local/bench-train
customers=${BENCH_CUSTOMERS:-2000}
days=${BENCH_DAYS:-60}
data=$root/clean-$customers-$days
if [ ! -d "$data" ]; then
  rm -rf "$root/raw"
  python -m fraud_jobs.generate --preset course --customers "$customers" --days "$days" --seed 1 --out "$root/raw"
  spark-submit --master "local[2]" jobs/entrypoints/clean_job.py --input "$root/raw" --output "$data" \
    --report "$root/report-$customers-$days.json"
fi
python - "$data" <<'PY'
import sys
import time

from fraud_jobs.common.schemas import CLEANED_SCHEMA
from fraud_jobs.common.spark import build_spark_session
from fraud_jobs.features import FEATURE_COLUMNS, add_features
from fraud_jobs.train.pipeline import build_pipeline, hyperparameters_for, with_class_weight

spark = build_spark_session("bench-train", local=True)
spark.sparkContext.setLogLevel("ERROR")
cores = spark.sparkContext.defaultParallelism
cleaned = spark.read.schema(CLEANED_SCHEMA).parquet(sys.argv[1]).cache()
rows = cleaned.count()
print(f"input: {rows:,} cleaned rows, local[{cores}]")

started = time.monotonic()
add_features(cleaned).write.format("noop").mode("overwrite").save()
seconds = time.monotonic() - started
print(f"features: {rows:,} rows in {seconds:.1f} s = {rows / seconds / cores:,.0f} rows/s per core")

features = add_features(cleaned).coalesce(cores).cache()
train = with_class_weight(features.sample(fraction=0.25, seed=1), 10.0).cache()
train_rows = train.count()
for model, params in (
    ("logistic_regression", {}),
    ("random_forest", {"numTrees": 50}),
    ("gbt", {"maxIter": 20}),
):
    pipeline = build_pipeline(model, hyperparameters_for(model, params), FEATURE_COLUMNS)
    started = time.monotonic()
    pipeline.fit(train)
    seconds = time.monotonic() - started
    print(f"fit {model} {params}: {train_rows:,} rows in {seconds:.1f} s = {train_rows / seconds / cores:,.0f} rows/s per core")
PY
