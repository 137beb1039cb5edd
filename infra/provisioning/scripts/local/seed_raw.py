"""Seed the raw bucket: server-side copy of dataset files from the public source bucket.

No byte passes through this machine: each file is one S3 CopyObject request. Idempotent: a target
object with the same size and the same ETag as its source (or the source ETag recorded in its
metadata at copy time, for buckets whose encryption changes ETags) is skipped, so an interrupted run
resumes where it stopped. Progress goes to stdout (stored in the Pulumi state: no secrets in it).

Usage (credentials and endpoint from the environment, see s3_env.py):
  seed_raw.py --source-bucket mlops-data --source-prefix fraud-data/ \
              --target-bucket RAW --target-prefix raw/ --file 2019-08-22.txt [--file ...]
  seed_raw.py ... --delete --file 2019-08-22.txt     (removes the seeded copy: subset shrank or destroy)
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from s3_env import ConfigError, client_from_env, fail, head_or_none, strip_etag  # noqa: E402

# A single CopyObject request copies at most 5 GB (S3 and Yandex Object Storage limit).
SINGLE_COPY_LIMIT = 5 * 1024**3
SOURCE_ETAG_META = "source-etag"


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


def seed(
    client,
    source_bucket: str,
    source_prefix: str,
    target_bucket: str,
    target_prefix: str,
    names: Sequence[str],
    log: Callable[[str], None] = print,
    after_each: Callable[[Outcome], None] = lambda _outcome: None,
) -> List[Outcome]:
    # Check every source first: a wrong bucket/prefix/file name fails before anything is copied.
    heads = []
    for name in names:
        key = _join(source_prefix, name)
        head = head_or_none(client, source_bucket, key)
        if head is None:
            raise ConfigError(
                f"source object s3://{source_bucket}/{key} not found: check seed.sourceBucket, "
                "seed.sourcePrefix and the seed subset (seed.files / seed.fromDate / seed.toDate)"
            )
        if head["ContentLength"] > SINGLE_COPY_LIMIT:
            raise ConfigError(
                f"s3://{source_bucket}/{key} is {head['ContentLength']} B, above the 5 GB single-copy limit"
            )
        heads.append(head)
    outcomes = []
    for index, (name, head) in enumerate(zip(names, heads), start=1):
        started = time.monotonic()
        source_key, target_key = _join(source_prefix, name), _join(target_prefix, name)
        size = head["ContentLength"]
        if is_same_object(head, head_or_none(client, target_bucket, target_key)):
            action = "skipped"
        else:
            log(f"[{index}/{len(names)}] copying {name} ({size / 1e9:.2f} GB) to s3://{target_bucket}/{target_key}")
            client.copy_object(
                Bucket=target_bucket,
                Key=target_key,
                CopySource={"Bucket": source_bucket, "Key": source_key},
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


def unseed(client, target_bucket: str, target_prefix: str, names: Sequence[str], log=print) -> List[Outcome]:
    outcomes = []
    for name in names:
        key = _join(target_prefix, name)
        head = head_or_none(client, target_bucket, key)
        if head is not None:
            client.delete_object(Bucket=target_bucket, Key=key)
        outcome = Outcome(name, "deleted" if head else "absent", head["ContentLength"] if head else 0, 0.0)
        log(f"{outcome.action} s3://{target_bucket}/{key}")
        outcomes.append(outcome)
    return outcomes


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source-bucket", required=True)
    parser.add_argument("--source-prefix", default="")
    parser.add_argument("--target-bucket", required=True)
    parser.add_argument("--target-prefix", default="")
    parser.add_argument("--file", dest="files", action="append", required=True, help="file name under the prefix")
    parser.add_argument("--delete", action="store_true", help="delete the seeded copies instead")
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        client = client_from_env()
        if args.delete:
            unseed(client, args.target_bucket, args.target_prefix, args.files)
            return 0
        outcomes = seed(
            client, args.source_bucket, args.source_prefix, args.target_bucket, args.target_prefix, args.files
        )
    except ConfigError as err:
        return fail(str(err))
    copied = sum(1 for o in outcomes if o.action == "copied")
    print(f"seed done: {copied} copied, {len(outcomes) - copied} skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
