"""pipeline.json, rendered at deploy time by infra/orchestrator/services/pipeline-config.ts, read and checked.

A bad file fails the DAG import with a message naming the field, before any task can touch a resource.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any, Dict

CONFIG_ENV = "FRAUD_PIPELINE_CONFIG"
MODES = ("persistent", "ephemeral", "local")
CLOUD_URI = re.compile(r"^s3a://[a-z0-9][a-z0-9.-]+[a-z0-9](/\S*)?$")


class PipelineConfigError(ValueError):
    def __init__(self, field: str, problem: str, fix: str) -> None:
        super().__init__(f"pipeline config {field}: {problem}. Fix: {fix}")
        self.field = field


def _get(config: Dict[str, Any], path: str) -> Any:
    value: Any = config
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            raise PipelineConfigError(
                path, "is missing", "re-render pipeline.json (pulumi up) or add the field"
            )
        value = value[part]
    return value


def _location(config: Dict[str, Any], path: str, cloud: bool) -> None:
    value = _get(config, path)
    ok = isinstance(value, str) and (CLOUD_URI.match(value) if cloud else os.path.isabs(value))
    if not ok:
        kind = "an s3a://bucket/key URI" if cloud else "an absolute local path"
        raise PipelineConfigError(path, f"must be {kind} in this mode (got {value!r})", "fix the value")


def validate(config: Dict[str, Any]) -> Dict[str, Any]:
    mode = _get(config, "mode")
    if mode not in MODES:
        raise PipelineConfigError(
            "mode", "must be one of {} (got {!r})".format(", ".join(MODES), mode), "pick one"
        )
    cloud = mode != "local"
    for name in ("rawPrefix", "cleanPrefix", "reportsPrefix", "quarantinePrefix"):
        _location(config, "data." + name, cloud)
    _location(config, "jobs.cleanJob", cloud)
    _location(config, "jobs.trainJob", cloud)
    for name in (
        "retries",
        "retryDelayMinutes",
        "jobTimeoutMinutes",
        "clusterTimeoutMinutes",
        "dagRunTimeoutMinutes",
    ):
        value = _get(config, name)
        if not isinstance(value, int) or value < 0:
            raise PipelineConfigError(name, f"must be a whole number >= 0 (got {value!r})", "fix the value")
    for name in (
        "model",
        "trainStart",
        "trainDays",
        "delayDays",
        "testDays",
        "experiment",
        "registeredModel",
    ):
        _get(config, "training." + name)
    _get(config, "mlflow.trackingUri")
    _get(config, "mlflow.uiUrl")
    if cloud:
        # The cluster's driver reads its MLflow login from there; local mode uses this process's environment.
        _location(config, "mlflow.credentialsUri", cloud=True)
        _get(config, "dataproc.spec.bucket")
        if mode == "persistent":
            _get(config, "dataproc.clusterId")
    else:
        for name in ("sparkSubmit", "python"):
            _location(config, "local." + name, cloud=False)
        _get(config, "local.master")
    return config


def load(path: str) -> Dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as handle:
            config = json.load(handle)
    except (OSError, ValueError) as error:
        raise PipelineConfigError(
            CONFIG_ENV, f"cannot read {path} ({error})", "point it at the rendered pipeline.json"
        ) from error
    return validate(config)


def load_from_env() -> Dict[str, Any]:
    path = os.environ.get(CONFIG_ENV)
    if not path:
        raise PipelineConfigError(
            CONFIG_ENV,
            "is not set",
            f"export {CONFIG_ENV}=/path/to/pipeline.json (compose sets it on the VM)",
        )
    return load(path)
