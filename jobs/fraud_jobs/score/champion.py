"""The registered champion: its version, the threshold, label delay and feature set it was trained with, its
inputs.

Resolved once per job by alias, then used by version number (`models:/<name>/<version>`), so a promotion
while the job runs cannot mix two models in one output."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

from fraud_jobs.features import HANDBOOK
from fraud_jobs.train.operating_point import OperatingPoint

CHAMPION_ALIAS = "champion"


class NoChampionError(ValueError):
    """The registered model has no champion (or does not exist)."""


@dataclass(frozen=True)
class Champion:
    name: str
    version: str
    run_id: str
    threshold: float
    delay_days: int
    inputs: List[str]
    # The feature set (fraud_jobs.features.FEATURE_SETS) the scorer computes: the model's own metadata.
    feature_set: str
    # How its threshold is re-set each day (metadata `operating_point`); None: the fixed threshold.
    operating_point: Optional[OperatingPoint] = None

    @property
    def uri(self) -> str:
        return f"models:/{self.name}/{self.version}"


def resolve_champion(name: str) -> Champion:
    """Reads the alias, the model's metadata (decision_threshold, feature_set) and its training run's
    delay_days."""
    import mlflow.models
    from mlflow.exceptions import MlflowException
    from mlflow.tracking import MlflowClient

    client = MlflowClient()
    try:
        version = client.get_model_version_by_alias(name, CHAMPION_ALIAS)
    except MlflowException as error:
        raise NoChampionError(
            f"registered model {name!r} has no @{CHAMPION_ALIAS} ({error}). "
            f"Fix: run the training job with --register {name} until a version passes the promotion gates"
        ) from None
    uri = f"models:/{name}/{version.version}"
    info = mlflow.models.get_model_info(uri)
    metadata = info.metadata or {}
    if "decision_threshold" not in metadata:
        raise NoChampionError(
            f"{uri} has no decision_threshold in its metadata: it was not logged by this training job. "
            "Fix: promote a version trained by fraud_jobs.train"
        )
    params = client.get_run(version.run_id).data.params
    if "delay_days" not in params:
        raise NoChampionError(f"the training run {version.run_id} of {uri} has no delay_days parameter")
    inputs = info.signature.inputs.input_names() if info.signature is not None else []
    return Champion(
        name=name,
        version=str(version.version),
        run_id=version.run_id,
        threshold=float(metadata["decision_threshold"]),
        delay_days=int(params["delay_days"]),
        inputs=list(inputs),
        # Versions logged before feature sets existed were trained on the handbook set (their signature
        # still has to match it: score.frame.check_model_inputs).
        feature_set=str(metadata.get("feature_set", HANDBOOK)),
        # Versions logged before daily operating points keep their fixed threshold.
        operating_point=OperatingPoint.from_dict(metadata.get("operating_point")),
    )


def load_spark_model(champion: Champion):
    import mlflow.spark

    return mlflow.spark.load_model(champion.uri)
