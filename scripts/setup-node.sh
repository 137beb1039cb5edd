#!/usr/bin/env bash
# Installs the locked npm dependencies (and compiles the local Yandex SDK); skipped when node_modules already
# matches package-lock.json and the SDK's sources (a regenerated SDK must be compiled again).
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.package-lock.sha256
want=$( (sha256sum package-lock.json package.json; find sdks/yandex -path sdks/yandex/bin -prune -o -type f -print | LC_ALL=C sort | xargs sha256sum) | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
npm ci --no-audit --no-fund
echo "$want" > "$stamp"
