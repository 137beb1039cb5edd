"""`local` mode end to end with dag.test(): generated data -> clean -> train -> a run on a real MLflow server
-> scoring with the champion -> monitoring -> the monitoring check.

Spark and MLflow come from the jobs' venv (jobs/.venv, scripts/setup-python.sh); Airflow from this venv.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request

import pytest
from airflow.utils.cli import get_bagged_dag
from conftest import REPO
from fraud_pipeline_lib import dag as dag_module
from fraud_pipeline_lib import mlflow_link
from fraud_pipeline_lib.config import CONFIG_ENV, validate

JOBS_VENV = REPO / "jobs" / ".venv" / "bin"
EXPERIMENT = "fraud-dag-e2e"
MONITORING_EXPERIMENT = "fraud-dag-e2e-monitoring"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def mlflow_server(tmp_path_factory):
    if not (JOBS_VENV / "mlflow").exists():
        pytest.fail("jobs/.venv is missing: run ./scripts/setup-python.sh first")
    root = tmp_path_factory.mktemp("mlflow")
    port = free_port()
    log = open(root / "server.log", "w")  # noqa: SIM115 (closed at teardown)
    server = subprocess.Popen(
        [
            str(JOBS_VENV / "mlflow"), "server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
            "--backend-store-uri", f"sqlite:///{root}/mlflow.db",
            "--serve-artifacts", "--artifacts-destination", str(root / "artifacts"),
        ],
        # mlflow starts gunicorn from PATH: the jobs' venv must come first.
        env=dict(os.environ, PATH=f"{JOBS_VENV}{os.pathsep}{os.environ['PATH']}"),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the gunicorn workers stop with it
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while True:
        try:
            urllib.request.urlopen(url + "/health", timeout=2)
            break
        except OSError:
            if time.time() > deadline or server.poll() is not None:
                os.killpg(server.pid, signal.SIGKILL)
                pytest.fail("the MLflow server did not start:\n" + (root / "server.log").read_text()[-3000:])
            time.sleep(1)
    yield url
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)
    log.close()


@pytest.fixture(scope="module")
def raw_data(tmp_path_factory):
    out = tmp_path_factory.mktemp("raw")
    subprocess.run(
        [
            str(JOBS_VENV / "python"), "-m", "fraud_jobs.generate", "--preset", "handbook",
            "--out", str(out), "--seed", "7", "--customers", "300", "--terminals", "300",
            "--days", "49", "--start", "2019-08-22",
        ],
        check=True,
    )  # fmt: skip
    return out


# 49 days: 2019-08-22 .. 10-09. The 9 newest days are scored (each needs the 3 days whose scores set its
# threshold and their 37 days of feature history: from 08-22); with labels 7 days late, 10-01 and 10-02
# get realised outcomes.
SCORED_DAYS = 9


def local_config(raw_data, work, mlflow_uri, *, retries=0, model="fraud-dag-e2e-model", max_psi=0.2) -> dict:
    """The `local` mode's pipeline.json for this data, output folder and MLflow server."""
    return validate(
        {
            "mode": "local",
            "schedule": None,
            "retries": retries,
            "retryDelayMinutes": 1,
            "jobTimeoutMinutes": 15,
            "clusterTimeoutMinutes": 10,
            "dagRunTimeoutMinutes": 30,
            "data": {
                "rawPrefix": str(raw_data),
                "cleanPrefix": str(work / "cleaned"),
                "reportsPrefix": str(work / "reports"),
                "quarantinePrefix": str(work / "quarantine"),
                "scoresPrefix": str(work / "scores"),
            },
            "jobs": {
                "cleanJob": str(REPO / "jobs" / "entrypoints" / "clean_job.py"),
                "trainJob": str(REPO / "jobs" / "entrypoints" / "train_job.py"),
                "scoreJob": str(REPO / "jobs" / "entrypoints" / "score_job.py"),
                "monitorJob": str(REPO / "jobs" / "entrypoints" / "monitor_job.py"),
                "pyFiles": [],
            },
            "training": {
                "model": "logistic_regression",
                "featureSet": "handbook",
                "trainStart": "2019-09-05",
                "trainDays": 7,
                "delayDays": 7,
                "testDays": 7,
                "validationFolds": 1,
                "delaySweepDays": [1, 3, 7],
                "experiment": EXPERIMENT,
                "registeredModel": model,
                # 300 customers cannot reach the 0.85 / 0.50 gates: no champion, nothing to score.
                "qualityGates": {"minAucRoc": 0, "minAveragePrecision": 0},
            },
            "scoring": {"newestDays": SCORED_DAYS},
            "monitoring": {
                "experiment": MONITORING_EXPERIMENT,
                "lookbackDays": 30,
                "maxPsi": max_psi,
                "maxFnr": None,
                "maxFpr": None,
            },
            "mlflow": {"trackingUri": mlflow_uri, "uiUrl": mlflow_uri},
            "local": {
                "sparkSubmit": str(JOBS_VENV / "spark-submit"),
                "python": str(JOBS_VENV / "python"),
                "master": "local[2]",
                # Small data: Spark's default 200 shuffle partitions would cost minutes of task overhead.
                "conf": {"spark.sql.shuffle.partitions": "4"},
            },
        }
    )


