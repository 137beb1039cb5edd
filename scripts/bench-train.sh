#!/usr/bin/env bash
# Training end to end at volume, with the driver limited (BENCH_DRIVER_MEMORY, default 1g; in local mode
# the driver JVM also runs the executors, so that is all the memory Spark gets).
# Data: a `course` sample (BENCH_CUSTOMERS, default 150000; BENCH_DAYS, default 84: about 24.5 M rows, of
# which the run's 72 days hold about 21 M) cleaned by the cleaning job, kept under .local/bench-train and
# reused. The run is a scheduled one (--window-end after the data: the newest labelled window), 7/7/7 days,
# one validation fold, no delay sweep, logistic regression.
# Prints: rows in the window, rows/s per core for features, fit and evaluation (wall, local[2]), the JVM
# heap's peak (GC log: heap in use when a collection started), CPU seconds, files read versus present.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-python.sh
export PATH="$PWD/jobs/.venv/bin:$PATH"
root=$PWD/.local/bench-train
customers=${BENCH_CUSTOMERS:-150000}
days=${BENCH_DAYS:-84}
memory=${BENCH_DRIVER_MEMORY:-1g}
data=$root/clean-$customers-$days
if [ ! -d "$data" ]; then
  rm -rf "$root/raw" "$data.tmp"
  (cd jobs && python -m fraud_jobs.generate --preset course --customers "$customers" --days "$days" --seed 1 \
    --out "$root/raw")
  # The cleaning job gets more memory than the training run measured here.
  spark-submit --master "local[2]" --driver-memory 3g jobs/entrypoints/clean_job.py --input "$root/raw" \
    --output "$data.tmp" --report "$root/report-$customers-$days.json"
  mv "$data.tmp" "$data"
  rm -rf "$root/raw"
fi
run=$root/run-$customers-$days
rm -rf "$run" && mkdir -p "$run"
python - "$data" "$run" "$memory" <<'PY'
import json, os, re, subprocess, sys, time

data, run, memory = sys.argv[1:4]
command = [
    "spark-submit", "--master", "local[2]", "--driver-memory", memory,
    "--driver-java-options", f"-Duser.timezone=UTC -Xlog:gc:file={run}/gc.log",
    "jobs/entrypoints/train_job.py", "--input", data, "--window-end", "2100-01-01",
    "--model", "logistic_regression", "--metrics-out", f"{run}/metrics.json",
]  # fmt: skip
began = time.monotonic()
with open(f"{run}/train.log", "w") as log:
    child = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    _, status, usage = os.wait4(child.pid, 0)  # the job's CPU time, its reaped children included
wall = time.monotonic() - began
if status:
    sys.exit(f"training failed (status {status}): see {run}/train.log")
metrics = json.load(open(f"{run}/metrics.json"))
cores = 2
# Unified GC log: "... Pause Young (Normal) (G1 Evacuation Pause) 612M->98M(1024M) 8.1ms".
gc_log = open(f"{run}/gc.log").read()
pauses = re.findall(r"(\d+)M->(\d+)M\((\d+)M\)", gc_log)
# What stayed live: the heap after a full collection (G1 fills the heap before it collects, so the peak
# "in use" figure says little); to-space exhaustion and full collections say how close to the limit it ran.
full_gcs = re.findall(r"Pause Full .*?(\d+)M->(\d+)M\(", gc_log)
exhausted = gc_log.count("To-space exhausted")
peak = max(int(before) for before, _, _ in pauses) if pauses else None
committed = max(int(size) for _, _, size in pauses) if pauses else None
cpu = usage.ru_utime + usage.ru_stime
window, files, stages = metrics["window"], metrics["input_files"], metrics["stages"]
print(f"training end to end, driver --driver-memory {memory}, local[{cores}]: completed in {wall:,.0f} s wall, "
      f"{cpu:,.0f} CPU s (load: {os.getloadavg()[0]:.1f} at the end)")
print(f"window: training from {window['train_start']}, test {window['test_start']} .. {window['test_end']} (excl.)")
print(f"files read {files['read']} of {files['present']} present (tx_date partition filter)")
for name in ("features", "fit", "evaluation"):
    stage = stages[name]
    rate = stage["rows"] / stage["seconds"] / cores
    print(f"{name:<10} {stage['rows']:>12,.0f} rows in {stage['seconds']:>7.1f} s = {rate:>8,.0f} rows/s per core")
print(f"peak driver heap in use {peak} MB of {committed} MB committed (GC log, {len(pauses)} collections)")
live = max((int(after) for _, after in full_gcs), default=None)
print(f"full collections {len(full_gcs)} (largest heap left after one: {live} MB), to-space exhausted {exhausted}x")
print(f"business view: FPR {metrics['business']['fpr']:.2%}  FNR {metrics['business']['fnr']:.2%}  "
      f"rows {metrics['business']['rows']:,}")
PY
