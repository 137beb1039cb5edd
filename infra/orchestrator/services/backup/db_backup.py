"""Back up and restore the orchestrator's PostgreSQL databases (Airflow, MLflow, MLflow auth) in Object Storage.

Runs in the `db-backup` and `db-restore` services of the VM's compose project (image: the PostgreSQL image
of the database server plus Python and boto3, so pg_dump is the server's own version).

  backup            dump every database (pg_dump -Fc) to <prefix><UTC stamp>/<db>.dump, then write
                    <prefix><UTC stamp>/manifest.json last: a backup without a manifest is incomplete and ignored.
  schedule          backup now, then every --interval-hours (a failed backup is logged and retried sooner).
  restore           restore one backup (--backup STAMP, default the newest) into EMPTY databases only.
  restore-if-fresh  at boot: when every database is empty and a backup exists, restore the newest;
                    when every database has tables, do nothing; a mix stops with an error.
  list              print the complete backups, oldest first.

Connection: libpq's PGHOST/PGPORT/PGUSER; the password is read from the variable named by --password-env
(never from the command line). S3: boto3's usual AWS_* variables, --s3-endpoint for Object Storage.
"""

import argparse
import datetime
import hashlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from typing import Dict, List, Optional, Sequence

import boto3

LOG = logging.getLogger("db_backup")
MANIFEST = "manifest.json"
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
RETRY_AFTER_FAILURE_SECONDS = 15 * 60


class BackupError(Exception):
    """A problem the operator must fix; printed without a traceback."""


class Postgres:
    """pg_dump / pg_restore / psql with the password in the child's environment only."""

    def __init__(self, password_env: str, bin_dir: str) -> None:
        password = os.environ.get(password_env)
        if not password:
            raise BackupError("the variable {} (the PostgreSQL superuser's password) is not set".format(password_env))
        self.env = dict(os.environ, PGPASSWORD=password)
        self.bin_dir = bin_dir

    def _tool(self, name: str) -> str:
        return os.path.join(self.bin_dir, name) if self.bin_dir else name

    def run(self, tool: str, args: Sequence[str]) -> str:
        result = subprocess.run(
            [self._tool(tool)] + list(args),
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            universal_newlines=True,
        )
        if result.returncode != 0:
            raise BackupError("{} {} failed: {}".format(tool, " ".join(args), result.stderr.strip()))
        return result.stdout

    def table_count(self, database: str) -> int:
        query = "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        return int(self.run("psql", ["--no-psqlrc", "-X", "-A", "-t", "-d", database, "-c", query]).strip())

    def version(self) -> str:
        return self.run("pg_dump", ["--version"]).strip()

    def dump(self, database: str, path: str) -> None:
        self.run("pg_dump", ["--format=custom", "--file", path, "--dbname", database])

    def restore(self, database: str, path: str) -> None:
        # One transaction: a failing restore leaves the database as empty as it was.
        self.run("pg_restore", ["--single-transaction", "--exit-on-error", "--dbname", database, path])


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class BackupStore:
    def __init__(self, bucket: str, prefix: str, endpoint: Optional[str]) -> None:
        if prefix and not prefix.endswith("/"):
            raise BackupError("--prefix must end with '/' (got {!r})".format(prefix))
        self.bucket = bucket
        self.prefix = prefix
        self.s3 = boto3.client("s3", endpoint_url=endpoint)

    def stamps(self) -> List[str]:
        """Complete backups (those with a manifest), oldest first."""
        stamps = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                parts = item["Key"][len(self.prefix) :].split("/")
                if len(parts) == 2 and parts[1] == MANIFEST:
                    stamps.append(parts[0])
        return sorted(stamps)

    def key(self, stamp: str, name: str) -> str:
        return "{}{}/{}".format(self.prefix, stamp, name)

    def upload(self, path: str, key: str) -> None:
        self.s3.upload_file(path, self.bucket, key)

    def download(self, key: str, path: str) -> None:
        self.s3.download_file(self.bucket, key, path)

    def manifest(self, stamp: str) -> Dict[str, object]:
        body = self.s3.get_object(Bucket=self.bucket, Key=self.key(stamp, MANIFEST))["Body"].read()
        return json.loads(body.decode("utf-8"))

    def put_manifest(self, stamp: str, manifest: Dict[str, object]) -> None:
        body = json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8")
        self.s3.put_object(Bucket=self.bucket, Key=self.key(stamp, MANIFEST), Body=body, ContentType="application/json")


def backup(store: BackupStore, postgres: Postgres, databases: Sequence[str], now: datetime.datetime) -> str:
    stamp = now.strftime(STAMP_FORMAT)
    entries = {}
    with tempfile.TemporaryDirectory(prefix="db-backup-") as workdir:
        for database in databases:
            path = os.path.join(workdir, database + ".dump")
            postgres.dump(database, path)
            key = store.key(stamp, database + ".dump")
            store.upload(path, key)
            entries[database] = {"key": key, "bytes": os.path.getsize(path), "sha256": sha256_of(path)}
            LOG.info("dumped %s: %d bytes to s3://%s/%s", database, entries[database]["bytes"], store.bucket, key)
    # Written last: its presence marks the backup complete.
    store.put_manifest(stamp, {"created": now.isoformat(), "pg_dump": postgres.version(), "databases": entries})
    LOG.info("backup %s complete (%d databases)", stamp, len(entries))
    return stamp


