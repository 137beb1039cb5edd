"""Per-run plan: checks the run's parameters and derives every location and job argument from them.

Pure functions: the `plan` task calls `plan_run` first, so a bad parameter fails the run before a cluster is
created or a job is submitted, and every output of a run goes under <prefix>/<run key>/ (no overwrites).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, Dict, List

from fraud_pipeline_lib.config import RUN_PARAMS, location_pointer, refusal
from fraud_pipeline_lib.staging import plan_input


class ParamError(ValueError):
    def __init__(self, param: str, problem: str, fix: str) -> None:
        super().__init__(f"parameter {param}: {problem}. Fix: {fix}")


def run_key(run_id: str) -> str:
    """A path-safe, readable key per DAG run (run ids contain ':' and '+')."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", run_id).strip("_")


def cluster_name(run_id: str) -> str:
    """Data Proc names: <= 63 chars, lowercase, unique per run so a retry finds the run's own cluster."""
    return "fraud-pipeline-" + hashlib.sha256(run_id.encode()).hexdigest()[:16]


def check_params(config: Dict[str, Any], params: Dict[str, Any]) -> None:
    """The run's parameters against the contract's runParams, inputPrefix as a location of the config's mode.
    Same schema as the Params' own checks, plus what those miss: Airflow keeps unknown keys silently."""
    refused = refusal(dict(params), RUN_PARAMS)
    if refused is None:
        location = refusal(params["inputPrefix"], location_pointer(config["mode"]))
        refused = location and ("inputPrefix", location[1])
    if refused:
        raise ParamError(refused[0], refused[1], f"trigger with keys and values that match {RUN_PARAMS}")


def plan_run(config: Dict[str, Any], params: Dict[str, Any], run_id: str) -> Dict[str, Any]:
    check_params(config, params)
    key = run_key(run_id)
    data, training = config["data"], config["training"]
    clean_output = "{}/{}".format(data["cleanPrefix"].rstrip("/"), key)
    reports = "{}/{}".format(data["reportsPrefix"].rstrip("/"), key)
    clean_report = reports + "/clean_report.json"
    clean_input, stage_args = plan_input(config, str(params["inputPrefix"]))
    clean_args: List[str] = [
        "--input", clean_input,
        "--output", clean_output,
        "--report", clean_report,
        "--quarantine", "{}/{}".format(data["quarantinePrefix"].rstrip("/"), key),
    ]  # fmt: skip
    train_args: List[str] = [
        "--input", clean_output,
        "--train-start", str(params["trainStart"]),
        "--train-days", str(params["trainDays"]),
        "--delay-days", str(params["delayDays"]),
        "--test-days", str(params["testDays"]),
        "--validation-folds", str(training["validationFolds"]),
        "--delay-sweep", ",".join(str(days) for days in training["delaySweepDays"]),
        "--model", training["model"],
        "--metrics-out", reports + "/metrics.json",
        "--mlflow-uri", config["mlflow"]["trackingUri"],
        "--experiment", training["experiment"],
        "--register", training["registeredModel"],
        "--quality-report", clean_report,
    ]  # fmt: skip
    if "credentialsUri" in config["mlflow"]:
        # A location, not the secret: the job reads the file with the cluster's own storage access.
        train_args += ["--mlflow-credentials", config["mlflow"]["credentialsUri"]]
    return {
        "run_key": key,
        "cluster_name": cluster_name(run_id),
        "clean_output": clean_output,
        "stage_args": stage_args,
        "clean_args": clean_args,
        "train_args": train_args,
    }
