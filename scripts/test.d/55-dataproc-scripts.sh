#!/usr/bin/env bash
# Data Proc scripts (infra/dataproc/scripts): ruff, then pytest of the destroy-time cluster cleanup against
# a local fake of the Yandex Cloud REST API (real HTTP server, real JWT signing and verification).
set -euo pipefail
cd "$(dirname "$0")/../.."
./scripts/setup-python.sh
scripts_dir=infra/dataproc/scripts
py=jobs/.venv/bin
"$py/ruff" check --config "$scripts_dir/ruff.toml" "$scripts_dir"
"$py/ruff" format --config "$scripts_dir/ruff.toml" --check "$scripts_dir"
PYTHONDONTWRITEBYTECODE=1 "$py/python" -m pytest -q -p no:cacheprovider "$scripts_dir/tests" --durations=5
