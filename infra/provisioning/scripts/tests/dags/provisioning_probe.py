"""A two-task DAG for the run_pipeline tests: `prepare` always succeeds, `train` fails when the run
configuration asks for it, logging a secret-looking line the failure report must mask."""

from __future__ import annotations

import datetime

from airflow.sdk import DAG, get_current_context, task

with DAG(
    dag_id="provisioning_probe",
    schedule=None,
    start_date=datetime.datetime(2019, 8, 22),
    catchup=False,
    is_paused_upon_creation=True,
):

    @task
    def prepare() -> str:
        return "ready"

    @task
    def train(state: str) -> None:
        conf = get_current_context()["dag_run"].conf or {}
        print(f"training with window {conf.get('window')} after {state}")
        if conf.get("fail"):
            print("connecting with password=hunter2-probe")
            raise RuntimeError("probe failure requested by the run configuration")

    train(prepare())
