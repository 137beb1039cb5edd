"""Finds the MLflow run the training task created and logs its link (REST API: no MLflow client needed)."""

from __future__ import annotations

import logging
import os
from typing import Any, Dict, Optional

import requests

log = logging.getLogger(__name__)


def _auth() -> Optional[tuple]:
    user, password = os.environ.get("MLFLOW_TRACKING_USERNAME"), os.environ.get("MLFLOW_TRACKING_PASSWORD")
    return (user, password) if user and password else None


def latest_run(tracking_uri: str, experiment: str, started_after_ms: int) -> Optional[Dict[str, Any]]:
    base = tracking_uri.rstrip("/") + "/api/2.0/mlflow"
    response = requests.get(
        base + "/experiments/get-by-name", params={"experiment_name": experiment}, auth=_auth(), timeout=30
    )
    if response.status_code == 404:
        return None
    response.raise_for_status()
    experiment_id = response.json()["experiment"]["experiment_id"]
    search = requests.post(
        base + "/runs/search",
        json={
            "experiment_ids": [experiment_id],
            "filter": f"attributes.start_time >= {started_after_ms}",
            "order_by": ["attributes.start_time DESC"],
            "max_results": 1,
        },
        auth=_auth(),
        timeout=30,
    )
    search.raise_for_status()
    runs = search.json().get("runs", [])
    return runs[0] if runs else None


def run_link(ui_url: str, run: Dict[str, Any]) -> str:
    info = run["info"]
    return "{}/#/experiments/{}/runs/{}".format(ui_url.rstrip("/"), info["experiment_id"], info["run_id"])


def report_run(tracking_uri: str, ui_url: str, experiment: str, started_after_ms: int) -> str:
    run = latest_run(tracking_uri, experiment, started_after_ms)
    if run is None:
        raise RuntimeError(
            f"no MLflow run in experiment {experiment!r} since this DAG run started: training did not log"
        )
    link = run_link(ui_url, run)
    log.info("MLflow run: %s", link)
    return link
