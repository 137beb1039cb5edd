#!/usr/bin/env bash
# Orchestrator VM services on real stand-ins: a PostgreSQL server (pgserver's binaries) set up by the rendered
# init script, moto's S3 server, and MLflow 2.17.2 started from the rendered compose service (PostgreSQL
# backend, basic auth, proxied S3 artifacts, its worker count); then the database backup's round trip to a
# new server (infra/orchestrator/services/backup). Pinned packages in their own venv, installed once.
set -euo pipefail
cd "$(dirname "$0")/../.."
./scripts/setup-node.sh
./scripts/setup-python.sh
backup_dir=infra/orchestrator/services/backup
venv=.local/venv-backups
stamp=$venv/.requirements.sha256
want=$(sha256sum "$backup_dir/requirements-test.txt" | cut -d' ' -f1)
if ! [ -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$backup_dir/requirements-test.txt"
  echo "$want" > "$stamp"
fi

py=jobs/.venv/bin
"$py/ruff" check --config infra/provisioning/scripts/ruff.toml "$backup_dir"
"$py/ruff" format --config infra/provisioning/scripts/ruff.toml --check "$backup_dir"
# The script runs on the image's Python (3.11 on bookworm); kept within 3.8 like the other VM-side scripts.
"$py/vermin" --target=3.8- --violations --no-tips --eval-annotations "$backup_dir/db_backup.py"

export FRAUD_RENDERED_SAMPLES="$PWD/.local/rendered-samples-backups"
rm -rf "$FRAUD_RENDERED_SAMPLES"
npx ts-node --transpile-only infra/orchestrator/services/testing/render-samples.ts "$FRAUD_RENDERED_SAMPLES"
cd "$backup_dir/tests"
PYTHONDONTWRITEBYTECODE=1 "../../../../../$venv/bin/python" -m pytest -q -p no:cacheprovider --durations=5 .
