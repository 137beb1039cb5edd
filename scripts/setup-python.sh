#!/usr/bin/env bash
# Creates jobs/.venv and installs the pinned job requirements; skipped when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=jobs/.venv
stamp=$venv/.requirements.sha256
want=$(cat jobs/requirements-dev.txt jobs/pyproject.toml | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip==24.3.1
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r jobs/requirements-dev.txt
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -e jobs
echo "$want" > "$stamp"
