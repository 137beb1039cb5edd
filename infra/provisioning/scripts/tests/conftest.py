"""Fixtures: a real local S3-compatible server (moto's threaded server) and script loading."""

from __future__ import annotations

import importlib.util
import socket
import sys
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from moto.server import ThreadedMotoServer

SCRIPTS = Path(__file__).resolve().parent.parent


def load_script(relative: str):
    path = SCRIPTS / relative
    sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture()
def s3_env(s3_server, monkeypatch):
    env = {
        "S3_ENDPOINT": s3_server,
        "S3_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing-key-id",
        "AWS_SECRET_ACCESS_KEY": "testing-secret-sentinel",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture()
def s3(s3_env, request):
    """A client on the local server, with fresh buckets named after the test."""
    client = boto3.client(
        "s3",
        endpoint_url=s3_env["S3_ENDPOINT"],
        region_name="us-east-1",
        aws_access_key_id="testing-key-id",
        aws_secret_access_key="testing-secret-sentinel",
        config=Config(s3={"addressing_style": "path"}),
    )
    yield client
    for bucket in client.list_buckets()["Buckets"]:
        for item in client.list_objects_v2(Bucket=bucket["Name"]).get("Contents", []):
            client.delete_object(Bucket=bucket["Name"], Key=item["Key"])
        client.delete_bucket(Bucket=bucket["Name"])
