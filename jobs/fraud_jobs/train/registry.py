"""Model registry: every registered version becomes `challenger`; `champion` moves to it only when the
champion gate (champion.py) promotes it.

Registration is idempotent per pipeline run: the run's idempotency key (the Airflow run id) is a tag of the
MLflow run and of the model version, and the version is created with its decision tags in one call, after
the decision. A retried attempt first looks for that key (`earlier_attempt`): a registered version means the
work is done (its aliases are re-applied, nothing is registered again); runs of killed attempts that never
registered are marked FAILED and the attempt trains again."""

from __future__ import annotations

import logging
from typing import Any, Dict, Optional

from fraud_jobs.train.champion import CHAMPION, GateDecision, current_champion, registered_model

LOG = logging.getLogger(__name__)
CHALLENGER = "challenger"
IDEMPOTENCY_TAG = "fraud_idempotency_key"
KILLED_ATTEMPT_TAG = "fraud_unfinished_attempt"
# MLflow refuses tag values longer than 5,000 characters; the full reasons are in champion_comparison.json.
MAX_TAG_LENGTH = 5000


def tag_value(text: str) -> str:
    return text if len(text) <= MAX_TAG_LENGTH else text[: MAX_TAG_LENGTH - 3] + "..."


def apply_aliases(client, name: str, version: str, promoted: bool, compared_with: str) -> None:
    """challenger -> version; champion -> version when promoted and the champion is still the one the
    gate compared with (an alias set where it already points changes nothing: a retry may call it again)."""
    client.set_registered_model_alias(name, CHALLENGER, version)
    if not promoted:
        return
    current = current_champion(client, name) or ""
    if current in (compared_with, version):
        client.set_registered_model_alias(name, CHAMPION, version)
    else:
        LOG.warning(
            "not moving %s to version %s: it moved to version %s after the gate compared with version %s",
            CHAMPION,
            version,
            current,
            compared_with or "(none)",
        )


def _outcome(name: str, version: str, tags: Dict[str, str]) -> Dict[str, Any]:
    return {
        "model_name": name,
        "version": str(version),
        "promoted": tags.get("promotion_promoted") == "True",
        "reason": tags.get("promotion_reason", ""),
        "previous_champion": tags.get("previous_champion", ""),
        "champion_comparison_status": tags.get("champion_comparison_status", ""),
    }


def register(
    client, run_id: str, name: str, decision: GateDecision, idempotency_key: Optional[str]
) -> Dict[str, Any]:
    """Registers runs:/<run_id>/model under `name` with the decision as tags, then sets the aliases."""
    import mlflow

    compared_with = decision.comparison["champion_version"] or ""
    tags = {
        "promotion_promoted": str(decision.promote),
        "promotion_reason": tag_value(decision.reason),
        "champion_comparison_status": decision.comparison["status"],
        "previous_champion": compared_with,
    }
    if idempotency_key:
        tags[IDEMPOTENCY_TAG] = idempotency_key
    version = str(mlflow.register_model(f"runs:/{run_id}/model", name, tags=tags).version)
    apply_aliases(client, name, version, decision.promote, compared_with)
    return _outcome(name, version, tags)


def earlier_attempt(client, experiment: str, model_name: Optional[str], key: str) -> Optional[Dict[str, Any]]:
    """The finished work of an earlier attempt with this idempotency key ({"run_id", "registry"?}), or None
    after marking the runs that attempts left unfinished (killed) FAILED."""
    found = client.get_experiment_by_name(experiment)
    runs = (
        client.search_runs([found.experiment_id], filter_string=f"tags.{IDEMPOTENCY_TAG} = '{key}'")
        if found is not None
        else []
    )
    registered = []
    if model_name and registered_model(client, model_name) is not None:
        versions = client.search_model_versions(f"name='{model_name}'")
        registered = [v for v in versions if v.tags.get(IDEMPOTENCY_TAG) == key]
    done: Optional[Dict[str, Any]] = None
    if registered:
        version = min(registered, key=lambda v: int(v.version))
        outcome = _outcome(model_name, version.version, version.tags)
        # Killed after registering, before the aliases or the run's end: finish both.
        apply_aliases(
            client, model_name, outcome["version"], outcome["promoted"], outcome["previous_champion"]
        )
        done = {"run_id": version.run_id, "registry": outcome}
    elif not model_name:
        finished = [r for r in runs if r.info.status == "FINISHED"]
        done = {"run_id": finished[0].info.run_id} if finished else None
    for run in runs:
        if run.info.status != "RUNNING":
            continue
        if done is not None and run.info.run_id == done["run_id"]:
            client.set_terminated(run.info.run_id, "FINISHED")
        else:
            client.set_tag(run.info.run_id, KILLED_ATTEMPT_TAG, "marked FAILED by a later attempt of " + key)
            client.set_terminated(run.info.run_id, "FAILED")
    return done
