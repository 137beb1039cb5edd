#!/usr/bin/env bash
# Notebooks: lint (ruff reads .ipynb too), committed notebooks carry no outputs, and each runs headless
# (papermill) on generated data with its computed figures checked against the generator's manifest.
set -euo pipefail
cd "$(dirname "$0")/../.."
./scripts/setup-notebooks.sh
py=jobs/.venv/bin
"$py/ruff" check notebooks
"$py/ruff" format --check notebooks
"$py/pytest" -q -p no:cacheprovider --rootdir notebooks notebooks/tests
