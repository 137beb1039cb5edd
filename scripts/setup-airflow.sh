#!/usr/bin/env bash
# Creates jobs/.venv-airflow with the pinned Airflow + Yandex provider (jobs/requirements-airflow.txt, every
# transitive package held by jobs/constraints-airflow.txt) and checks the resolution; a no-op when nothing changed.
# --refreeze: re-resolve from requirements-airflow.txt alone and rewrite the constraints file (after a version bump).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=jobs/.venv-airflow
requirements=jobs/requirements-airflow.txt
constraints=jobs/constraints-airflow.txt
pip_quiet=(--quiet --disable-pip-version-check)

if [ "${1:-}" = "--refreeze" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install "${pip_quiet[@]}" --upgrade pip==24.3.1
  "$venv/bin/python" -m pip install "${pip_quiet[@]}" -r "$requirements"
  "$venv/bin/python" -m pip check
  {
    echo "# Full resolution of requirements-airflow.txt (pip freeze after pip check passed): every transitive package pinned."
    echo "# Regenerate: scripts/setup-airflow.sh --refreeze"
    "$venv/bin/python" -m pip freeze --exclude-editable | grep -v -E '^(pip|setuptools|wheel)=='
  } > "$constraints"
fi

stamp=$venv/.requirements.sha256
want=$(cat "$requirements" "$constraints" | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install "${pip_quiet[@]}" --upgrade pip==24.3.1
"$venv/bin/python" -m pip install "${pip_quiet[@]}" -r "$requirements" -c "$constraints"
"$venv/bin/python" -m pip check
echo "$want" > "$stamp"
