"""Arguments of the scoring and monitoring jobs of a run (pure; called by plan.plan_run)."""

from __future__ import annotations

from typing import Any, Dict, List

# The MLflow tag the monitor job sets to "ok" or "breach: ..." and check_monitoring reads: named here
# only, passed to the job as --verdict-tag.
VERDICT_TAG = "fraud_pipeline.monitoring_verdict"


def _credentials(config: Dict[str, Any]) -> List[str]:
    # A location, not the secret: the job reads the file with the cluster's own storage access.
    uri = config["mlflow"].get("credentialsUri")
    return ["--mlflow-credentials", uri] if uri else []


def scoring_args(
    config: Dict[str, Any], params: Dict[str, Any], clean_output: str, reports: str
) -> Dict[str, List[str]]:
    scores = config["data"]["scoresPrefix"]
    monitoring, mlflow_uri = config["monitoring"], config["mlflow"]["trackingUri"]
    score_args = [
        "--input", clean_output,
        "--output", scores,
        "--newest-days", str(config["scoring"]["newestDays"]),
        "--model-name", config["training"]["registeredModel"],
        "--mlflow-uri", mlflow_uri,
        "--report", reports + "/score_report.json",
    ] + _credentials(config)  # fmt: skip
    monitor_args = [
        "--scores", scores,
        "--cleaned", clean_output,
        "--lookback-days", str(monitoring["lookbackDays"]),
        # The run's label delay: a day's labels are in once this many days have passed.
        "--label-delay-days", str(params["delayDays"]),
        "--mlflow-uri", mlflow_uri,
        "--experiment", monitoring["experiment"],
        "--report", reports + "/monitoring_report.json",
        "--verdict-tag", VERDICT_TAG,
    ]  # fmt: skip
    for key, option in (("maxPsi", "--max-psi"), ("maxFnr", "--max-fnr"), ("maxFpr", "--max-fpr")):
        if monitoring[key] is not None:
            monitor_args += [option, repr(float(monitoring[key]))]
    return {"score_args": score_args, "monitor_args": monitor_args + _credentials(config)}
