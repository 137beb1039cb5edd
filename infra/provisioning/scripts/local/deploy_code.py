"""Deploy the job code to the code bucket, content-addressed.

Uploads the spark-submit entry files (jobs/entrypoints/*.py) one by one and the `fraud_jobs`
package as one zip for `--py-files`. Each object carries the SHA-256 of its content in its metadata;
an object whose stored hash equals the local one is not uploaded again. The zip is built
deterministically (sorted names, fixed timestamps) so unchanged sources give an unchanged hash.
Prints a JSON manifest {key: sha256} on stdout (stored in the Pulumi state: no secrets).

With --mlflow-credentials-key KEY it also stores the training job's MLflow login, JSON {"username",
"password"} taken from the MLFLOW_CLIENT_CREDENTIALS environment variable, at KEY (same hash rule). The cluster
reads it with its service account, so no password goes into a Data Proc job's spec. For that object only the
key and the action are printed: neither its content nor its hash reaches stdout, stderr or the Pulumi state.

Usage: deploy_code.py --bucket CODE_BUCKET --prefix jobs/ --jobs-dir jobs [--mlflow-credentials-key KEY] [--dry-run]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import sys
import zipfile
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from s3_env import (  # noqa: E402
    ACCESS_WAIT_SECONDS,
    AccessError,
    ConfigError,
    client_from_env,
    fail,
    head_or_none,
    with_access_wait,
)

SHA_META = "sha256"
CREDENTIALS_ENV = "MLFLOW_CLIENT_CREDENTIALS"
CREDENTIAL_FIELDS = ("username", "password")
PACKAGE = "fraud_jobs"
# Fixed zip entry time: file times must not change the archive's hash.
ZIP_EPOCH = (2019, 8, 22, 0, 0, 0)


def is_source_file(path: Path) -> bool:
    # Same rule as the trigger hash in isSourceFile in infra/provisioning/files.ts: everything but build/caches.
    parts = set(path.parts)
    return (
        path.is_file()
        and "__pycache__" not in parts
        and not any(p.endswith(".egg-info") for p in path.parts)
        and path.suffix != ".pyc"
    )


def package_zip(jobs_dir: Path) -> bytes:
    root = jobs_dir / PACKAGE
    if not (root / "__init__.py").is_file():
        raise ConfigError(f"{root}/__init__.py not found: --jobs-dir must be the jobs/ folder of this repository")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in root.rglob("*") if is_source_file(p)):
            info = zipfile.ZipInfo(path.relative_to(jobs_dir).as_posix(), ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def artifacts(jobs_dir: Path, prefix: str) -> List[Tuple[str, bytes]]:
    entry_dir = jobs_dir / "entrypoints"
    entries = sorted(p for p in entry_dir.glob("*.py") if is_source_file(p)) if entry_dir.is_dir() else []
    found = [(prefix + "entrypoints/" + p.name, p.read_bytes()) for p in entries]
    return found + [(prefix + PACKAGE + ".zip", package_zip(jobs_dir))]


def credentials_body(env: Mapping[str, str]) -> bytes:
    """The MLflow login to upload, checked before anything is touched; errors never quote the value."""
    fix = f'export {CREDENTIALS_ENV}=\'{{"username": "...", "password": "..."}}\' (the Pulumi program sets it)'
    text = env.get(CREDENTIALS_ENV, "")
    if not text:
        raise ConfigError(f"--mlflow-credentials-key needs the environment variable {CREDENTIALS_ENV}: {fix}")
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict) or not all(isinstance(parsed.get(f), str) and parsed[f] for f in CREDENTIAL_FIELDS):
        raise ConfigError(f"{CREDENTIALS_ENV} must be a JSON object with non-empty username and password: {fix}")
    return text.encode("utf-8")


def put_if_changed(
    client, bucket: str, key: str, body: bytes, dry_run: bool, access_wait_seconds: float = ACCESS_WAIT_SECONDS
) -> Tuple[str, str]:
    """Uploads `body` unless the object's stored hash equals its own; returns (action, sha256).
    AccessDenied is retried for `access_wait_seconds` (grants created by the same `pulumi up`)."""
    digest = hashlib.sha256(body).hexdigest()
    uri = f"s3://{bucket}/{key}"

    def progress(message: str) -> None:
        print(message, file=sys.stderr)

    def wait_access(operation, *args, **kwargs):
        return with_access_wait(uri, operation, *args, wait_seconds=access_wait_seconds, log=progress, **kwargs)

    head = None if client is None else wait_access(head_or_none, client, bucket, key)
    if head is not None and head.get("Metadata", {}).get(SHA_META) == digest:
        return "unchanged", digest
    if dry_run:
        return "would upload", digest
    wait_access(client.put_object, Bucket=bucket, Key=key, Body=body, Metadata={SHA_META: digest})
    return "uploaded", digest


def deploy(
    client,
    bucket: str,
    prefix: str,
    jobs_dir: Path,
    dry_run: bool = False,
    access_wait_seconds: float = ACCESS_WAIT_SECONDS,
) -> Dict[str, dict]:
    manifest = {}
    for key, body in artifacts(jobs_dir, prefix):
        action, digest = put_if_changed(client, bucket, key, body, dry_run, access_wait_seconds)
        # Progress on stderr: stdout carries only the manifest.
        print(f"{action}: s3://{bucket}/{key} ({len(body)} B, sha256 {digest[:12]})", file=sys.stderr)
        manifest[key] = {"sha256": digest, "action": action}
    return manifest


def deploy_credentials(
    client, bucket: str, key: str, body: bytes, dry_run: bool = False, access_wait_seconds: float = ACCESS_WAIT_SECONDS
) -> Dict[str, dict]:
    action, _ = put_if_changed(client, bucket, key, body, dry_run, access_wait_seconds)
    # Key and action only: the hash of a secret is not for logs or the Pulumi state either.
    print(f"{action}: s3://{bucket}/{key}", file=sys.stderr)
    return {key: {"action": action}}


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--prefix", default="jobs/")
    parser.add_argument("--jobs-dir", type=Path, default=Path("jobs"))
    parser.add_argument(
        "--mlflow-credentials-key",
        metavar="KEY",
        help=f"also store the jobs' MLflow login (JSON in ${CREDENTIALS_ENV}) at this key of the bucket",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="compare with the bucket (if reachable) but upload nothing"
    )
    parser.add_argument(
        "--access-wait-seconds",
        type=float,
        default=ACCESS_WAIT_SECONDS,
        help="how long AccessDenied is retried while fresh grants take effect",
    )
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    wait = args.access_wait_seconds
    if args.prefix and not args.prefix.endswith("/"):
        return fail("--prefix must end with '/' (for example jobs/)")
    try:
        credentials = credentials_body(os.environ) if args.mlflow_credentials_key else None
        client = None if args.dry_run and "S3_ENDPOINT" not in os.environ else client_from_env()
        manifest = deploy(client, args.bucket, args.prefix, args.jobs_dir, args.dry_run, wait)
        if credentials is not None:
            key = args.mlflow_credentials_key
            manifest.update(deploy_credentials(client, args.bucket, key, credentials, args.dry_run, wait))
    except (ConfigError, AccessError) as err:
        return fail(str(err))
    print(json.dumps(manifest, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
