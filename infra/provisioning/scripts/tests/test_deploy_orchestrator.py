"""deploy_orchestrator against a local target folder, a real MLflow server and a local health endpoint.

Docker Compose cannot run here (no Docker engine): the compose step is skipped with --no-compose;
file installation, secret-file modes, stale-file removal and the health waits run for real.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from conftest import SCRIPTS, free_port, load_script

deploy = load_script("orchestrator_vm/deploy_orchestrator.py")
SCRIPT = str(SCRIPTS / "orchestrator_vm" / "deploy_orchestrator.py")
SECRET = "sentinel-secret-value-1234"


@pytest.fixture(scope="module")
def mlflow_url(tmp_path_factory):
    store = tmp_path_factory.mktemp("mlflow")
    port = free_port()
    mlflow = os.path.join(os.path.dirname(sys.executable), "mlflow")
    process = subprocess.Popen(
        [
            mlflow,
            "server",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--backend-store-uri",
            f"file://{store}/runs",
            "--default-artifact-root",
            f"file://{store}/artifacts",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/health"
    try:
        yield url
    finally:
        # `mlflow server` runs gunicorn workers that outlive a terminated parent: end the whole group.
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def airflow_like_health():
    """The JSON shape of Airflow 3's /api/v2/monitor/health, served locally."""
    answers = {
        "state": {
            "metadatabase": {"status": "healthy"},
            "scheduler": {"status": "unhealthy"},
            "triggerer": {"status": None},
        }
    }

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server API)
            body = json.dumps(answers["state"]).encode()
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/api/v2/monitor/health", answers
    server.shutdown()


def bundle(root, health, extra=()):
    files = [{"path": f"{root}/compose/docker-compose.yaml", "content": "services: {}\n", "mode": 0o644}]
    files += [{"path": f"{root}/{rel}", "content": text, "mode": 0o644} for rel, text in extra]
    secrets = [{"path": f"{root}/secrets/airflow.env", "content": f"AIRFLOW_DB_PASSWORD={SECRET}\n", "mode": 0o600}]
    return json.dumps(
        {
            "files": files,
            "secretFiles": secrets,
            "health": health,
            "compose": {"file": f"{root}/compose/docker-compose.yaml"},
        }
    )


def run(root, stdin, *extra):
    return run_deploy(root, stdin, "--no-compose", *extra)


def run_deploy(root, stdin, *extra):
    return subprocess.run(
        [
            sys.executable,
            SCRIPT,
            "--root",
            str(root),
            "--health-timeout",
            "60",
            "--health-interval",
            "0.5",
            *extra,
        ],
        input=stdin,
        capture_output=True,
        text=True,
    )


def test_installs_files_waits_for_real_mlflow_and_is_idempotent(tmp_path, mlflow_url):
    health = [{"name": "mlflow", "url": mlflow_url}]
    dag = ("airflow/dags/fraud_pipeline.py", "dag = 1\n")
    first = run(tmp_path, bundle(tmp_path, health, [dag, ("old.txt", "x")]))
    assert first.returncode == 0, first.stderr
    assert "files: changed 4, unchanged 0, removed 0" in first.stdout
    assert f"healthy: mlflow ({mlflow_url})" in first.stdout
    assert oct((tmp_path / "secrets" / "airflow.env").stat().st_mode & 0o777) == "0o600"
    assert oct((tmp_path / "airflow" / "dags" / "fraud_pipeline.py").stat().st_mode & 0o777) == "0o644"
    before = (tmp_path / "airflow" / "dags" / "fraud_pipeline.py").stat().st_mtime_ns
    time.sleep(0.01)
    second = run(tmp_path, bundle(tmp_path, health, [dag]))
    assert "files: changed 0, unchanged 3, removed 1" in second.stdout
    assert (tmp_path / "airflow" / "dags" / "fraud_pipeline.py").stat().st_mtime_ns == before  # not rewritten
    assert not (tmp_path / "old.txt").exists()
    for result in (first, second):
        assert SECRET not in result.stdout + result.stderr


def test_unhealthy_service_fails_with_its_name(tmp_path, airflow_like_health):
    url, answers = airflow_like_health
    result = run(tmp_path, bundle(tmp_path, [{"name": "airflow", "url": url}]), "--health-timeout", "1")
    assert result.returncode == 1
    assert f"airflow at {url} not healthy after 1s (last: HTTP 200)" in result.stderr
    answers["state"] = {**answers["state"], "scheduler": {"status": "healthy"}}
    assert run(tmp_path, bundle(tmp_path, [{"name": "airflow", "url": url}])).returncode == 0


def test_unreachable_health_url_times_out(tmp_path):
    url = f"http://127.0.0.1:{free_port()}/health"
    result = run(tmp_path, bundle(tmp_path, [{"name": "mlflow", "url": url}]), "--health-timeout", "1")
    assert result.returncode == 1 and "mlflow at" in result.stderr and "URLError" in result.stderr


@pytest.mark.parametrize("path", ["/etc/passwd", "{root}/../escape", "{root}/.provisioning-manifest.json", "relative"])
def test_rejects_paths_outside_the_root(tmp_path, path):
    entry = {"path": path.format(root=tmp_path), "content": "x", "mode": 0o644}
    result = run(tmp_path, json.dumps({"files": [entry]}))
    assert result.returncode == 2 and "must be an absolute path under" in result.stderr
    assert not any(tmp_path.iterdir())


