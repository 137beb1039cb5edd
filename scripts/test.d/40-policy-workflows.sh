#!/usr/bin/env bash
# GitHub workflow files: lint them with a pinned actionlint (built from the Go module proxy once, then
# reused from .local/bin), and prove the linter really rejects a broken workflow.
# The policy pack, estimator and plan tests run in 10-node.sh (mocha picks up policy/ and infra/).
set -euo pipefail
cd "$(dirname "$0")/../.."
ACTIONLINT_VERSION=v1.7.12
bin_dir="$PWD/.local/bin"
actionlint="$bin_dir/actionlint"
if ! [ -x "$actionlint" ] || [ "$("$actionlint" -version | head -n1)" != "$ACTIONLINT_VERSION" ]; then
  echo "installing actionlint $ACTIONLINT_VERSION into $bin_dir"
  GOBIN="$bin_dir" GOFLAGS=-buildvcs=false go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
fi
# shellcheck/pyflakes integrations off: their presence on a machine would otherwise change the verdict.
lint() { "$actionlint" -no-color -oneline -shellcheck= -pyflakes= "$@"; }

lint .github/workflows/*.yml
echo "actionlint $ACTIONLINT_VERSION: $(ls .github/workflows/*.yml | wc -l) workflow files clean"

# The linter must fail on a known-bad workflow (undefined input, bad expression context, unknown key).
broken=$(mktemp -d)
trap 'rm -rf "$broken"' EXIT
mkdir -p "$broken/.github/workflows"
cat > "$broken/.github/workflows/broken.yml" <<'YAML'
on:
  workflow_dispatch:
    inputs:
      stack: { type: string }
jobs:
  bad:
    runs-on: ubuntu-24.04
    env:
      KEY_FILE: ${{ runner.temp }}/key.json
    steps:
      - run: echo "${{ inputs.stak }}"
        timeout: 5
YAML
if out=$(cd "$broken" && lint .github/workflows/broken.yml 2>&1); then
  echo "actionlint accepted a broken workflow:" >&2
  exit 1
fi
for expected in 'property "stak" is not defined' 'context "runner" is not allowed here' 'unexpected key "timeout"'; do
  if ! grep -qF "$expected" <<<"$out"; then
    echo "actionlint did not report: $expected" >&2
    echo "$out" >&2
    exit 1
  fi
done
echo "actionlint rejects a broken workflow with the expected 3 findings"
