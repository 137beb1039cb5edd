"""Registration across retried attempts (one pipeline run = one idempotency key), on a real MLflow store
(the file store: the cluster's mlflow-skinny has no SQL drivers): a killed attempt's unfinished run is
marked FAILED; a version registered by a killed attempt is found by the retry, which finishes its aliases
instead of registering again."""

from __future__ import annotations

import mlflow
import pytest
from mlflow.tracking import MlflowClient

from fraud_jobs.train import registry
from fraud_jobs.train.champion import GateDecision

KEY = "manual__2026-11-27T08:00:00+00:00"
MODEL = "fraud"
EXPERIMENT = "train"


@pytest.fixture
def client(tmp_path):
    previous = mlflow.get_tracking_uri()
    uri = (tmp_path / "mlruns").as_uri()
    mlflow.set_tracking_uri(uri)
    client = MlflowClient(uri)
    client.create_experiment(EXPERIMENT, artifact_location=(tmp_path / "artifacts").as_uri())
    yield client
    mlflow.set_tracking_uri(previous)


def attempt(client, key=KEY) -> str:
    """An attempt's MLflow run, left RUNNING as a killed process leaves it."""
    experiment = client.get_experiment_by_name(EXPERIMENT).experiment_id
    return client.create_run(experiment, tags={registry.IDEMPOTENCY_TAG: key}).info.run_id


def decision(promote=True, compared_with=None):
    comparison = {
        "status": "compared" if compared_with else "no champion yet",
        "champion_version": compared_with,
    }
    return GateDecision(promote, ("why",), comparison)


def killed_after_registering(client, monkeypatch, run_id, promote=True, compared_with=None):
    """register() up to the version's creation: the process dies before the aliases and the run's end."""

    def killed(*_args):
        raise SystemExit("SIGKILL")

    monkeypatch.setattr(registry, "apply_aliases", killed)
    with pytest.raises(SystemExit):
        registry.register(client, run_id, MODEL, decision(promote, compared_with), KEY)
    monkeypatch.undo()


def aliases(client):
    return {alias: str(version) for alias, version in client.get_registered_model(MODEL).aliases.items()}


def test_a_run_killed_before_registering_is_marked_failed_and_the_retry_trains(client):
    killed, other_pipeline_run = attempt(client), attempt(client, key="scheduled__2026-11-26T00:00:00+00:00")
    assert registry.earlier_attempt(client, EXPERIMENT, MODEL, KEY) is None
    run = client.get_run(killed)
    assert run.info.status == "FAILED" and registry.KILLED_ATTEMPT_TAG in run.data.tags
    assert client.get_run(other_pipeline_run).info.status == "RUNNING"


def test_a_version_registered_by_a_killed_attempt_is_finished_not_registered_again(client, monkeypatch):
    killed = attempt(client)
    killed_after_registering(client, monkeypatch, killed)
    assert aliases(client) == {}
    for _ in range(2):  # a second retry finds the same finished work
        earlier = registry.earlier_attempt(client, EXPERIMENT, MODEL, KEY)
        assert earlier["run_id"] == killed
        assert earlier["registry"]["version"] == "1" and earlier["registry"]["promoted"]
        assert earlier["registry"]["reason"] == "why"
    assert aliases(client) == {"champion": "1", "challenger": "1"}
    assert client.get_run(killed).info.status == "FINISHED"
    assert len(client.search_model_versions(f"name='{MODEL}'")) == 1


def test_the_retry_does_not_move_a_champion_promoted_by_a_later_run_meanwhile(client, monkeypatch):
    killed_after_registering(client, monkeypatch, attempt(client))
    later = client.create_run(client.get_experiment_by_name(EXPERIMENT).experiment_id).info.run_id
    registry.register(client, later, MODEL, decision(True), "scheduled__2026-11-28T00:00:00+00:00")
    assert aliases(client)["champion"] == "2"
    earlier = registry.earlier_attempt(client, EXPERIMENT, MODEL, KEY)
    assert earlier["registry"]["version"] == "1"
    assert aliases(client)["champion"] == "2"


def test_a_run_without_registration_is_done_once_finished(client):
    finished = attempt(client)
    client.set_terminated(finished, "FINISHED")
    assert registry.earlier_attempt(client, EXPERIMENT, None, KEY) == {"run_id": finished}
    assert registry.earlier_attempt(client, EXPERIMENT, None, "another-run") is None
