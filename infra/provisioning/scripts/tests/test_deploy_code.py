"""deploy_code against a real local S3 server: content-addressed upload of the job code."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile

import pytest
from conftest import SCRIPTS, load_script

deploy_code = load_script("local/deploy_code.py")


@pytest.fixture()
def jobs_dir(tmp_path):
    root = tmp_path / "jobs"
    (root / "fraud_jobs" / "clean").mkdir(parents=True)
    (root / "fraud_jobs" / "__init__.py").write_text("")
    (root / "fraud_jobs" / "clean" / "__init__.py").write_text("")
    (root / "fraud_jobs" / "clean" / "cli.py").write_text("def main():\n    return 0\n")
    (root / "fraud_jobs" / "clean" / "__pycache__").mkdir()
    (root / "fraud_jobs" / "clean" / "__pycache__" / "cli.cpython-311.pyc").write_bytes(b"\x00cache")
    (root / "entrypoints").mkdir()
    (root / "entrypoints" / "clean_job.py").write_text("from fraud_jobs.clean.cli import main\nmain()\n")
    return root


def actions(manifest):
    return {key: item["action"] for key, item in manifest.items()}


def test_zip_is_deterministic_and_importable_layout(jobs_dir, tmp_path):
    first = deploy_code.package_zip(jobs_dir)
    os.utime(jobs_dir / "fraud_jobs" / "clean" / "cli.py", (1, 1))  # file times must not matter
    assert deploy_code.package_zip(jobs_dir) == first
    (tmp_path / "pkg.zip").write_bytes(first)
    names = zipfile.ZipFile(tmp_path / "pkg.zip").namelist()
    assert names == ["fraud_jobs/__init__.py", "fraud_jobs/clean/__init__.py", "fraud_jobs/clean/cli.py"]
    check = subprocess.run(
        [sys.executable, "-c", "import fraud_jobs.clean.cli as m; print(m.main())"],
        env={**os.environ, "PYTHONPATH": str(tmp_path / "pkg.zip")},
        capture_output=True,
        text=True,
        check=True,
    )
    assert check.stdout.strip() == "0"


def test_uploads_once_then_only_what_changed(s3, jobs_dir):
    s3.create_bucket(Bucket="code")
    first = deploy_code.deploy(s3, "code", "jobs/", jobs_dir)
    assert actions(first) == {"jobs/entrypoints/clean_job.py": "uploaded", "jobs/fraud_jobs.zip": "uploaded"}
    assert actions(deploy_code.deploy(s3, "code", "jobs/", jobs_dir)) == {
        "jobs/entrypoints/clean_job.py": "unchanged",
        "jobs/fraud_jobs.zip": "unchanged",
    }
    (jobs_dir / "fraud_jobs" / "clean" / "cli.py").write_text("def main():\n    return 1\n")
    third = deploy_code.deploy(s3, "code", "jobs/", jobs_dir)
    assert actions(third) == {"jobs/entrypoints/clean_job.py": "unchanged", "jobs/fraud_jobs.zip": "uploaded"}
    stored = s3.head_object(Bucket="code", Key="jobs/fraud_jobs.zip")["Metadata"]["sha256"]
    assert stored == third["jobs/fraud_jobs.zip"]["sha256"] != first["jobs/fraud_jobs.zip"]["sha256"]


def test_cli_prints_manifest_only_on_stdout_and_dry_run_uploads_nothing(s3, s3_env, jobs_dir):
    s3.create_bucket(Bucket="code")
    script = str(SCRIPTS / "local" / "deploy_code.py")
    args = [sys.executable, script, "--bucket", "code", "--prefix", "jobs/", "--jobs-dir", str(jobs_dir)]
    env = {**os.environ, **s3_env}
    dry = subprocess.run(args + ["--dry-run"], env=env, capture_output=True, text=True, check=True)
    assert set(actions(json.loads(dry.stdout)).values()) == {"would upload"}
    assert s3.list_objects_v2(Bucket="code").get("KeyCount") == 0
    real = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
    assert set(actions(json.loads(real.stdout)).values()) == {"uploaded"}
    assert s3_env["AWS_SECRET_ACCESS_KEY"] not in real.stdout + real.stderr


def test_rejects_a_folder_without_the_package(tmp_path, s3_env):
    script = str(SCRIPTS / "local" / "deploy_code.py")
    result = subprocess.run(
        [sys.executable, script, "--bucket", "code", "--jobs-dir", str(tmp_path), "--dry-run"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "--jobs-dir" in result.stderr


def test_real_repository_package_builds(tmp_path):
    repo_jobs = SCRIPTS.parents[2] / "jobs"
    if not (repo_jobs / "fraud_jobs" / "__init__.py").is_file():
        pytest.fail("jobs/fraud_jobs is missing from the repository")
    shutil.copytree(repo_jobs / "fraud_jobs", tmp_path / "fraud_jobs", ignore=shutil.ignore_patterns("__pycache__"))
    assert deploy_code.package_zip(tmp_path) == deploy_code.package_zip(repo_jobs)


CREDENTIALS_KEY = "jobs/secrets/mlflow-client.json"
PASSWORD = "SENTINEL-mlflow-password-4d2"


def credentials(password=PASSWORD):
    return json.dumps({"username": "admin", "password": password})


def run_cli(jobs_dir, env, *extra):
    script = str(SCRIPTS / "local" / "deploy_code.py")
    args = [sys.executable, script, "--bucket", "code", "--prefix", "jobs/", "--jobs-dir", str(jobs_dir)]
    args += ["--mlflow-credentials-key", CREDENTIALS_KEY, *extra]
    return subprocess.run(args, env={**os.environ, **env}, capture_output=True, text=True)


def assert_secret_hidden(result, body):
    printed = result.stdout + result.stderr
    assert PASSWORD not in printed
    assert hashlib.sha256(body.encode()).hexdigest()[:12] not in printed  # not even a hash prefix


def test_credentials_upload_only_when_changed_and_never_printed(s3, s3_env, jobs_dir):
    s3.create_bucket(Bucket="code")
    env = {**s3_env, "MLFLOW_CLIENT_CREDENTIALS": credentials()}
    first = run_cli(jobs_dir, env)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)[CREDENTIALS_KEY] == {"action": "uploaded"}
    assert f"uploaded: s3://code/{CREDENTIALS_KEY}\n" in first.stderr
    stored = s3.get_object(Bucket="code", Key=CREDENTIALS_KEY)["Body"].read().decode()
    assert json.loads(stored) == {"username": "admin", "password": PASSWORD}
    assert_secret_hidden(first, credentials())

    again = run_cli(jobs_dir, env)
    assert json.loads(again.stdout)[CREDENTIALS_KEY] == {"action": "unchanged"}
    assert_secret_hidden(again, credentials())

    rotated = {**s3_env, "MLFLOW_CLIENT_CREDENTIALS": credentials(PASSWORD + "-rotated")}
    third = run_cli(jobs_dir, rotated)
    assert actions(json.loads(third.stdout)) == {
        "jobs/entrypoints/clean_job.py": "unchanged",
        "jobs/fraud_jobs.zip": "unchanged",
        CREDENTIALS_KEY: "uploaded",
    }
    assert json.loads(s3.get_object(Bucket="code", Key=CREDENTIALS_KEY)["Body"].read())["password"].endswith("-rotated")
    assert_secret_hidden(third, credentials(PASSWORD + "-rotated"))


@pytest.mark.parametrize(
    "value, message",
    [
        (None, "needs the environment variable MLFLOW_CLIENT_CREDENTIALS"),
        ("not json " + PASSWORD, "must be a JSON object with non-empty username and password"),
        (json.dumps({"username": "admin", "pass": PASSWORD}), "must be a JSON object with non-empty username"),
    ],
)
def test_bad_credentials_fail_before_any_upload_without_quoting_them(s3, s3_env, jobs_dir, monkeypatch, value, message):
    s3.create_bucket(Bucket="code")
    env = dict(s3_env)
    if value is not None:
        env["MLFLOW_CLIENT_CREDENTIALS"] = value
    monkeypatch.delenv("MLFLOW_CLIENT_CREDENTIALS", raising=False)
    result = run_cli(jobs_dir, env)
    assert result.returncode == 2 and message in result.stderr and "export MLFLOW_CLIENT_CREDENTIALS=" in result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    assert s3.list_objects_v2(Bucket="code").get("KeyCount") == 0


def test_dry_run_reports_the_credentials_but_uploads_nothing(s3, s3_env, jobs_dir):
    s3.create_bucket(Bucket="code")
    result = run_cli(jobs_dir, {**s3_env, "MLFLOW_CLIENT_CREDENTIALS": credentials()}, "--dry-run")
    assert json.loads(result.stdout)[CREDENTIALS_KEY] == {"action": "would upload"}
    assert s3.list_objects_v2(Bucket="code").get("KeyCount") == 0
