#!/usr/bin/env bash
# Unpacks offline validators into .local/validators/ without root: Debian's cloud-init package
# (for its own JSON schema and `schema` command). Idempotent: a no-op when the pinned version is there.
# Prints the directory of the unpacked package root on stdout (last line).
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned: the cloud-init of Debian 12 (bookworm). Bump together with the snapshot if Debian replaces it.
CLOUD_INIT_VERSION="22.4.2-1+deb12u4"

root=".local/validators/cloud-init-${CLOUD_INIT_VERSION}"
schema="${root}/usr/lib/python3/dist-packages/cloudinit/config/schemas/schema-cloud-config-v1.json"
if [ -f "$schema" ]; then
  echo "$root"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# `apt-get download` needs no root, only the package lists. On a machine whose lists were never fetched
# (a fresh container), refreshing them needs root: do it only when we are root, else explain.
if ! apt-cache show "cloud-init=${CLOUD_INIT_VERSION}" >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq >&2
  else
    echo "setup-validators: apt does not know cloud-init=${CLOUD_INIT_VERSION}; run 'sudo apt-get update' once" >&2
    echo "  (or bump CLOUD_INIT_VERSION in $0 to the version 'apt-cache policy cloud-init' shows)" >&2
    exit 1
  fi
fi
if ! (cd "$work" && apt-get download -qq "cloud-init=${CLOUD_INIT_VERSION}" >&2); then
  echo "setup-validators: cloud-init=${CLOUD_INIT_VERSION} is not downloadable; bump CLOUD_INIT_VERSION in $0" >&2
  echo "  to the version 'apt-cache policy cloud-init' shows and update the snapshot tests" >&2
  exit 1
fi
mkdir -p "$root"
dpkg -x "$work"/cloud-init_*.deb "$root"
test -f "$schema" || { echo "setup-validators: $schema missing from the package" >&2; exit 1; }
echo "$root"
