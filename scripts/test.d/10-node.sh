#!/usr/bin/env bash
# TypeScript: install the locked dependencies, type-check, run the mocha suite (mock tests, snapshots, policies).
set -euo pipefail
cd "$(dirname "$0")/../.."
./scripts/setup-node.sh
npx tsc --noEmit
npx mocha