def test_local_mode_cleans_trains_scores_and_monitors(
    airflow_db, mlflow_server, raw_data, tmp_path, caplog, capfd, monkeypatch
):
    work = tmp_path / "work"
    # A PSI limit every day breaks: the dedicated check task must fail, and only it.
    config = local_config(raw_data, work, mlflow_server, max_psi=1e-9)
    config_file = tmp_path / "pipeline.json"
    config_file.write_text(json.dumps(config))
    monkeypatch.setenv(CONFIG_ENV, str(config_file))
    # Like `airflow dags test`: parse the DAG folder, serialize it to the metadata DB (dag.test() needs it).
    dag = get_bagged_dag(None, "fraud_pipeline")
    started = time.time()
    caplog.set_level("INFO")
    run = dag.test()
    print(f"local DAG run: {time.time() - started:.1f} s")
    states = {ti.task_id: ti.state for ti in run.get_task_instances()}
    assert states == {
        "plan": "success",
        "clean": "success",
        "train": "success",
        "score": "success",
        "monitor": "success",
        "report_mlflow_run": "success",
        "check_monitoring": "failed",
    }, states

    reports = list((work / "reports").glob("*/clean_report.json"))
    assert len(reports) == 1
    assert json.loads(reports[0].read_text())["rows_written"] > 0
    assert len(list((work / "reports").glob("*/metrics.json"))) == 1
    found = mlflow_link.latest_run(mlflow_server, EXPERIMENT, int(started * 1000))
    assert found is not None and found["info"]["status"] == "FINISHED"
    # The cleaning job's data-quality report: next to its report, and as a run of its own experiment.
    assert len(list((work / "reports").glob("*/clean_report.quality.json"))) == 1
    quality = mlflow_link.latest_run(mlflow_server, EXPERIMENT + "-data-quality", int(started * 1000))
    assert quality is not None and quality["info"]["status"] == "FINISHED"
    # Operator logs go through Airflow's structlog to stdout; plain loggers reach caplog.
    logs = capfd.readouterr().out + caplog.text
    assert "Spark driver output: this task log" in logs
    assert mlflow_link.run_link(mlflow_server, found) in logs

    scored = json.loads(next((work / "reports").glob("*/score_report.json")).read_text())
    assert scored["model_name"] == "fraud-dag-e2e-model" and scored["model_version"] == "1"
    assert scored["days"][0] == "2019-10-01" and scored["days"][-1] == "2019-10-09"
    assert scored["rows_scored"] > 0 and len(scored["per_day"]) == SCORED_DAYS
    assert sorted(p.name for p in (work / "scores").glob("tx_date=*")) == [
        f"tx_date={day}" for day in scored["days"]
    ]
    monitoring = json.loads(next((work / "reports").glob("*/monitoring_report.json")).read_text())
    assert [d["day"] for d in monitoring["days"]] == scored["days"]
    assert [d["day"] for d in monitoring["days"] if d["labels"]] == ["2019-10-01", "2019-10-02"]
    assert monitoring["status"] == "breach" and monitoring["breaches"]
    assert "PSI of" in logs and "MonitoringBreach" in logs


