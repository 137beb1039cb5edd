"""S3 client for Yandex Object Storage built from environment variables only.

Credentials come from the environment (set by Pulumi as secret values), never from arguments,
so they never appear in a command line, a process listing or the command's stored output.
"""

from __future__ import annotations

import math
import os
import sys
import time
from typing import Callable, Mapping, TypeVar

import tenacity

REQUIRED = ("S3_ENDPOINT", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
T = TypeVar("T")

# How long a fresh grant may take to act. Yandex Cloud documents no figure; other clouds' IAMs document about
# 2 minutes typically and 7 or more at worst, so 10 minutes, after which a missing grant is the likely cause.
ACCESS_WAIT_SECONDS = 600
# Error codes of a request the key is not (yet) allowed to make: a role or KMS grant not yet in effect, or a
# static key not yet known to the storage (HEAD answers carry no body, hence the bare status code).
ACCESS_DENIED_CODES = ("AccessDenied", "InvalidAccessKeyId", "403")

# CopyObject answers only when the copy is done, so the socket stays silent for the whole copy: the read
# timeout must exceed the time of the largest copy. One request copies at most 5 GiB (the scripts refuse
# more); at the slowest server-side rate we accept, 10 MB/s, that is 537 s. botocore's default (60 s) would
# cut every copy of a 2.8-3.1 GB dataset file slower than 50 MB/s, and its retry would restart the copy.
SINGLE_COPY_LIMIT = 5 * 1024**3
SLOWEST_COPY_BYTES_PER_SECOND = 10_000_000
MAX_ATTEMPTS = 5


def copy_read_timeout_seconds(largest_bytes: int = SINGLE_COPY_LIMIT) -> int:
    return math.ceil(largest_bytes / SLOWEST_COPY_BYTES_PER_SECOND)


class ConfigError(Exception):
    """Bad input: reported before any object is touched."""


class AccessError(Exception):
    """Access still denied after ACCESS_WAIT_SECONDS: the grant is missing, not late."""


def require_env(env: Mapping[str, str]) -> None:
    missing = [name for name in REQUIRED if not env.get(name)]
    if missing:
        raise ConfigError(
            "missing environment variable(s) "
            + ", ".join(missing)
            + ": the Pulumi program sets them from the storage static key; when running by hand, export them"
        )


def client_from_env(env: Mapping[str, str] = os.environ, read_timeout: int = 60):
    require_env(env)
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=env["S3_ENDPOINT"],
        region_name=env.get("S3_REGION", "ru-central1"),
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        # Path-style works for every bucket name on Yandex Object Storage and on local S3 servers.
        config=Config(
            s3={"addressing_style": "path"},
            retries={"max_attempts": MAX_ATTEMPTS, "mode": "standard"},
            read_timeout=read_timeout,
        ),
    )


def is_access_denied(error: BaseException) -> bool:
    from botocore.exceptions import ClientError

    return isinstance(error, ClientError) and error.response.get("Error", {}).get("Code") in ACCESS_DENIED_CODES


def with_access_wait(
    what: str,
    operation: Callable[..., T],
    *args,
    wait_seconds: float = ACCESS_WAIT_SECONDS,
    log: Callable[[str], None] = print,
    **kwargs,
) -> T:
    """Runs `operation(*args, **kwargs)`, retrying AccessDenied with backoff for up to `wait_seconds`
    (IAM propagation); `what` names the object in messages.

    tenacity rather than a loop of our own: its stop/wait/retry policies are tested upstream and state
    the bound in one line each."""
    started = time.monotonic()

    def note(state: tenacity.RetryCallState) -> None:
        waited = time.monotonic() - started
        log(f"{what}: access denied, waiting for the grants to take effect ({waited:.0f}s of {wait_seconds:.0f}s)")

    try:
        return tenacity.Retrying(
            retry=tenacity.retry_if_exception(is_access_denied),
            # Never sleeps past the bound: the last attempt starts before wait_seconds have passed.
            stop=tenacity.stop_before_delay(wait_seconds),
            wait=tenacity.wait_exponential(multiplier=1, min=1, max=30),
            before_sleep=note,
        )(operation, *args, **kwargs)
    except tenacity.RetryError as err:
        raise AccessError(
            f"{what}: access denied for {time.monotonic() - started:.0f}s (limit {wait_seconds:.0f}s). The storage "
            "account's static key needs its storage role on the bucket and kms.keys.encrypterDecrypter on the "
            "bucket's KMS key (infra/identity, infra/storage). A grant created by this `pulumi up` acts within "
            "minutes: if it does not exist or does not cover the bucket, fix it; otherwise run `pulumi up` again"
        ) from err.last_attempt.exception()


def head_or_none(client, bucket: str, key: str):
    from botocore.exceptions import ClientError

    try:
        return client.head_object(Bucket=bucket, Key=key)
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise


def strip_etag(etag: str) -> str:
    return etag.strip('"')


def fail(message: str) -> int:
    print("error: " + message, file=sys.stderr)
    return 2
