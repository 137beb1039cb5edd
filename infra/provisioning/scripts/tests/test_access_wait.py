"""The S3 scripts against the local moto server with IAM enforcement on: the storage key is first denied
the target bucket (its grant is not in effect yet) and allowed later, or never. Moto checks every request
against the IAM policies of the key's user once auth is switched on (`/moto-api/reset-auth`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request

import boto3
import pytest
from botocore.config import Config
from conftest import SCRIPTS

SEED = str(SCRIPTS / "local" / "seed_raw.py")
DEPLOY = str(SCRIPTS / "local" / "deploy_code.py")
FILE = "2019-08-22.txt"
SOURCE_READ = {
    "Effect": "Allow",
    "Action": ["s3:GetObject", "s3:ListBucket"],
    "Resource": ["arn:aws:s3:::mlops-data", "arn:aws:s3:::mlops-data/*"],
}
TARGET_GRANT = {
    "Effect": "Allow",
    "Action": "s3:*",
    "Resource": ["arn:aws:s3:::raw", "arn:aws:s3:::raw/*", "arn:aws:s3:::code", "arn:aws:s3:::code/*"],
}


def set_auth(endpoint: str, after_requests: str) -> None:
    """Moto checks IAM after this many more requests ("inf": never)."""
    url = f"{endpoint}/moto-api/reset-auth"
    headers = {"Content-Type": "text/plain"}  # a form body would not reach the handler
    request = urllib.request.Request(url, data=after_requests.encode(), headers=headers, method="POST")
    urllib.request.urlopen(request, timeout=10).read()


def client(endpoint, service, key):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
        config=Config(s3={"addressing_style": "path"}),
    )


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@pytest.fixture()
def iam_world(s3, s3_env):
    """Buckets, an admin and a storage user (source read only) made before auth is on; auth on during the test."""
    endpoint = s3_env["S3_ENDPOINT"]
    iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1")
    s3.create_bucket(Bucket="mlops-data")
    s3.create_bucket(Bucket="raw")
    s3.create_bucket(Bucket="code")
    s3.put_object(Bucket="mlops-data", Key="fraud-data/" + FILE, Body=b"# header\n1,2019-08-22 00:00:00\n")
    keys = {}
    for user in ("admin", "storage"):
        iam.create_user(UserName=user)
        keys[user] = iam.create_access_key(UserName=user)["AccessKey"]
    iam.put_user_policy(
        UserName="admin", PolicyName="all", PolicyDocument=policy({"Effect": "Allow", "Action": "*", "Resource": "*"})
    )
    iam.put_user_policy(UserName="storage", PolicyName="public-read", PolicyDocument=policy(SOURCE_READ))
    set_auth(endpoint, "0")
    admin_iam = client(endpoint, "iam", keys["admin"])
    env = {
        **os.environ,
        **s3_env,
        "AWS_ACCESS_KEY_ID": keys["storage"]["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": keys["storage"]["SecretAccessKey"],
    }
    try:
        yield env, admin_iam
    finally:
        set_auth(endpoint, "inf")
        for user in ("admin", "storage"):
            for name in iam.list_user_policies(UserName=user)["PolicyNames"]:
                iam.delete_user_policy(UserName=user, PolicyName=name)
            iam.delete_access_key(UserName=user, AccessKeyId=keys[user]["AccessKeyId"])
            iam.delete_user(UserName=user)


def seed_command(wait_seconds):
    source = ["--source", "s3://mlops-data/fraud-data/"]
    target = ["--target-bucket", "raw", "--target-prefix", "raw/", "--file", FILE]
    return [sys.executable, SEED, *source, *target, "--access-wait-seconds", str(wait_seconds)]


def test_seed_waits_while_the_grant_is_not_in_effect_then_copies(iam_world, s3):
    env, admin_iam = iam_world
    process = subprocess.Popen(seed_command(120), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(4)  # the grant "propagates" only now
    admin_iam.put_user_policy(UserName="storage", PolicyName="raw-bucket", PolicyDocument=policy(TARGET_GRANT))
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    assert "s3://raw/raw/2019-08-22.txt: access denied, waiting for the grants to take effect" in stdout
    assert "seed done: 1 copied, 0 skipped" in stdout


def test_seed_gives_up_after_the_bound_with_a_clear_message(iam_world, s3):
    env, _ = iam_world
    started = time.monotonic()
    result = subprocess.run(seed_command(5), env=env, capture_output=True, text=True, timeout=120)
    elapsed = time.monotonic() - started
    assert result.returncode == 2
    assert "error: s3://raw/raw/2019-08-22.txt: access denied for" in result.stderr
    assert "(limit 5s)" in result.stderr and "kms.keys.encrypterDecrypter" in result.stderr
    assert "Traceback" not in result.stderr
    assert elapsed < 5 + 15  # the bound plus the interpreter's start and the last request, not minutes


def test_code_upload_waits_for_the_grant_and_gives_up_when_it_never_comes(iam_world, tmp_path, s3):
    env, admin_iam = iam_world
    jobs = tmp_path / "jobs"
    (jobs / "fraud_jobs").mkdir(parents=True)
    (jobs / "fraud_jobs" / "__init__.py").write_text("")
    base = [sys.executable, DEPLOY, "--bucket", "code", "--prefix", "jobs/", "--jobs-dir", str(jobs)]
    denied = subprocess.run(base + ["--access-wait-seconds", "3"], env=env, capture_output=True, text=True, timeout=120)
    assert denied.returncode == 2 and "error: s3://code/jobs/fraud_jobs.zip: access denied for" in denied.stderr
    process = subprocess.Popen(base, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(3)
    admin_iam.put_user_policy(UserName="storage", PolicyName="code-bucket", PolicyDocument=policy(TARGET_GRANT))
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    assert "access denied, waiting for the grants to take effect" in stderr
    assert json.loads(stdout)["jobs/fraud_jobs.zip"]["action"] == "uploaded"
