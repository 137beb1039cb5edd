#!/usr/bin/env bash
# Builds the Caddy binary of the proxy image's exact version (infra/orchestrator/services/versions.ts) from the
# Go module proxy into .local/caddy-<version>/, for `caddy validate` / `caddy adapt` of the rendered Caddyfile.
# Idempotent: a no-op when that version is there. Prints the binary's path on stdout (last line).
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's/^ *caddy: "\([0-9.]*\)",.*/\1/p' infra/orchestrator/services/versions.ts)
[ -n "$version" ] || { echo "setup-caddy: no caddy version in infra/orchestrator/services/versions.ts" >&2; exit 1; }
dir="$PWD/.local/caddy-${version}"
# `caddy version` says "unknown" for a go-install build: the module version is in the binary's build info.
if [ -x "$dir/caddy" ] && go version -m "$dir/caddy" | grep -Eq "^\s+mod\s+github.com/caddyserver/caddy/v2\s+v${version}\s"; then
  echo "$dir/caddy"
  exit 0
fi
# Exact version: the Go proxy serves it even when it refuses to list versions. Output to stderr: stdout is the path.
GOBIN="$dir" GOFLAGS=-mod=mod go install "github.com/caddyserver/caddy/v2/cmd/caddy@v${version}" >&2
go version -m "$dir/caddy" | grep -E "^\s+mod\s" >&2
echo "$dir/caddy"
