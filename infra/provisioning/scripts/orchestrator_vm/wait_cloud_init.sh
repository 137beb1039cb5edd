#!/usr/bin/env bash
# Waits until cloud-init has finished on the orchestrator VM (Docker and the compose plugin are
# installed by it), so later steps never race the first boot.
# Exit code of `cloud-init status --wait`: 0 done, 1 failed, 2 done with recoverable errors
# (newer cloud-init also reports deprecated config keys this way): 2 is accepted with a warning.
set -uo pipefail

cloud-init status --wait >/dev/null
code=$?
case "$code" in
  0) echo "cloud-init: done" ;;
  2) echo "cloud-init: done with recoverable errors (see: sudo cloud-init status --long)" ;;
  *)
    echo "cloud-init failed (exit $code); details on the VM: sudo cloud-init status --long," \
      "sudo tail -n 100 /var/log/cloud-init-output.log" >&2
    exit 1
    ;;
esac
if ! command -v docker >/dev/null; then
  echo "cloud-init finished but docker is not installed: check the VM's cloud-init user-data" >&2
  exit 1
fi