def test_rejects_a_world_readable_secret_file(tmp_path):
    entry = {"path": f"{tmp_path}/secrets/x.env", "content": SECRET, "mode": 0o644}
    result = run(tmp_path, json.dumps({"secretFiles": [entry]}))
    assert result.returncode == 2 and "must not be readable" in result.stderr and SECRET not in result.stderr


def test_bad_json_is_reported_without_echoing_it(tmp_path):
    result = run(tmp_path, "{" + SECRET)
    assert result.returncode == 2 and SECRET not in result.stderr


def test_health_rules():
    assert deploy.is_healthy(200, "OK")
    assert not deploy.is_healthy(503, "OK")
    assert deploy.is_healthy(200, json.dumps({"metadatabase": {"status": "healthy"}, "triggerer": {"status": None}}))
    assert not deploy.is_healthy(200, json.dumps({"triggerer": {"status": None}}))


def test_mlflow_server_answers_ok(mlflow_url):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            assert urllib.request.urlopen(mlflow_url, timeout=5).read() == b"OK"
            return
        except OSError:
            time.sleep(0.5)
    pytest.fail("mlflow server did not start")


# A stand-in for `docker compose`: `config --format json` is answered by compose-go (the library inside
# docker compose, built from infra/orchestrator/services/compose-validator), every other call is recorded.
FAKE_COMPOSE = """
import json, os, subprocess, sys
args = sys.argv[1:]
with open(os.environ["FAKE_COMPOSE_LOG"], "a") as log:
    log.write(json.dumps(args) + "\\n")
if "config" in args:
    sys.exit(subprocess.run([os.environ["COMPOSE_VALIDATOR"], args[args.index("-f") + 1]]).returncode)
"""

MOUNTING_COMPOSE = """
services:
  single:
    image: busybox
    volumes: ["./config/settings.json:/etc/app/settings.json:ro"]
  folder:
    image: busybox
    volumes: ["./config:/etc/app:ro"]
  secret:
    image: busybox
    secrets: [auth]
secrets:
  auth:
    file: {root}/secrets/auth.ini
"""


@pytest.fixture
def fake_compose(tmp_path, monkeypatch):
    validator = os.environ.get("COMPOSE_VALIDATOR")
    assert validator and os.path.isfile(validator), "COMPOSE_VALIDATOR must name the compose-go validator binary"
    script = tmp_path / "fake_compose.py"
    script.write_text(FAKE_COMPOSE)
    log = tmp_path / "compose.log"
    monkeypatch.setenv("FAKE_COMPOSE_LOG", str(log))
    return f"{sys.executable} {script}", log


def mounting_bundle(root, settings, auth):
    compose = f"{root}/compose/docker-compose.yaml"
    files = [
        {"path": compose, "content": MOUNTING_COMPOSE.format(root=root), "mode": 0o644},
        {"path": f"{root}/compose/config/settings.json", "content": settings, "mode": 0o644},
    ]
    secrets = [{"path": f"{root}/secrets/auth.ini", "content": auth, "mode": 0o600}]
    return json.dumps({"files": files, "secretFiles": secrets, "health": [], "compose": {"file": compose}})


def compose_calls(log):
    calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    log.unlink(missing_ok=True)
    return [call[call.index("up") :] for call in calls if "up" in call]


def test_recreates_only_services_that_mount_a_changed_file_on_its_own(tmp_path, fake_compose):
    compose, log = fake_compose
    root = tmp_path / "vm"
    deploy_with = lambda settings, auth: run_deploy(root, mounting_bundle(root, settings, auth), "--compose", compose)  # noqa: E731
    up = ["up", "--detach", "--build", "--wait", "--wait-timeout", "900"]

    first = deploy_with("{}", SECRET)
    assert first.returncode == 0, first.stderr
    # First deploy: everything is new, so both single-file mounts are recreated after the project is up.
    assert compose_calls(log) == [up + ["--remove-orphans"], up + ["--no-deps", "--force-recreate", "secret", "single"]]

    assert deploy_with("{}", SECRET).returncode == 0
    assert compose_calls(log) == [up + ["--remove-orphans"]]  # nothing changed: nothing recreated

    changed = deploy_with('{"window": 7}', SECRET)
    assert changed.returncode == 0, changed.stderr
    # `folder` sees the new file through its folder mount; `single` would keep the old inode.
    assert compose_calls(log) == [up + ["--remove-orphans"], up + ["--no-deps", "--force-recreate", "single"]]
    assert "compose: recreated single" in changed.stdout

    rotated = deploy_with('{"window": 7}', SECRET + "-rotated")
    assert compose_calls(log)[1][-1] == "secret"
    assert SECRET not in rotated.stdout + rotated.stderr


def test_single_file_mounts_from_a_resolved_project(tmp_path):
    folder = tmp_path / "config"
    folder.mkdir()
    project = {
        "services": {
            "a": {"volumes": [{"type": "bind", "source": str(folder / "x.json")}, {"type": "volume", "source": "db"}]},
            "b": {"volumes": [{"type": "bind", "source": str(folder)}], "secrets": [{"source": "s"}]},
        },
        "secrets": {"s": {"file": "/srv/secrets/s.ini"}},
    }
    assert deploy.single_file_mounts(project) == {"a": {str(folder / "x.json")}, "b": {"/srv/secrets/s.ini"}}
    assert deploy.services_to_recreate(project, {"/srv/secrets/s.ini"}) == ["b"]
    assert deploy.services_to_recreate(project, {str(folder / "y.json")}) == []
