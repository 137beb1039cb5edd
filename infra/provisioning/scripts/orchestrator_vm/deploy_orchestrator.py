"""Install the rendered orchestrator bundle on the VM, start or update the services, wait for health.

Runs on the orchestrator VM (Python 3.8+, standard library only). The bundle arrives as JSON on
stdin so that secret files (the .env files) never appear on a command line:
  {"files": {"docker-compose.yml": "...", "dags/fraud_pipeline.py": "..."},
   "secretFiles": {".env": "..."},
   "health": [{"name": "airflow", "url": "http://127.0.0.1:8080/health"}, ...]}
Files are written atomically and only when their content changed; secret files get mode 0600;
files this script wrote before and that left the bundle are removed. Then `docker compose up -d`
(idempotent) and a poll of every health URL. Nothing from the bundle is echoed.

Usage: sudo -n python3 deploy_orchestrator.py --target /opt/fraud-mlops < bundle.json
       (--no-compose skips the compose step: for local tests where no Docker engine exists)
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
from typing import Dict, List, Optional, Sequence, Tuple

MANIFEST = ".provisioning-manifest.json"


class BundleError(Exception):
    pass


def parse_bundle(text: str) -> Tuple[Dict[str, str], Dict[str, str], List[dict]]:
    try:
        bundle = json.loads(text)
    except ValueError as err:
        raise BundleError(f"stdin is not a JSON bundle ({err.__class__.__name__})") from None
    files, secrets, health = bundle.get("files", {}), bundle.get("secretFiles", {}), bundle.get("health", [])
    for path in list(files) + list(secrets):
        parts = Path(path).parts
        if not path or Path(path).is_absolute() or ".." in parts or path == MANIFEST:
            raise BundleError(f"bundle path {path!r} must be relative, inside the target, not {MANIFEST}")
    overlap = set(files) & set(secrets)
    if overlap:
        raise BundleError(f"paths both in files and secretFiles: {sorted(overlap)}")
    for check in health:
        if not str(check.get("url", "")).startswith(("http://", "https://")) or not check.get("name"):
            raise BundleError(f"health check needs a name and an http(s) url: {sorted(check)}")
    return files, secrets, health


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def write_if_changed(target: Path, rel: str, content: str, secret: bool) -> bool:
    path = target / rel
    data = content.encode()
    mode = 0o600 if secret else 0o644
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


def install(target: Path, files: Dict[str, str], secrets: Dict[str, str]) -> Dict[str, int]:
    target.mkdir(parents=True, exist_ok=True)
    manifest_path = target / MANIFEST
    previous = set(json.loads(manifest_path.read_text())) if manifest_path.is_file() else set()
    changed = sum(write_if_changed(target, rel, text, False) for rel, text in files.items())
    changed += sum(write_if_changed(target, rel, text, True) for rel, text in secrets.items())
    current = set(files) | set(secrets)
    removed = 0
    for rel in sorted(previous - current):
        if (target / rel).is_file():
            (target / rel).unlink()
            removed += 1
    manifest_path.write_text(json.dumps(sorted(current)))
    return {"changed": changed, "unchanged": len(current) - changed, "removed": removed}


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
                print(f"healthy: {name} ({url})")
                del pending[name]
        if pending and time.monotonic() >= deadline:
            return [f"{name} at {url} not healthy after {timeout:.0f}s (last: {last[name]})" for name, url in pending.items()]
        if pending:
            time.sleep(interval)
    return []


def compose_up(compose: Sequence[str], target: Path) -> None:
    base = list(compose) + ["--project-directory", str(target), "-f", str(target / "docker-compose.yml")]
    # Output is not captured into our stdout: compose may print resolved environment on errors.
    result = subprocess.run(base + ["up", "-d", "--remove-orphans", "--quiet-pull"], stdout=subprocess.DEVNULL)
    if result.returncode != 0:
        subprocess.run(base + ["ps", "--all", "--format", "table {{.Service}}\t{{.State}}\t{{.Status}}"])
        raise BundleError(f"docker compose up failed (exit {result.returncode}); on the VM: cd {target} && docker compose logs")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", type=Path, required=True)
    parser.add_argument("--compose", default="docker compose", help="compose command (split like a shell)")
    parser.add_argument("--no-compose", action="store_true")
    parser.add_argument("--health-timeout", type=float, default=600)
    parser.add_argument("--health-interval", type=float, default=5)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        files, secrets, health = parse_bundle(sys.stdin.read())
        if not args.no_compose and "docker-compose.yml" not in files:
            raise BundleError("the bundle has no docker-compose.yml")
        counts = install(args.target, files, secrets)
        print("files: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        if args.no_compose:
            print("compose: skipped (--no-compose)")
        else:
            compose_up(shlex.split(args.compose), args.target)
            print("compose: services up")
        problems = wait_healthy(health, args.health_timeout, args.health_interval)
    except BundleError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
