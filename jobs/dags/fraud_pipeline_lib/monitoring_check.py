"""check_monitoring: fails when the run's monitoring job found a breach, so the Airflow UI, its failure
callbacks and the run's state show it. Reads the verdict tag of the monitoring run over MLflow's REST API
(no storage access or MLflow client needed on the Airflow host)."""

from __future__ import annotations

import logging
from typing import Any, Dict

from airflow.providers.standard.operators.python import PythonOperator

from fraud_pipeline_lib import mlflow_link
from fraud_pipeline_lib.scoring_plan import VERDICT_TAG

log = logging.getLogger(__name__)
PASSED = "ok"


class MonitoringBreach(RuntimeError):
    pass


def verdict_of(run: Dict[str, Any]) -> str:
    tags = {tag["key"]: tag["value"] for tag in run.get("data", {}).get("tags", [])}
    if VERDICT_TAG not in tags:
        raise RuntimeError(f"the monitoring run {run['info']['run_id']} has no {VERDICT_TAG} tag")
    return tags[VERDICT_TAG]


def check_monitoring(tracking_uri: str, ui_url: str, experiment: str, dag_run: Any) -> str:
    started = dag_run.start_date or dag_run.queued_at
    run = mlflow_link.latest_run(tracking_uri, experiment, int(started.timestamp() * 1000))
    if run is None:
        raise RuntimeError(f"no MLflow run in experiment {experiment!r} since this DAG run started: "
                           "the monitor task did not log")  # fmt: skip
    link = mlflow_link.run_link(ui_url, run)
    verdict = verdict_of(run)
    if verdict != PASSED:
        raise MonitoringBreach(f"{verdict} (report and plots: {link})")
    log.info("monitoring passed: %s", link)
    return link


def monitoring_check_task(config: Dict[str, Any]) -> PythonOperator:
    mlflow = config["mlflow"]
    return PythonOperator(
        task_id="check_monitoring",
        python_callable=check_monitoring,
        op_kwargs={
            "tracking_uri": mlflow["trackingUri"],
            "ui_url": mlflow["uiUrl"],
            "experiment": config["monitoring"]["experiment"],
        },
        # A breach is a verdict, not a glitch: retrying would only repeat it.
        retries=0,
    )
