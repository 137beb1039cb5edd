"""run_pipeline against a real local Airflow (jobs/.venv-airflow, `airflow standalone`) with a probe DAG:
trigger and wait, idempotent re-run, failure report with the task name and masked log tail, timeout."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import SCRIPTS, free_port, load_script

run_pipeline = load_script("orchestrator_vm/run_pipeline.py")
SCRIPT = str(SCRIPTS / "orchestrator_vm" / "run_pipeline.py")
AIRFLOW_BIN = SCRIPTS.parents[2] / "jobs" / ".venv-airflow" / "bin"


@pytest.fixture(scope="module")
def airflow(tmp_path_factory):
    if not (AIRFLOW_BIN / "airflow").exists():
        pytest.fail(
            "jobs/.venv-airflow is missing: run scripts/setup-airflow.sh (scripts/test.d/50-provisioning.sh does)"
        )
    home = tmp_path_factory.mktemp("airflow-home")
    port = free_port()
    env = {
        **os.environ,
        "PATH": f"{AIRFLOW_BIN}:{os.environ['PATH']}",
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(SCRIPTS / "tests" / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
    }
    log = open(home / "standalone.log", "w")
    process = subprocess.Popen(
        [str(AIRFLOW_BIN / "airflow"), "standalone"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for_dag(env, f"http://127.0.0.1:{port}/api/v2/monitor/health")
        yield env
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pass
        # Workers of `airflow standalone` can outlive it: end whatever is left of its process group.
        time.sleep(2)
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        log.close()


def wait_for_dag(env, health_url):
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(health_url, timeout=5).read()
            listed = subprocess.run(
                [str(AIRFLOW_BIN / "airflow"), "dags", "list", "-o", "json"], env=env, capture_output=True, text=True
            )
            if "provisioning_probe" in listed.stdout:
                return
        except OSError:
            pass
        time.sleep(2)
    pytest.fail("local Airflow did not start or did not parse the probe DAG within 240 s")


def trigger_args(env, prefix, timeout=180):
    return [
        sys.executable,
        SCRIPT,
        "--dag",
        "provisioning_probe",
        "--run-prefix",
        prefix,
        "--airflow",
        str(AIRFLOW_BIN / "airflow"),
        "--logs-dir",
        str(Path(env["AIRFLOW_HOME"]) / "logs"),
        "--timeout-seconds",
        str(timeout),
        "--poll-seconds",
        "1",
    ]


def trigger(env, prefix, conf):
    return subprocess.run(trigger_args(env, prefix), input=json.dumps(conf), env=env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def two_runs(airflow):
    """A succeeding and a failing run, triggered at the same time (the Airflow CLI is slow to start)."""
    confs = {"probe-ok": {"window": "2019-08-22/7"}, "probe-bad": {"window": "w", "fail": True}}
    running = {
        prefix: subprocess.Popen(
            trigger_args(airflow, prefix),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=airflow,
            text=True,
        )
        for prefix in confs
    }
    results = {}
    for prefix, process in running.items():
        stdout, stderr = process.communicate(json.dumps(confs[prefix]), timeout=400)
        results[prefix] = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    return results


def test_success_then_rerun_waits_on_nothing(airflow, two_runs):
    first = two_runs["probe-ok"]
    assert first.returncode == 0, first.stderr
    assert "triggered provisioning_probe run probe-ok-1" in first.stdout
    assert "run probe-ok-1: success (prepare=success, train=success)" in first.stdout
    again = trigger(airflow, "probe-ok", {"window": "2019-08-22/7"})
    assert again.returncode == 0 and "triggered" not in again.stdout  # idempotent: the run already succeeded
    assert "found provisioning_probe run probe-ok-1" in again.stdout


def test_failure_names_the_task_and_shows_a_masked_log_tail(two_runs):
    failed = two_runs["probe-bad"]
    assert failed.returncode == 1
    assert "pipeline run probe-bad-1 failed: task 'train' failed" in failed.stderr
    assert "probe failure requested by the run configuration" in failed.stderr
    assert "password=***" in failed.stderr and "hunter2-probe" not in failed.stderr


def test_bad_arguments_fail_before_airflow_is_called():
    bad = subprocess.run(
        [
            sys.executable,
            SCRIPT,
            "--dag",
            "d",
            "--run-prefix",
            "a b",
            "--airflow",
            "/nonexistent",
            "--logs-dir",
            "/tmp",
        ],
        input="{}",
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "--run-prefix" in bad.stderr
    conf = subprocess.run(
        [sys.executable, SCRIPT, "--dag", "d", "--run-prefix", "p", "--airflow", "/nonexistent", "--logs-dir", "/tmp"],
        input="{not json",
        capture_output=True,
        text=True,
    )
    assert conf.returncode == 2 and "not JSON" in conf.stderr
    listed = subprocess.run(
        [sys.executable, SCRIPT, "--dag", "d", "--run-prefix", "p", "--airflow", "/nonexistent", "--logs-dir", "/tmp"],
        input='["trainDays", 7]',
        capture_output=True,
        text=True,
    )
    assert listed.returncode == 2 and "must be a JSON object" in listed.stderr


def test_choose_run_and_masking_rules():
    runs = [{"run_id": "p-1", "state": "failed"}, {"run_id": "p-2", "state": "running"}]
    assert run_pipeline.choose_run(runs, "p") == ("p-2", False)
    assert run_pipeline.choose_run(runs[:1], "p") == ("p-2", True)
    assert run_pipeline.choose_run([], "p") == ("p-1", True)
    assert run_pipeline.mask_secrets("AWS_SECRET_ACCESS_KEY=abc token: 'x y'") == "AWS_SECRET_ACCESS_KEY=*** token: ***"
    assert run_pipeline.parse_json_output('2026 [warning] x\n[{"a": 1}]\n') == [{"a": 1}]
