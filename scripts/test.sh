#!/usr/bin/env bash
# The whole test suite: installs what it needs (idempotently), then runs every part.
# Each part lives in scripts/test.d/NN-name.sh and is run in order; any failure fails the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
failed=()
for part in scripts/test.d/*.sh; do
  echo "==> ${part}"
  start=$(date +%s)
  if bash "$part"; then
    echo "<== ${part}: ok ($(( $(date +%s) - start ))s)"
  else
    echo "<== ${part}: FAILED ($(( $(date +%s) - start ))s)"
    failed+=("$part")
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "All test parts passed."
