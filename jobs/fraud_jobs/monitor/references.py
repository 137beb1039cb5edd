"""Loads a model version's training reference (REFERENCE_ARTIFACT, logged with the model)."""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional

from fraud_jobs.monitor.reference import REFERENCE_ARTIFACT
from fraud_jobs.train.evaluation import KNOWN_COMPROMISED_RULE


class MissingReferenceError(ValueError):
    pass


def reference_loader(tracking_uri: Optional[str]) -> Callable[[str], Dict[str, Any]]:
    """ "<name>/<version>" (as the scores name the model) -> that version's training reference."""
    cache: Dict[str, Dict[str, Any]] = {}

    def load(name_and_version: str) -> Dict[str, Any]:
        if name_and_version in cache:
            return cache[name_and_version]
        if not tracking_uri:
            raise MissingReferenceError("--mlflow-uri is needed to read the models' training references")
        import mlflow
        import mlflow.artifacts
        from mlflow.exceptions import MlflowException
        from mlflow.tracking import MlflowClient

        mlflow.set_tracking_uri(tracking_uri)
        name, version = name_and_version.rsplit("/", 1)
        try:
            client = MlflowClient()
            run_id = client.get_model_version(name, version).run_id
            reference = mlflow.artifacts.load_dict(f"runs:/{run_id}/{REFERENCE_ARTIFACT}")
            if KNOWN_COMPROMISED_RULE not in reference:
                reference = with_rule_from_params(reference, client.get_run(run_id).data.params)
        except (MlflowException, OSError) as error:
            raise MissingReferenceError(
                f"{name} version {version} has no training reference {REFERENCE_ARTIFACT} ({error}): "
                "it was trained before references were logged. Fix: promote a version trained by this code"
            ) from None
        cache[name_and_version] = reference
        return reference

    return load


def with_rule_from_params(reference: Dict[str, Any], params: Dict[str, str]) -> Dict[str, Any]:
    """A reference logged before the rule was recorded in it (a champion trained by the previous release,
    which the gate may keep): the rule from the training run's own parameters, which carry the policy and
    the training start (the rule's first day) since references exist. Without them: unchanged."""
    if "known_compromised_policy" not in params or "train_start" not in params:
        return reference
    rule = {"policy": params["known_compromised_policy"], "since": params["train_start"]}
    return {**reference, KNOWN_COMPROMISED_RULE: rule}
