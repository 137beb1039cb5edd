#!/usr/bin/env bash
# Python jobs: lint, Python 3.8 syntax floor (Data Proc image 2.1), unit and end-to-end tests on local Spark.
set -euo pipefail
cd "$(dirname "$0")/../.."
./scripts/setup-python.sh
# hadoop-aws jars for the s3a:// tests (verified checksums; no-op once present).
./scripts/setup-spark-jars.sh
py=jobs/.venv/bin
"$py/ruff" check jobs
"$py/ruff" format --check jobs
# vermin parses the code and reports the minimum Python version each construct needs.
"$py/vermin" --target=3.8- --violations --no-tips --eval-annotations --backport typing_extensions jobs/fraud_jobs jobs/entrypoints
# The TypeScript config check's answers for the run windows, compared with the training job's own data_window.
./scripts/setup-node.sh
export FRAUD_WINDOW_CASES="$PWD/.local/window-cases.json"
npx ts-node --transpile-only infra/config/testing/window-cases.ts "$FRAUD_WINDOW_CASES"
cd jobs && ../"$py/pytest" -q -p no:cacheprovider tests
