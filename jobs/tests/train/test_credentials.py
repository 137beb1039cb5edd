"""--mlflow-credentials: the driver's MLflow basic-auth login from a JSON file, never printed."""

from __future__ import annotations

import json
import os

import pytest

from fraud_jobs.train.cli import main as train_main
from fraud_jobs.train.credentials import CREDENTIAL_ENV, CredentialsError, load_mlflow_credentials

USER = "SENTINEL-user-3f1"
PASSWORD = "SENTINEL-pass%$-8a2"


@pytest.fixture()
def clean_env(monkeypatch):
    """No credentials in the environment before the test; monkeypatch restores whatever the loader sets."""
    for name in CREDENTIAL_ENV.values():
        monkeypatch.setenv(name, "before")
        monkeypatch.delenv(name)


def credentials_file(tmp_path, content):
    path = tmp_path / "mlflow-client.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def test_sets_the_tracking_variables_from_a_local_file(tmp_path, clean_env):
    load_mlflow_credentials(None, credentials_file(tmp_path, {"username": USER, "password": PASSWORD}))
    assert os.environ["MLFLOW_TRACKING_USERNAME"] == USER
    assert os.environ["MLFLOW_TRACKING_PASSWORD"] == PASSWORD


def test_reads_through_spark_for_a_hadoop_uri(spark, tmp_path, clean_env, monkeypatch):
    # The cluster reads s3a:// through Hadoop; a file:// path takes the same reader when it is not local.
    path = credentials_file(tmp_path, {"username": USER, "password": PASSWORD})
    monkeypatch.setattr("fraud_jobs.common.storage.is_local", lambda location: False)
    load_mlflow_credentials(spark, "file://" + path)
    assert os.environ["MLFLOW_TRACKING_PASSWORD"] == PASSWORD


@pytest.mark.parametrize(
    "content, message",
    [
        ("not json " + PASSWORD, "is not JSON"),
        ([USER, PASSWORD], "must hold a JSON object"),
        ({"username": USER}, "lacks non-empty string key(s) password"),
        ({"username": "", "password": PASSWORD}, "lacks non-empty string key(s) username"),
        ({"user": USER, "pass": PASSWORD}, "lacks non-empty string key(s) username, password"),
    ],
)
def test_malformed_files_name_the_option_and_hide_the_values(tmp_path, clean_env, content, message):
    location = credentials_file(tmp_path, content)
    with pytest.raises(CredentialsError) as error:
        load_mlflow_credentials(None, location)
    text = str(error.value)
    assert text.startswith(f"--mlflow-credentials {location}") and message in text
    assert '{"username": "...", "password": "..."}' in text  # the fix
    assert USER not in text and PASSWORD not in text
    assert "MLFLOW_TRACKING_PASSWORD" not in os.environ


def test_an_unreadable_location_names_the_option(tmp_path, clean_env):
    unreadable = r"--mlflow-credentials \S+ cannot be read \(FileNotFoundError\)"
    with pytest.raises(CredentialsError, match=unreadable):
        load_mlflow_credentials(None, str(tmp_path / "absent.json"))


def base_args(tmp_path):
    (tmp_path / "clean").mkdir(exist_ok=True)
    return ["--input", str(tmp_path / "clean"), "--train-start", "2019-09-13",
            "--model", "logistic_regression", "--metrics-out", str(tmp_path / "m.json")]  # fmt: skip


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--mlflow-credentials", "/x/c.json"], "--mlflow-credentials /x/c.json needs --mlflow-uri"),
        (
            ["--mlflow-uri", "http://127.0.0.1:9", "--mlflow-credentials", "/nonexistent/c.json"],
            '--mlflow-credentials /nonexistent/c.json does not exist: write {"username"',
        ),
    ],
)
def test_cli_checks_the_option_before_spark(tmp_path, capsys, extra, message):
    with pytest.raises(SystemExit) as exit_info:
        train_main(base_args(tmp_path) + extra)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_cli_fails_on_a_bad_file_before_training_without_printing_it(spark, tmp_path, capsys, clean_env):
    location = credentials_file(tmp_path, {"username": USER, "pass": PASSWORD})
    args = base_args(tmp_path) + ["--mlflow-uri", "http://127.0.0.1:9", "--mlflow-credentials", location]
    with pytest.raises(SystemExit) as exit_info:
        train_main(args)
    assert exit_info.value.code == 2
    out = capsys.readouterr()
    assert "--mlflow-credentials" in out.err and "lacks non-empty string key(s) password" in out.err
    assert PASSWORD not in out.out + out.err and USER not in out.out + out.err
    assert not (tmp_path / "m.json").exists()
