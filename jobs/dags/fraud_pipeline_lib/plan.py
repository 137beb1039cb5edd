"""Per-run plan: checks the run's parameters and derives every location and job argument from them.

Pure functions: the `plan` task calls `plan_run` first, so a bad parameter fails the run before a cluster is
created or a job is submitted, and every output of a run goes under <prefix>/<run key>/ (no overwrites).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any, Dict, List


class ParamError(ValueError):
    def __init__(self, param: str, problem: str, fix: str) -> None:
        super().__init__(f"parameter {param}: {problem}. Fix: {fix}")


def run_key(run_id: str) -> str:
    """A path-safe, readable key per DAG run (run ids contain ':' and '+')."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", run_id).strip("_")


def cluster_name(run_id: str) -> str:
    """Data Proc names: <= 63 chars, lowercase, unique per run so a retry finds the run's own cluster."""
    return "fraud-pipeline-" + hashlib.sha256(run_id.encode()).hexdigest()[:16]


def _check_params(config: Dict[str, Any], params: Dict[str, Any]) -> None:
    prefix = str(params["input_prefix"])
    cloud = config["mode"] != "local"
    if cloud and not prefix.startswith("s3a://"):
        raise ParamError(
            "input_prefix",
            "must be an s3a:// URI in {} mode (got {!r})".format(config["mode"], prefix),
            "use s3a://<raw bucket>/<prefix>",
        )
    if not cloud and not prefix.startswith("/"):
        raise ParamError(
            "input_prefix",
            f"must be an absolute local path in local mode (got {prefix!r})",
            "use /path/to/raw",
        )
    try:
        dt.date.fromisoformat(str(params["train_start"]))
    except ValueError as error:
        raise ParamError(
            "train_start",
            "must be a date YYYY-MM-DD (got {!r})".format(params["train_start"]),
            "use 2019-09-01",
        ) from error
    for name in ("train_days", "delay_days", "test_days"):
        value = params[name]
        if not isinstance(value, int) or value < (0 if name == "delay_days" else 1):
            raise ParamError(name, f"must be a positive whole number of days (got {value!r})", "use 7")


def plan_run(config: Dict[str, Any], params: Dict[str, Any], run_id: str) -> Dict[str, Any]:
    _check_params(config, params)
    key = run_key(run_id)
    data, training = config["data"], config["training"]
    clean_output = "{}/{}".format(data["cleanPrefix"].rstrip("/"), key)
    reports = "{}/{}".format(data["reportsPrefix"].rstrip("/"), key)
    clean_report = reports + "/clean_report.json"
    clean_args: List[str] = [
        "--input", str(params["input_prefix"]),
        "--output", clean_output,
        "--report", clean_report,
        "--quarantine", "{}/{}".format(data["quarantinePrefix"].rstrip("/"), key),
    ]  # fmt: skip
    train_args: List[str] = [
        "--input", clean_output,
        "--train-start", str(params["train_start"]),
        "--train-days", str(params["train_days"]),
        "--delay-days", str(params["delay_days"]),
        "--test-days", str(params["test_days"]),
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
        "clean_args": clean_args,
        "train_args": train_args,
    }
