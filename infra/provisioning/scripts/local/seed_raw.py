"""Seed the raw bucket: server-side copy of dataset files from the first source location that has them.

The sources (`--source s3://bucket/prefix/`, in order) are probed with HEAD requests: the first where every
requested file exists is used, and the log says which. When none has them, the error names every location
tried and why, and the settings that pick one. Before that, the script waits (bounded) until the storage
key may read the target bucket: grants created by the same `pulumi up` take a while to act.

No byte passes through this machine: each file is one S3 CopyObject request. Idempotent: a target
object with the same size and the same ETag as its source (or the source ETag recorded in its
metadata at copy time, for buckets whose encryption changes ETags) is skipped, so an interrupted run
resumes where it stopped. Progress goes to stdout (stored in the Pulumi state: no secrets in it).

Usage (credentials and endpoint from the environment, see s3_env.py):
  seed_raw.py --source s3://mlops-data/fraud-data/ --source s3://otus-mlops-source-data/ \
              --target-bucket RAW --target-prefix raw/ --file 2019-08-22.txt [--file ...]
  seed_raw.py ... --delete --file 2019-08-22.txt     (removes the seeded copy: subset shrank or destroy)
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence, Tuple

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from s3_env import (  # noqa: E402
    ACCESS_WAIT_SECONDS,
    SINGLE_COPY_LIMIT,
    AccessError,
    ConfigError,
    client_from_env,
    copy_read_timeout_seconds,
    fail,
    head_or_none,
    strip_etag,
    with_access_wait,
)

SOURCE_ETAG_META = "source-etag"
# Answers that mean "this location does not have the file for us": try the next one.
ABSENT_CODES = ("404", "NoSuchKey", "NoSuchBucket", "NotFound")
NOT_READABLE_CODES = ("403", "AccessDenied")
SETTINGS_FIX = (
    "set where the dataset is: pulumi config set --path 'fraud-mlops:seed.sourceBucket' BUCKET and "
    "pulumi config set --path 'fraud-mlops:seed.sourcePrefix' FOLDER/ (leave it unset for the bucket root)"
)


@dataclass(frozen=True)
class Source:
    bucket: str
    prefix: str

    def uri(self, name: str = "") -> str:
        return f"s3://{self.bucket}/{_join(self.prefix, name)}"


def parse_source(text: str) -> Source:
    bucket, _, prefix = text[len("s3://") :].partition("/") if text.startswith("s3://") else ("", "", "")
    if not bucket or (prefix and not prefix.endswith("/")):
        raise argparse.ArgumentTypeError(f"{text!r} is not s3://BUCKET/ or s3://BUCKET/FOLDER/")
    return Source(bucket, prefix)


@dataclass(frozen=True)
class Outcome:
    name: str
    action: str  # "copied" | "skipped" | "deleted" | "absent"
    size: int
    seconds: float


def _join(prefix: str, name: str) -> str:
    return prefix + name if not prefix or prefix.endswith("/") else prefix + "/" + name


def is_same_object(source_head: dict, target_head: Optional[dict]) -> bool:
    if target_head is None or target_head["ContentLength"] != source_head["ContentLength"]:
        return False
    source_etag = strip_etag(source_head["ETag"])
    recorded = target_head.get("Metadata", {}).get(SOURCE_ETAG_META)
    return strip_etag(target_head["ETag"]) == source_etag or recorded == source_etag


def _source_head(client, source: Source, name: str) -> Tuple[Optional[dict], str]:
    """(head, "") when the file is readable there, else (None, why not)."""
    from botocore.exceptions import ClientError

    try:
        return client.head_object(Bucket=source.bucket, Key=_join(source.prefix, name)), ""
    except ClientError as err:
        code = err.response.get("Error", {}).get("Code")
        if code in ABSENT_CODES:
            return None, f"{name} not found"
        if code in NOT_READABLE_CODES:
            return None, f"{name} not readable with the storage key (access denied)"
        raise


def probe(client, sources: Sequence[Source], names: Sequence[str], log: Callable[[str], None] = print):
    """The first source with every file, and the files' heads; ConfigError naming every location tried."""
    tried = []
    for source in sources:
        heads = []
        for name in names:
            head, why_not = _source_head(client, source, name)
            if head is None:
                tried.append(f"{source.uri()} ({why_not})")
                break
            heads.append(head)
        else:
            log(f"source: {source.uri()} has the files (location {len(tried) + 1} of {len(sources)} probed)")
            return source, heads
    raise ConfigError(f"no source location has {', '.join(names)}: tried {'; '.join(tried)}. {SETTINGS_FIX}")


