#!/usr/bin/env bash
# Benchmark of the cleaning job against the typed-CSV ceiling and a Python-parsing baseline, alternated, with a
# full-scale estimate for the default Data Proc cluster (prints figures; not a test).
# Usage: scripts/bench-clean.sh [--rows-millions 10] [--baseline-rows-millions 2] [--repeats 1] [--workdir .local/bench-clean]
#        [--no-breakdown]
# Heavy: at most one run at a time on a shared machine; use --rows-millions 1 while developing.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-python.sh
exec jobs/.venv/bin/python -m fraud_jobs.clean.bench "$@"
