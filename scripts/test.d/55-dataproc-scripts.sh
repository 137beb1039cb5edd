#!/usr/bin/env bash
# Data Proc scripts (infra/dataproc/scripts): ruff, then pytest of the destroy-time cluster cleanup against
# a local fake of the Yandex Cloud REST API (real HTTP server, real JWT signing and verification).
# The cluster's initialization action (infra/dataproc/init/jupyterlab.sh): shellcheck, then its install and
# start run here with image 2.1's Python 3.8 (pyenv), checking it listens on 127.0.0.1 only (a few minutes:
# about 100 pinned wheels).
set -euo pipefail
cd "$(dirname "$0")/../.."
./scripts/setup-python.sh
scripts_dir=infra/dataproc/scripts
py=jobs/.venv/bin
"$py/ruff" check --config "$scripts_dir/ruff.toml" "$scripts_dir"
"$py/ruff" format --config "$scripts_dir/ruff.toml" --check "$scripts_dir"
PYTHONDONTWRITEBYTECODE=1 "$py/python" -m pytest -q -p no:cacheprovider "$scripts_dir/tests" --durations=5

./scripts/setup-shellcheck.sh
.local/venv-shellcheck/bin/shellcheck --severity=style infra/dataproc/init/*.sh scripts/test.d/55-dataproc-scripts.sh
init_dir=infra/dataproc/init
"$py/ruff" check --config "$init_dir/ruff.toml" "$init_dir"
"$py/ruff" format --config "$init_dir/ruff.toml" --check "$init_dir"
PYTHONDONTWRITEBYTECODE=1 "$py/python" -m pytest -q -p no:cacheprovider "$init_dir/tests" --durations=5