def seed(
    client,
    sources: Sequence[Source],
    target_bucket: str,
    target_prefix: str,
    names: Sequence[str],
    log: Callable[[str], None] = print,
    after_each: Callable[[Outcome], None] = lambda _outcome: None,
    access_wait_seconds: float = ACCESS_WAIT_SECONDS,
) -> List[Outcome]:
    def wait_access(what: str, operation, *args, **kwargs):
        return with_access_wait(what, operation, *args, wait_seconds=access_wait_seconds, log=log, **kwargs)

    # The key must work on the target first: until it does, a source's "access denied" would mean nothing.
    first_target = _join(target_prefix, names[0])
    wait_access(f"s3://{target_bucket}/{first_target}", head_or_none, client, target_bucket, first_target)
    # Check every source file first: a wrong location or file name fails before anything is copied.
    source, heads = probe(client, sources, names, log)
    for name, head in zip(names, heads):
        if head["ContentLength"] > SINGLE_COPY_LIMIT:
            raise ConfigError(f"{source.uri(name)} is {head['ContentLength']} B, above the 5 GB single-copy limit")
    outcomes = []
    for index, (name, head) in enumerate(zip(names, heads), start=1):
        started = time.monotonic()
        source_key, target_key = _join(source.prefix, name), _join(target_prefix, name)
        size = head["ContentLength"]
        target_uri = f"s3://{target_bucket}/{target_key}"
        if is_same_object(head, wait_access(target_uri, head_or_none, client, target_bucket, target_key)):
            action = "skipped"
        else:
            log(f"[{index}/{len(names)}] copying {name} ({size / 1e9:.2f} GB) from {source.uri()} to {target_uri}")
            wait_access(
                target_uri,
                client.copy_object,
                Bucket=target_bucket,
                Key=target_key,
                CopySource={"Bucket": source.bucket, "Key": source_key},
                MetadataDirective="REPLACE",
                Metadata={SOURCE_ETAG_META: strip_etag(head["ETag"])},
                ContentType="text/plain",
            )
            action = "copied"
        outcome = Outcome(name, action, size, round(time.monotonic() - started, 3))
        log(f"[{index}/{len(names)}] {action} {name} in {outcome.seconds:.1f}s")
        outcomes.append(outcome)
        after_each(outcome)
    return outcomes


def unseed(
    client,
    target_bucket: str,
    target_prefix: str,
    names: Sequence[str],
    log=print,
    access_wait_seconds: float = ACCESS_WAIT_SECONDS,
) -> List[Outcome]:
    outcomes = []
    for name in names:
        key = _join(target_prefix, name)
        uri = f"s3://{target_bucket}/{key}"
        wait = access_wait_seconds
        head = with_access_wait(uri, head_or_none, client, target_bucket, key, wait_seconds=wait, log=log)
        if head is not None:
            client.delete_object(Bucket=target_bucket, Key=key)
        outcome = Outcome(name, "deleted" if head else "absent", head["ContentLength"] if head else 0, 0.0)
        log(f"{outcome.action} s3://{target_bucket}/{key}")
        outcomes.append(outcome)
    return outcomes


def copy_client():
    """The S3 client of the copies: its read timeout outlasts the largest single CopyObject."""
    return client_from_env(read_timeout=copy_read_timeout_seconds())


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--source",
        dest="sources",
        action="append",
        type=parse_source,
        default=[],
        metavar="s3://BUCKET/[FOLDER/]",
        help="where the files may be; repeat to probe several in order (required unless --delete)",
    )
    parser.add_argument("--target-bucket", required=True)
    parser.add_argument("--target-prefix", default="")
    parser.add_argument("--file", dest="files", action="append", required=True, help="file name under the prefix")
    parser.add_argument("--delete", action="store_true", help="delete the seeded copies instead")
    parser.add_argument(
        "--access-wait-seconds",
        type=float,
        default=ACCESS_WAIT_SECONDS,
        help="how long AccessDenied is retried while fresh grants take effect",
    )
    args = parser.parse_args(argv)
    if not args.delete and not args.sources:
        parser.error("--source is required (unless --delete)")
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        client = copy_client()
        if args.delete:
            wait = args.access_wait_seconds
            unseed(client, args.target_bucket, args.target_prefix, args.files, access_wait_seconds=wait)
            return 0
        outcomes = seed(
            client,
            args.sources,
            args.target_bucket,
            args.target_prefix,
            args.files,
            access_wait_seconds=args.access_wait_seconds,
        )
    except (ConfigError, AccessError) as err:
        return fail(str(err))
    copied = sum(1 for o in outcomes if o.action == "copied")
    print(f"seed done: {copied} copied, {len(outcomes) - copied} skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
