"""run_pipeline against a real local Airflow (jobs/.venv-airflow, `airflow standalone`) with a probe DAG:
trigger and wait, idempotent re-run, failure report with the task name and masked log tail, timeout, and
the wait for a DAG file Airflow has not parsed yet (new, changed, or with an import error)."""

from __future__ import annotations

import json
import os
import shutil
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
    # A copy of the DAG folder: the tests add DAG files Airflow has not parsed yet.
    dags = home / "dags"
    shutil.copytree(SCRIPTS / "tests" / "dags", dags, ignore=shutil.ignore_patterns("__pycache__"))
    port = free_port()
    env = {
        **os.environ,
        "PATH": f"{AIRFLOW_BIN}:{os.environ['PATH']}",
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
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


def trigger_args(env, prefix, timeout=180, dag="provisioning_probe", parse_timeout=180):
    return [
        sys.executable,
        SCRIPT,
        "--dag",
        dag,
        "--dag-file",
        str(Path(env["AIRFLOW__CORE__DAGS_FOLDER"]) / f"{dag}.py"),
        "--parse-timeout-seconds",
        str(parse_timeout),
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
    args = [sys.executable, SCRIPT, "--dag", "d", "--run-prefix", "p"]
    args += ["--airflow", "/nonexistent", "--logs-dir", "/tmp"]
    for conf, message in (("{not json", "not JSON"), ('["trainDays", 7]', "must be a JSON object")):
        refused = subprocess.run(args, input=conf, capture_output=True, text=True)
        assert refused.returncode == 2 and message in refused.stderr, (conf, refused.stderr)


def test_choose_run_and_masking_rules():
    runs = [{"run_id": "p-1", "state": "failed"}, {"run_id": "p-2", "state": "running"}]
    assert run_pipeline.choose_run(runs, "p") == ("p-2", False)
    assert run_pipeline.choose_run(runs[:1], "p") == ("p-2", True)
    assert run_pipeline.choose_run([], "p") == ("p-1", True)
    assert run_pipeline.mask_secrets("AWS_SECRET_ACCESS_KEY=abc token: 'x y'") == "AWS_SECRET_ACCESS_KEY=*** token: ***"
    assert run_pipeline.parse_json_output('2026 [warning] x\n[{"a": 1}]\n') == [{"a": 1}]


def add_dag(env, dag_id, extra_line=""):
    """A copy of the probe DAG under another id (and file), written as a deploy would: Airflow has not seen it."""
    folder = Path(env["AIRFLOW__CORE__DAGS_FOLDER"])
    source = (folder / "provisioning_probe.py").read_text().replace('"provisioning_probe"', f'"{dag_id}"')
    path = folder / f"{dag_id}.py"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(source + extra_line)
    tmp.replace(path)
    return path


def run_dag(env, prefix, dag, parse_timeout=180):
    args = trigger_args(env, prefix, dag=dag, parse_timeout=parse_timeout)
    return subprocess.run(args, input="{}", env=env, capture_output=True, text=True)


def test_waits_until_a_new_dag_is_parsed_then_triggers(airflow, tmp_path):
    # Hidden from the parser (.airflowignore) until the script has started: a deploy racing the DAG processor.
    ignore = Path(airflow["AIRFLOW__CORE__DAGS_FOLDER"]) / ".airflowignore"
    ignore.write_text("provisioning_late.py\n")  # a glob (the default syntax) and a regexp alike
    add_dag(airflow, "provisioning_late")
    args = trigger_args(airflow, "late", dag="provisioning_late")
    conf = tmp_path / "conf.json"
    conf.write_text("{}")
    with conf.open() as stdin:
        pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
        process = subprocess.Popen(args, env=airflow, text=True, stdin=stdin, **pipes)
    first_line = process.stdout.readline()  # the script's first word, while the DAG is still hidden
    ignore.unlink()
    stdout, stderr = process.communicate(timeout=400)
    result = subprocess.CompletedProcess(args, process.returncode, first_line + stdout, stderr)
    assert first_line.startswith("waiting for Airflow to parse provisioning_late: not in Airflow's database yet")
    assert result.returncode == 0, result.stderr
    assert "run late-1: success" in result.stdout


def test_waits_until_a_changed_dag_file_is_parsed_again(airflow):
    path = add_dag(airflow, "provisioning_changed")
    first = run_dag(airflow, "changed-a", "provisioning_changed")
    assert first.returncode == 0, first.stderr
    # A new version whose change Airflow cannot have parsed yet: its file time lies 45 s ahead (a fresh
    # write would race with the parser).
    add_dag(airflow, "provisioning_changed", extra_line="# a new version of the DAG\n")
    ahead = time.time() + 45
    os.utime(path, (ahead, ahead))
    again = run_dag(airflow, "changed-b", "provisioning_changed")
    assert again.returncode == 0, again.stderr
    assert "before its file changed" in again.stdout  # the previous version was not triggered
    assert "run changed-b-1: success" in again.stdout
    assert time.time() >= ahead


def test_an_import_error_fails_within_the_parse_bound_naming_the_file(airflow):
    path = add_dag(airflow, "provisioning_broken", extra_line="import not_a_module_of_this_test\n")
    try:
        started = time.monotonic()
        result = run_dag(airflow, "broken", "provisioning_broken", parse_timeout=60)
        elapsed = time.monotonic() - started
    finally:
        path.unlink()
    assert result.returncode == 1
    assert "DAG provisioning_broken is not ready to trigger after 60s: import error in" in result.stderr
    assert "provisioning_broken.py" in result.stderr and "not_a_module_of_this_test" in result.stderr
    assert elapsed < 60 + 60  # the bound plus one round of CLI calls
