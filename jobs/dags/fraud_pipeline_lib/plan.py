"""Per-run plan: checks the run's parameters and derives every location and job argument from them.

Pure functions: the `plan` task calls `plan_run` first, so a bad parameter fails the run before a cluster is
created or a job is submitted, and every output of a run goes under <prefix>/<run key>/ (no overwrites),
except the cleaned data of scheduled runs: they share one dataset per raw prefix and add to it only the raw
files no earlier scheduled run cleaned, then train on the newest labelled window before their data
interval's end (a manual trigger cleans everything into its own folder and trains on its trainStart).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any, Dict, List, Optional

from fraud_pipeline_lib.config import RUN_PARAMS, location_pointer, refusal
from fraud_pipeline_lib.scoring_plan import scoring_args
from fraud_pipeline_lib.staging import plan_input

# The cleaning job's data-quality runs get an experiment of their own, named after the training one, so the
# training runs stay comparable among themselves (jobs/fraud_jobs/clean/README.md, "Data-quality report").
QUALITY_EXPERIMENT_SUFFIX = "-data-quality"


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


def scheduled_dataset(input_prefix: str) -> str:
    """Folder of the cleaned dataset scheduled runs share, one per raw prefix (a new prefix starts afresh)."""
    return "scheduled-" + hashlib.sha256(input_prefix.rstrip("/").encode()).hexdigest()[:12]


def plan_run(
    config: Dict[str, Any], params: Dict[str, Any], run_id: str, window_end: Optional[dt.date] = None
) -> Dict[str, Any]:
    """window_end: a scheduled run's data interval end (first day not complete); None for a manual run."""
    check_params(config, params)
    key = run_key(run_id)
    data, training = config["data"], config["training"]
    scheduled = window_end is not None
    dataset = scheduled_dataset(str(params["inputPrefix"])) if scheduled else key
    clean_output = "{}/{}".format(data["cleanPrefix"].rstrip("/"), dataset)
    reports = "{}/{}".format(data["reportsPrefix"].rstrip("/"), key)
    clean_report = reports + "/clean_report.json"
    clean_input, stage_args = plan_input(config, str(params["inputPrefix"]))
    clean_args: List[str] = [
        "--input", clean_input,
        "--output", clean_output,
        "--report", clean_report,
        "--quarantine", "{}/{}".format(data["quarantinePrefix"].rstrip("/"), key),
    ]  # fmt: skip
    if scheduled:
        clean_args.append("--new-files-only")
    start = (
        ["--window-end", window_end.isoformat()]
        if scheduled
        else ["--train-start", str(params["trainStart"])]
    )
    sweep = params.get("delaySweepDays", training["delaySweepDays"])
    train_args: List[str] = [
        "--input", clean_output,
        *start,
        "--train-days", str(params["trainDays"]),
        "--delay-days", str(params["delayDays"]),
        "--test-days", str(params["testDays"]),
        "--validation-folds", str(training["validationFolds"]),
        "--model", training["model"],
        "--feature-set", training["featureSet"],
        "--metrics-out", reports + "/metrics.json",
        "--mlflow-uri", config["mlflow"]["trackingUri"],
        "--experiment", training["experiment"],
        "--register", training["registeredModel"],
        "--quality-report", clean_report,
        # A retried train attempt finds the run's finished work by this key instead of registering again.
        "--idempotency-key", run_id,
    ]  # fmt: skip
    if sweep:
        train_args += ["--delay-sweep", ",".join(str(days) for days in sweep)]
    gates = training.get("qualityGates", {})
    for gate, option in (
        ("minAucRoc", "--gate-min-auc-roc"),
        ("minAveragePrecision", "--gate-min-average-precision"),
    ):
        if gate in gates:
            train_args += [option, str(gates[gate])]
    mlflow_login: List[str] = []
    if "credentialsUri" in config["mlflow"]:
        # A location, not the secret: the job reads the file with the cluster's own storage access.
        mlflow_login = ["--mlflow-credentials", config["mlflow"]["credentialsUri"]]
    train_args += mlflow_login
    quality_experiment = training["experiment"] + QUALITY_EXPERIMENT_SUFFIX
    clean_args += ["--mlflow-uri", config["mlflow"]["trackingUri"], "--experiment", quality_experiment]
    clean_args += mlflow_login
    return {
        "run_key": key,
        "cluster_name": cluster_name(run_id),
        "clean_output": clean_output,
        "stage_args": stage_args,
        "clean_args": clean_args,
        "train_args": train_args,
        **scoring_args(config, params, clean_output, reports),
    }
