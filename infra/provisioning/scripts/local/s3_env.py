"""S3 client for Yandex Object Storage built from environment variables only.

Credentials come from the environment (set by Pulumi as secret values), never from arguments,
so they never appear in a command line, a process listing or the command's stored output.
"""

from __future__ import annotations

import os
import sys
from typing import Mapping

REQUIRED = ("S3_ENDPOINT", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")


class ConfigError(Exception):
    """Bad input: reported before any object is touched."""


def require_env(env: Mapping[str, str]) -> None:
    missing = [name for name in REQUIRED if not env.get(name)]
    if missing:
        raise ConfigError(
            "missing environment variable(s) "
            + ", ".join(missing)
            + ": the Pulumi program sets them from the storage static key; when running by hand, export them"
        )


def client_from_env(env: Mapping[str, str] = os.environ):
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
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 5, "mode": "standard"}),
    )


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
