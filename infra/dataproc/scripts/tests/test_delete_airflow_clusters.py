"""The destroy-time cleanup against a local fake of the Yandex Cloud REST API (real HTTP, real JWT signing)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import delete_airflow_clusters as cleanup  # noqa: E402
from fake_yandex_api import FakeState, FakeYandexApi, cluster  # noqa: E402

FOLDER = "b1gfolder"
STACK = {"project": "fraud-mlops", "stack": "dev"}
AIRFLOW = {**STACK, "created-by": "airflow"}
ARGS = ["--folder-id", FOLDER] + [arg for key, value in AIRFLOW.items() for arg in ("--label", f"{key}={value}")]
IAM_TOKEN = "t1.SENTINEL-iam-token-0042"


def endpoints(api: FakeYandexApi) -> cleanup.Endpoints:
    return cleanup.Endpoints(iam=api.url, dataproc=api.url, operation=api.url)


def run(api: FakeYandexApi, env, args=None, poll_seconds: float = 0.0) -> int:
    return cleanup.main(
        args or ARGS, env=env, endpoints=endpoints(api), sleep=lambda _: None, poll_seconds=poll_seconds
    )


@pytest.fixture()
def state() -> FakeState:
    return FakeState(iam_token=IAM_TOKEN)


def test_deletes_the_stacks_airflow_clusters_only_and_waits_until_they_are_gone(state, capsys):
    state.clusters = {
        c["id"]: c
        for c in [
            cluster("run-1", AIRFLOW),
            cluster("run-2", AIRFLOW, status="ERROR"),
            cluster("persistent", STACK),  # the Pulumi-managed cluster: not Airflow's
            cluster("other-stack", {**AIRFLOW, "stack": "prod"}),
            cluster("elsewhere", AIRFLOW, folder="b1gotherfolder"),
        ]
    }
    state.polls_to_delete = 2
    with FakeYandexApi(state) as api:
        assert run(api, {"YC_TOKEN": IAM_TOKEN}) == 0
    assert sorted(state.deleted) == ["run-1", "run-2"]
    assert sorted(state.clusters) == ["elsewhere", "other-stack", "persistent"]
    out = capsys.readouterr()
    assert "deleting name-run-1 (run-1, RUNNING)" in out.out
    assert "no Data Proc cluster labelled created-by=airflow, project=fraud-mlops, stack=dev is left" in out.out
    assert "SENTINEL" not in out.out + out.err


def test_reads_every_page_of_the_folder(state):
    state.page_size = 1
    state.clusters = {c["id"]: c for c in [cluster("a", STACK), cluster("b", STACK), cluster("c", AIRFLOW)]}
    with FakeYandexApi(state) as api:
        assert run(api, {"YC_TOKEN": IAM_TOKEN}) == 0
    assert state.deleted == ["c"]


def test_nothing_to_delete_is_success_without_any_delete(state, capsys):
    state.clusters = {"persistent": cluster("persistent", STACK)}
    with FakeYandexApi(state) as api:
        assert run(api, {"YC_TOKEN": IAM_TOKEN}) == 0
    assert [m for m, _ in state.requests] == ["GET"]
    assert "is left" in capsys.readouterr().out


def rsa_key_json(key_id: str, account: str, state: FakeState) -> str:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem_format = serialization.Encoding.PEM
    pem = private.private_bytes(pem_format, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    public = private.public_key().public_bytes(pem_format, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    state.keys[key_id] = (account, public)
    return json.dumps({"id": key_id, "service_account_id": account, "private_key": pem})


@pytest.mark.parametrize("as_file", [True, False], ids=["key file path", "key JSON in the variable"])
def test_service_account_key_is_exchanged_for_an_iam_token_with_a_signed_jwt(state, tmp_path, capsys, as_file):
    key = rsa_key_json("ajekey", "ajedeployer", state)
    value = key
    if as_file:
        path = tmp_path / "key.json"
        path.write_text(key)
        value = str(path)
    state.clusters = {"run-1": cluster("run-1", AIRFLOW)}
    with FakeYandexApi(state) as api:
        assert run(api, {"YC_SERVICE_ACCOUNT_KEY_FILE": value}) == 0
    assert state.deleted == ["run-1"]
    assert state.requests[0] == ("POST", "/iam/v1/tokens")
    out = capsys.readouterr()
    assert "PRIVATE KEY" not in out.out + out.err and IAM_TOKEN not in out.out + out.err


def test_an_oauth_token_is_exchanged_first(state):
    state.oauth_token = "y0_SENTINEL-oauth"
    state.clusters = {"run-1": cluster("run-1", AIRFLOW)}
    with FakeYandexApi(state) as api:
        assert run(api, {"YC_TOKEN": "y0_SENTINEL-oauth"}) == 0
    assert state.deleted == ["run-1"]


@pytest.mark.parametrize(
    "env, says",
    [
        ({}, "no Yandex Cloud credential in the environment"),
        ({"YC_TOKEN": "", "YC_SERVICE_ACCOUNT_KEY_FILE": "  "}, "no Yandex Cloud credential"),
        (
            {"YC_TOKEN": IAM_TOKEN, "YC_SERVICE_ACCOUNT_KEY_FILE": "/k.json"},
            "both YC_TOKEN and YC_SERVICE_ACCOUNT_KEY_FILE",
        ),
        ({"YC_SERVICE_ACCOUNT_KEY_FILE": "/nonexistent/key.json"}, "cannot read /nonexistent/key.json"),
        ({"YC_SERVICE_ACCOUNT_KEY_FILE": '{"id": "k"}'}, "lacks service_account_id, private_key"),
    ],
)
def test_a_missing_or_bad_credential_fails_before_any_request(state, capsys, env, says):
    state.clusters = {"run-1": cluster("run-1", AIRFLOW)}
    with FakeYandexApi(state) as api:
        assert run(api, env) == 2
    assert state.requests == []
    assert says in capsys.readouterr().err


def test_a_busy_cluster_and_a_failed_delete_are_retried(state, capsys):
    state.clusters = {c["id"]: c for c in [cluster("busy", AIRFLOW, status="STARTING"), cluster("flaky", AIRFLOW)]}
    state.busy = {"busy": 2}
    state.failing = {"flaky": 1}
    with FakeYandexApi(state) as api:
        assert run(api, {"YC_TOKEN": IAM_TOKEN}) == 0
    assert sorted(state.deleted) == ["busy", "flaky"]
    out = capsys.readouterr().out
    assert "delete of name-busy (busy, STARTING) not accepted yet (HTTP 409: another operation" in out
    assert "deleting name-flaky (flaky, RUNNING) failed: internal error; retrying" in out


def test_transient_server_errors_are_retried_by_the_session(state):
    state.unavailable = {("GET", "/dataproc/v1/clusters"): 2}
    state.clusters = {"run-1": cluster("run-1", AIRFLOW)}
    with FakeYandexApi(state) as api:
        assert run(api, {"YC_TOKEN": IAM_TOKEN}) == 0
    assert state.deleted == ["run-1"]


def test_a_cluster_that_stays_fails_after_the_timeout_naming_it(state, capsys):
    state.polls_to_delete = None
    state.clusters = {"stuck": cluster("stuck", AIRFLOW)}
    with FakeYandexApi(state) as api:
        assert run(api, {"YC_TOKEN": IAM_TOKEN}, ARGS + ["--timeout-minutes", "0.001"], poll_seconds=0.01) == 1
    err = capsys.readouterr().err
    assert "still there after 0.001 min: name-stuck (stuck, RUNNING)" in err
    assert "yc dataproc cluster delete" in err


def test_deletion_protection_fails_at_once_with_the_fix(state, capsys):
    state.clusters = {"guarded": cluster("guarded", AIRFLOW, deletionProtection=True)}
    with FakeYandexApi(state) as api:
        assert run(api, {"YC_TOKEN": IAM_TOKEN}) == 1
    assert state.deleted == [] and ("DELETE", "/dataproc/v1/clusters/guarded") not in state.requests
    assert "--deletion-protection=false" in capsys.readouterr().err


def test_a_deployer_without_rights_gets_the_role_it_needs(state, capsys):
    state.list_status = 403
    with FakeYandexApi(state) as api:
        assert run(api, {"YC_TOKEN": IAM_TOKEN}) == 1
    assert "needs dataproc.editor" in capsys.readouterr().err


def test_labels_must_be_key_value_pairs(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cleanup.parse_args(["--folder-id", FOLDER, "--label", "stack"])
    assert exit_info.value.code == 2
    assert "is not KEY=VALUE" in capsys.readouterr().err
