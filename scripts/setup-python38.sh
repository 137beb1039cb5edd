#!/usr/bin/env bash
# Creates jobs/.venv-py38: Python 3.8 with Data Proc image 2.1's Spark 3.3.2 and package versions
# (jobs/requirements-py38.txt, every transitive package held by jobs/constraints-py38.txt). A no-op when
# nothing changed. Python 3.8 comes from $FRAUD_PYTHON38, else python3.8 on PATH, else pyenv's 3.8.x.
# --refreeze: re-resolve from requirements-py38.txt alone and rewrite the constraints file.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=jobs/.venv-py38
requirements=jobs/requirements-py38.txt
constraints=jobs/constraints-py38.txt
pip_quiet=(--quiet --disable-pip-version-check)

find_python38() {
  local candidate
  for candidate in "${FRAUD_PYTHON38:-}" "$(command -v python3.8 || true)" \
    "$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.8.*/bin/python3.8 2>/dev/null | sort -V | tail -n1)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ] &&
      [ "$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "3.8" ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if ! python38=$(find_python38); then
  cat >&2 <<'MSG'
Python 3.8 not found (needed to test the jobs on Data Proc image 2.1's runtime).
Install it with pyenv (`pyenv install 3.8.18`), or your OS's python3.8 package, or point FRAUD_PYTHON38 at
a Python 3.8 interpreter.
MSG
  exit 1
fi

if [ "${1:-}" = "--refreeze" ]; then
  rm -rf "$venv"
  "$python38" -m venv "$venv"
  "$venv/bin/python" -m pip install "${pip_quiet[@]}" --upgrade pip==24.3.1
  "$venv/bin/python" -m pip install "${pip_quiet[@]}" -r "$requirements"
  "$venv/bin/python" -m pip check
  {
    echo "# Full resolution of requirements-py38.txt on Python 3.8 (pip freeze after pip check passed): every transitive"
    echo "# package pinned. Regenerate: scripts/setup-python38.sh --refreeze"
    "$venv/bin/python" -m pip freeze --exclude-editable | grep -v -E '^(pip|setuptools|wheel)=='
  } > "$constraints"
fi

stamp=$venv/.requirements.sha256
want=$(cat "$requirements" "$constraints" jobs/pyproject.toml | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
# A venv left by another interpreter (or a broken one) is rebuilt.
if ! [ -x "$venv/bin/python" ] || [ "$("$venv/bin/python" -c 'import sys; print(sys.version_info[:2] == (3, 8))')" != "True" ]; then
  rm -rf "$venv"
  "$python38" -m venv "$venv"
fi
"$venv/bin/python" -m pip install "${pip_quiet[@]}" --upgrade pip==24.3.1
"$venv/bin/python" -m pip install "${pip_quiet[@]}" -r "$requirements" -c "$constraints"
"$venv/bin/python" -m pip install "${pip_quiet[@]}" --no-deps -e jobs
"$venv/bin/python" -m pip check
echo "$want" > "$stamp"