def restore(store: BackupStore, postgres: Postgres, databases: Sequence[str], stamp: Optional[str]) -> str:
    stamps = store.stamps()
    if not stamps:
        raise BackupError("no complete backup under s3://{}/{}".format(store.bucket, store.prefix))
    if stamp is None:
        stamp = stamps[-1]
    elif stamp not in stamps:
        raise BackupError("backup {} not found; complete backups: {}".format(stamp, ", ".join(stamps)))
    occupied = [db for db in databases if postgres.table_count(db) > 0]
    if occupied:
        raise BackupError(
            "databases {} already hold tables; restore only writes into empty databases (nothing was changed). "
            "To replace them, stop the services, drop and recreate those databases (as the PostgreSQL init "
            "script does), then restore again".format(", ".join(occupied))
        )
    manifest = store.manifest(stamp)
    entries = manifest["databases"]
    assert isinstance(entries, dict)
    missing = [db for db in databases if db not in entries]
    if missing:
        raise BackupError("backup {} has no dump of {}".format(stamp, ", ".join(missing)))
    with tempfile.TemporaryDirectory(prefix="db-restore-") as workdir:
        paths = {}
        # Download and verify every dump before touching any database.
        for database in databases:
            path = os.path.join(workdir, database + ".dump")
            store.download(entries[database]["key"], path)
            if sha256_of(path) != entries[database]["sha256"]:
                raise BackupError("dump {} of backup {} does not match its manifest checksum".format(database, stamp))
            paths[database] = path
        for database in databases:
            postgres.restore(database, paths[database])
            LOG.info("restored %s from backup %s", database, stamp)
    return stamp


def restore_if_fresh(store: BackupStore, postgres: Postgres, databases: Sequence[str]) -> Optional[str]:
    counts = {db: postgres.table_count(db) for db in databases}
    empty = [db for db, count in counts.items() if count == 0]
    if not empty:
        LOG.info("databases %s already hold data: nothing to restore", ", ".join(databases))
        return None
    if len(empty) != len(databases):
        raise BackupError(
            "databases {} are empty but {} are not: restore them by hand (`restore --backup STAMP` after dropping "
            "and recreating the others) or start without a restore".format(
                ", ".join(empty), ", ".join(db for db in databases if db not in empty)
            )
        )
    if not store.stamps():
        LOG.info("fresh databases and no backup under s3://%s/%s: starting empty", store.bucket, store.prefix)
        return None
    return restore(store, postgres, databases, None)


def schedule(store: BackupStore, postgres: Postgres, databases: Sequence[str], interval_hours: float) -> None:
    while True:
        wait = interval_hours * 3600
        try:
            backup(store, postgres, databases, datetime.datetime.now(datetime.timezone.utc))
        except Exception:  # noqa: BLE001 - keep the schedule alive; the log says what failed
            LOG.exception("backup failed; retrying in %d minutes", RETRY_AFTER_FAILURE_SECONDS // 60)
            wait = min(wait, RETRY_AFTER_FAILURE_SECONDS)
        time.sleep(wait)


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["backup", "schedule", "restore", "restore-if-fresh", "list"])
    parser.add_argument("--bucket", required=True, help="bucket name (without s3://)")
    parser.add_argument("--prefix", required=True, help="key prefix of the backups, ending with '/'")
    parser.add_argument("--databases", default="airflow,mlflow,mlflow_auth", help="comma-separated database names")
    parser.add_argument("--s3-endpoint", default=None, help="S3 API endpoint, e.g. https://storage.yandexcloud.net")
    parser.add_argument("--password-env", default="PGPASSWORD", help="variable holding the superuser's password")
    parser.add_argument("--pg-bin", default="", help="folder of pg_dump, pg_restore and psql (default: PATH)")
    parser.add_argument("--interval-hours", type=float, default=24.0, help="schedule: hours between backups")
    parser.add_argument("--backup", default=None, help="restore: the backup's stamp (default: the newest)")
    args = parser.parse_args(argv)
    if args.interval_hours <= 0:
        parser.error("--interval-hours must be positive (got {})".format(args.interval_hours))
    args.databases = [db for db in args.databases.split(",") if db]
    if not args.databases:
        parser.error("--databases names no database")
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    args = parse_args(argv)
    try:
        store = BackupStore(args.bucket, args.prefix, args.s3_endpoint)
        if args.command == "list":
            for stamp in store.stamps():
                print(stamp)
            return 0
        postgres = Postgres(args.password_env, args.pg_bin)
        if args.command == "backup":
            backup(store, postgres, args.databases, datetime.datetime.now(datetime.timezone.utc))
        elif args.command == "schedule":
            schedule(store, postgres, args.databases, args.interval_hours)
        elif args.command == "restore":
            restore(store, postgres, args.databases, args.backup)
        else:
            restore_if_fresh(store, postgres, args.databases)
    except BackupError as error:
        LOG.error("%s", error)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
