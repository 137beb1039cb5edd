#!/usr/bin/env bash
# Unpacks offline validators into .local/validators/ without root: Debian's cloud-init package
# (for its own JSON schema and `schema` command). Idempotent: a no-op when the pinned version is there.
# Prints the directory of the unpacked package root on stdout (last line).
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned: the cloud-init of Debian 12 (bookworm). Bump together with the snapshot if Debian replaces it.
CLOUD_INIT_VERSION="22.4.2-1+deb12u4"
CLOUD_INIT_SHA256="c18c9b1a999268413f215371ae6382f8705a437b2b24c049d6dbafcc111a1d09"
DEBIAN_POOL="http://deb.debian.org/debian/pool/main"

root=".local/validators/cloud-init-${CLOUD_INIT_VERSION}"
schema="${root}/usr/lib/python3/dist-packages/cloudinit/config/schemas/schema-cloud-config-v1.json"
if [ -f "$schema" ]; then
  echo "$root"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Fetched straight from Debian's pool and checked against the pinned hash: no root and no apt lists
# needed, so it works the same on Debian, Ubuntu (CI runners) and in containers.
deb="cloud-init_${CLOUD_INIT_VERSION}_all.deb"
if ! curl -fsSL --retry 3 -o "$work/$deb" "${DEBIAN_POOL}/c/cloud-init/${deb}"; then
  echo "setup-validators: cannot download ${DEBIAN_POOL}/c/cloud-init/${deb}; if Debian replaced it, bump" >&2
  echo "  CLOUD_INIT_VERSION and CLOUD_INIT_SHA256 in $0 (apt-cache show cloud-init) and update the snapshots" >&2
  exit 1
fi
echo "${CLOUD_INIT_SHA256}  $work/$deb" | sha256sum -c --quiet - >&2 || {
  echo "setup-validators: ${deb} does not match CLOUD_INIT_SHA256 in $0" >&2
  exit 1
}
mkdir -p "$root"
dpkg -x "$work/$deb" "$root"
test -f "$schema" || { echo "setup-validators: $schema missing from the package" >&2; exit 1; }
echo "$root"
