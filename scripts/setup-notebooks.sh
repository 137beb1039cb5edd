#!/usr/bin/env bash
# Adds the notebook tools (notebooks/requirements.txt: papermill, ipykernel, JupyterLab) to jobs/.venv, the
# venv the notebook's kernel needs anyway (pyspark, fraud_jobs); skipped when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-python.sh
venv=jobs/.venv
stamp=$venv/.notebooks-requirements.sha256
want=$(cat notebooks/requirements.txt jobs/requirements-dev.txt jobs/pyproject.toml | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
# One install with the job pins included (-r inside the file): a conflict fails here instead of moving a pin.
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r notebooks/requirements.txt
echo "$want" > "$stamp"
