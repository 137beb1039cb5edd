"""Install the rendered orchestrator files on the VM, start or update the services, wait for health.

Runs on the orchestrator VM as root (Python 3.8+, standard library only). The bundle arrives as JSON
on stdin so secret files (env files) never appear on a command line:
  {"files":       [{"path": "/opt/fraud-mlops/compose/docker-compose.yaml", "content": "...", "mode": 420}],
   "secretFiles": [{"path": "/opt/fraud-mlops/secrets/airflow.env", "content": "...", "mode": 384}],
   "compose": {"file": "/opt/fraud-mlops/compose/docker-compose.yaml", "bootUnit": "/opt/.../x.service"},
   "health": [{"name": "airflow", "url": "http://127.0.0.1:8080/api/v2/monitor/health"}, ...]}
Every path must lie under --root. Files are written atomically, created with their final mode, and only
when their content changed; files written by an earlier run that left the bundle are removed. Then
`docker compose up` (idempotent: only changed services are recreated) and a poll of every health URL.
Compose recreates a service when its own settings change, not when a file it mounts does; a rewritten
file is a new inode, which a single-file bind mount (or a file secret) never shows to a running container.
So every service that mounts a changed file one by one is recreated too (the rendered compose mounts
folders, which see the new file; this covers any single-file mount that remains). Nothing from the bundle
is echoed.

Usage: sudo -n python3 deploy_orchestrator.py --root /opt/fraud-mlops < bundle.json
       --no-compose: skip compose and systemd (local tests: no Docker engine, no systemd)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shlex
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Set, Tuple

MANIFEST = ".provisioning-manifest.json"


class BundleError(Exception):
    pass


def _inside(root: Path, path: str) -> bool:
    candidate = Path(path)
    return candidate.is_absolute() and ".." not in candidate.parts and root in candidate.parents


def parse_bundle(text: str, root: Path) -> dict:
    try:
        bundle = json.loads(text)
    except ValueError as err:
        raise BundleError(f"stdin is not a JSON bundle ({err.__class__.__name__})") from None
    entries = bundle.get("files", []) + bundle.get("secretFiles", [])
    paths = [entry.get("path", "") for entry in entries]
    for path in paths:
        if not _inside(root, path) or Path(path).name == MANIFEST:
            raise BundleError(f"bundle path {path!r} must be an absolute path under {root} (and not {MANIFEST})")
    duplicates = sorted({p for p in paths if paths.count(p) > 1})
    if duplicates:
        raise BundleError(f"paths listed twice in the bundle: {duplicates}")
    for entry in entries:
        if not isinstance(entry.get("content"), str) or not isinstance(entry.get("mode"), int):
            raise BundleError(f"bundle entry {entry.get('path')!r} needs a string content and an integer mode")
    for entry in bundle.get("secretFiles", []):
        if entry["mode"] & 0o077:
            raise BundleError(
                f"secret file {entry['path']!r} must not be readable by group or others (mode {entry['mode']:o})"
            )
    for check in bundle.get("health", []):
        if not str(check.get("url", "")).startswith(("http://", "https://")) or not check.get("name"):
            raise BundleError(f"health check needs a name and an http(s) url: {sorted(check)}")
    compose = bundle.get("compose") or {}
    for key in ("file", "bootUnit"):
        if compose.get(key) and compose[key] not in paths:
            raise BundleError(f"compose.{key} {compose[key]!r} is not one of the bundle's files")
    return bundle


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def write_if_changed(path: Path, content: str, mode: int) -> bool:
    data = content.encode()
    if path.is_file() and _digest(path.read_bytes()) == _digest(data):
        os.chmod(path, mode)
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name("." + path.name + ".tmp")
    # Created with its final mode: a secret file is never readable by others, not even briefly.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(tmp, mode)
    os.replace(tmp, path)
    return True


def install(root: Path, entries: List[dict]) -> Tuple[Dict[str, int], Set[str]]:
    """Writes the entries, removes files an earlier bundle had; returns the counts and the touched paths."""
    root.mkdir(parents=True, exist_ok=True)
    manifest_path = root / MANIFEST
    previous = set(json.loads(manifest_path.read_text())) if manifest_path.is_file() else set()
    touched = {e["path"] for e in entries if write_if_changed(Path(e["path"]), e["content"], e["mode"])}
    current = {e["path"] for e in entries}
    removed = 0
    for stale in sorted(previous - current):
        if Path(stale).is_file() and _inside(root, stale):
            Path(stale).unlink()
            touched.add(stale)
            removed += 1
    manifest_path.write_text(json.dumps(sorted(current)))
    counts = {"changed": len(touched) - removed, "unchanged": len(current) - len(touched) + removed, "removed": removed}
    return counts, touched


def single_file_mounts(project: dict) -> Dict[str, Set[str]]:
    """Service -> host paths it mounts one by one: bind volumes and file secrets.

    `project` is the resolved project of `docker compose config --format json` (paths absolute). A bind
    source that is a folder is left out: the container sees the files replaced inside it.
    """
    secret_files = {name: spec.get("file") for name, spec in (project.get("secrets") or {}).items()}
    mounts: Dict[str, Set[str]] = {}
    for name, service in (project.get("services") or {}).items():
        sources = {v.get("source", "") for v in service.get("volumes") or [] if v.get("type") == "bind"}
        sources |= {secret_files.get(s.get("source")) or "" for s in service.get("secrets") or []}
        mounts[name] = {s for s in sources if s and not Path(s).is_dir()}
    return mounts


def services_to_recreate(project: dict, touched: Set[str]) -> List[str]:
    return sorted(name for name, files in single_file_mounts(project).items() if files & touched)


def is_healthy(status: int, body: str) -> bool:
    if status != 200:
        return False
    try:
        parsed = json.loads(body)
    except ValueError:
        return True  # MLflow answers the plain text "OK"
    # Airflow answers {"metadatabase": {"status": "healthy"}, "scheduler": {"status": "healthy", ...},
    # "triggerer": {"status": null}}: null means "not deployed", anything else must be healthy.
    statuses = [v.get("status") for v in parsed.values() if isinstance(v, dict)] if isinstance(parsed, dict) else []
    reported = [s for s in statuses if s is not None]
    return bool(reported) and all(s == "healthy" for s in reported)


def probe(url: str) -> Tuple[bool, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            body = response.read(4096).decode(errors="replace")
            return is_healthy(response.status, body), f"HTTP {response.status}"
    except urllib.error.HTTPError as err:
        return False, f"HTTP {err.code}"
    except (urllib.error.URLError, OSError) as err:
        return False, err.__class__.__name__


def wait_healthy(checks: List[dict], timeout: float, interval: float = 5.0) -> List[str]:
    deadline = time.monotonic() + timeout
    pending = {c["name"]: c["url"] for c in checks}
    last: Dict[str, str] = {}
    while pending:
        for name, url in list(pending.items()):
            ok, last[name] = probe(url)
            if ok:
                print(f"healthy: {name} ({url})", flush=True)
                del pending[name]
        if pending and time.monotonic() >= deadline:
            return [
                f"{name} at {url} not healthy after {timeout:.0f}s (last: {last[name]})"
                for name, url in pending.items()
            ]
        if pending:
            time.sleep(interval)
    return []


def resolved_project(base: Sequence[str]) -> dict:
    # Captured, never printed: the resolved project holds the env files' secrets.
    result = subprocess.run(list(base) + ["config", "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if result.returncode != 0:
        raise BundleError(
            f"docker compose config failed (exit {result.returncode}); on the VM: docker compose config -q"
        )
    return json.loads(result.stdout)


def _up(base: Sequence[str], compose_file: Path, extra: Sequence[str]) -> None:
    # stdout discarded: compose may print resolved configuration; its progress goes to stderr.
    result = subprocess.run(
        list(base) + ["up", "--detach", "--build", "--wait", "--wait-timeout", "900", *extra],
        stdout=subprocess.DEVNULL,
    )
    if result.returncode != 0:
        subprocess.run(list(base) + ["ps", "--all", "--format", "table {{.Service}}\t{{.State}}\t{{.Status}}"])
        raise BundleError(
            f"docker compose up failed (exit {result.returncode}); on the VM: "
            f"cd {compose_file.parent} && sudo docker compose logs --tail 100 <service>"
        )


def compose_up(compose_cmd: Sequence[str], compose: dict, touched: Set[str]) -> None:
    compose_file = Path(compose["file"])
    base = list(compose_cmd) + ["--project-directory", str(compose_file.parent), "-f", str(compose_file)]
    stale = services_to_recreate(resolved_project(base), touched)
    _up(base, compose_file, ["--remove-orphans"])
    if stale:
        _up(base, compose_file, ["--no-deps", "--force-recreate", *stale])
        print(f"compose: recreated {', '.join(stale)} (a file mounted on its own changed)", flush=True)
    if compose.get("bootUnit"):
        # Brings the project up again after a reboot; `enable` of a unit file path links it (idempotent).
        for command in (["systemctl", "enable", compose["bootUnit"]], ["systemctl", "daemon-reload"]):
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, required=True, help="every bundle path must be under it")
    parser.add_argument("--compose", default="docker compose", help="compose command (split like a shell)")
    parser.add_argument("--no-compose", action="store_true")
    parser.add_argument("--health-timeout", type=float, default=900)
    parser.add_argument("--health-interval", type=float, default=5)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    root = args.root.resolve()
    try:
        bundle = parse_bundle(sys.stdin.read(), root)
        if not args.no_compose and not (bundle.get("compose") or {}).get("file"):
            raise BundleError("the bundle names no compose file (compose.file)")
        counts, touched = install(root, bundle.get("files", []) + bundle.get("secretFiles", []))
        print("files: " + ", ".join(f"{k} {v}" for k, v in counts.items()), flush=True)
        if args.no_compose:
            print("compose: skipped (--no-compose)")
        else:
            compose_up(shlex.split(args.compose), bundle["compose"], touched)
            print("compose: services up", flush=True)
        problems = wait_healthy(bundle.get("health", []), args.health_timeout, args.health_interval)
    except BundleError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
