#!/usr/bin/env bash
# Benchmark of batch scoring: rows scored and rows read (with the features' look-back) per second per core,
# and an estimate of the daily run at real volume (prints figures; not a test).
# Usage: scripts/bench-score.sh [--rows-per-day 20000] [--scored-days 1] [--workdir .local/bench-score]
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-python.sh
export PYSPARK_PYTHON="$PWD/jobs/.venv/bin/python"
exec jobs/.venv/bin/python -m fraud_jobs.score.bench "$@"