@pytest.fixture(scope="module")
def three_raw_files(tmp_path_factory):
    """75 days from 2019-08-22: files of 30, 30 and 15 days (2019-08-22, 09-21, 10-21)."""
    out = tmp_path_factory.mktemp("raw75")
    subprocess.run(
        [
            str(JOBS_VENV / "python"), "-m", "fraud_jobs.generate", "--preset", "handbook",
            "--out", str(out), "--seed", "7", "--customers", "300", "--terminals", "300",
            "--days", "75", "--start", "2019-08-22",
        ],
        check=True,
    )  # fmt: skip
    return sorted(out.glob("*.txt"))


def test_scheduled_runs_clean_only_new_files_and_move_their_window(
    airflow_db, mlflow_server, three_raw_files, tmp_path, monkeypatch
):
    """Two scheduled runs on one raw prefix, a third raw file landing between them: the first cleans two
    files, the second only the new one, and trains on the newest labelled window of the grown data."""
    raw, work = tmp_path / "raw", tmp_path / "work"
    raw.mkdir()
    for source in three_raw_files[:2]:
        shutil.copy(source, raw / source.name)
    config = local_config(raw, work, mlflow_server, model="fraud-dag-e2e-scheduled")
    config = validate(
        {
            **config,
            "schedule": "@daily",
            # Two runs back to back: 15 minutes a job was too short on the shared machine (load average 70).
            "jobTimeoutMinutes": 45,
            "dagRunTimeoutMinutes": 120,
            "training": {**config["training"], "delaySweepDays": []},
        }
    )
    config_file = tmp_path / "pipeline.json"
    config_file.write_text(json.dumps(config))
    monkeypatch.setenv(CONFIG_ENV, str(config_file))
    # dag.test() always makes manual runs; _plan tells the two apart by run type, so these count as scheduled.
    monkeypatch.setattr(dag_module, "SCHEDULED_RUN_TYPES", ("manual",))
    dag = get_bagged_dag(None, "fraud_pipeline")
    for day in (10, 11):
        # Intervals after the DAG's start date (2026): the data ends earlier, so each run's window ends at
        # the newest day of the data cleaned so far.
        run = dag.test(logical_date=dt.datetime(2026, 1, day, tzinfo=dt.timezone.utc))
        states = {ti.task_id: ti.state for ti in run.get_task_instances()}
        # The monitoring verdict on 300 customers is not this test's subject (the test above covers it):
        # every other task, scoring and monitoring included, must succeed.
        judged = {task: state for task, state in states.items() if task != "check_monitoring"}
        assert judged and set(judged.values()) == {"success"}, states
        shutil.copy(three_raw_files[2], raw / three_raw_files[2].name)

    reports = sorted((work / "reports").iterdir(), key=lambda folder: folder.name)
    assert len(reports) == 2
    cleaned = [json.loads((folder / "clean_report.json").read_text()) for folder in reports]
    assert [report["input_files"] for report in cleaned] == [2, 1]
    datasets = list((work / "cleaned").iterdir())
    assert len(datasets) == 1 and (datasets[0] / "_cleaned_inputs.json").is_file()
    metrics = [json.loads((folder / "metrics.json").read_text()) for folder in reports]
    # Newest days 2019-10-20 then 11-04: test windows end 7 days (the delay) before the next day.
    assert [m["window"]["test_end"] for m in metrics] == ["2019-10-14", "2019-10-29"]
    assert all(m["business"]["delay_sweep"] == {} for m in metrics)
    assert all(m["input_files"]["read"] < m["input_files"]["present"] for m in metrics)
