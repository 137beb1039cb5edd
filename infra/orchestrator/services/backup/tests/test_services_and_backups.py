"""The VM's MLflow on a real PostgreSQL with basic auth and S3 artifacts, and the database backup's round trip."""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from base64 import b64encode

import mlflow
import psutil
import pytest
from conftest import SCRIPT, s3_client
from mlflow import MlflowClient
from mlflow.server.auth.client import AuthServiceClient

MODEL = "fraud-detector"


MIGRATE_SCRIPT = os.path.join(os.path.dirname(__file__), "..", "..", "..", "images", "mlflow", "migrate_auth_db.py")


def auth_migrate_command(rendered, server):
    """The one-shot auth-database migration the rendered compose runs before MLflow's workers start (each
    worker would otherwise migrate concurrently): the same script, on this machine's Python."""
    service = rendered.services["mlflow-auth-migrate"]
    command = [str(part) for part in service["command"]]
    assert command[-1].endswith("/" + os.path.basename(MIGRATE_SCRIPT)), command
    assert "MLFLOW_AUTH_CONFIG_PATH" in server.env, "the script reads the database URI from the auth config"
    return [sys.executable, MIGRATE_SCRIPT]


def start_like_vm(rendered, postgres, mlflow_factory, port=0):
    server = mlflow_factory(postgres, port)
    migrate = auth_migrate_command(rendered, server)
    subprocess.run(migrate, env=server.env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Migrated once, before any worker exists (the workers then find the schema at head and leave it).
    assert postgres.sql("mlflow_auth", "SELECT count(*) FROM alembic_version") == "1"
    server.start()
    return server


def gunicorn_workers(server):
    """Worker processes: gunicorn processes whose parent is the gunicorn master the server started."""
    processes = psutil.Process(server.process.pid).children(recursive=True)
    gunicorn = [p for p in processes if "gunicorn" in " ".join(p.cmdline())]
    masters = {p.pid for p in gunicorn}
    return [p for p in gunicorn if p.ppid() in masters]


def cluster_credentials(rendered):
    """What the Airflow tasks and (through mlflow-client.json, the same admin login) the training job use."""
    env = rendered.env_file("airflow.env")
    return env["MLFLOW_TRACKING_USERNAME"], env["MLFLOW_TRACKING_PASSWORD"]


def client_as(server, monkeypatch, username, password):
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", username)
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", password)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", server.url)
    mlflow.set_tracking_uri(server.url)  # mlflow-artifacts: URIs resolve against the process-wide one
    return MlflowClient(tracking_uri=server.url, registry_uri=server.url)


def status_of(url, username=None, password=None):
    request = urllib.request.Request(url)
    if username is not None:
        token = b64encode("{}:{}".format(username, password).encode()).decode()
        request.add_header("Authorization", "Basic " + token)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def log_and_register(client, tmp_path, experiment_id, name, accuracy):
    run = client.create_run(experiment_id, run_name=name, tags={"purpose": "test"})
    client.log_param(run.info.run_id, "model", name)
    client.log_metric(run.info.run_id, "recall", accuracy)
    artifact = tmp_path / "{}.txt".format(name)
    artifact.write_text("model {}\n".format(name))
    client.log_artifact(run.info.run_id, str(artifact), artifact_path="model")
    client.set_terminated(run.info.run_id)
    return client.create_model_version(MODEL, "runs:/{}/model".format(run.info.run_id), run_id=run.info.run_id)


def test_mlflow_as_on_the_vm(
    rendered, postgres_factory, mlflow_factory, s3_endpoint, s3_credentials, tmp_path, monkeypatch
):
    postgres = postgres_factory("vm")
    server = start_like_vm(rendered, postgres, mlflow_factory)
    assert server.workers == 2
    assert len(gunicorn_workers(server)) == server.workers

    username, password = cluster_credentials(rendered)
    client = client_as(server, monkeypatch, username, password)
    experiment_id = client.create_experiment("fraud-detection")
    client.create_registered_model(MODEL)
    version = log_and_register(client, tmp_path, experiment_id, "rf", 0.9)
    client.set_registered_model_alias(MODEL, "champion", version.version)
    assert client.get_model_version_by_alias(MODEL, "champion").run_id == version.run_id

    # Artifacts went through the server (mlflow-artifacts:) into the rendered bucket and prefix.
    assert client.get_experiment(experiment_id).artifact_location.startswith("mlflow-artifacts:")
    destination = server.command[server.command.index("--artifacts-destination") + 1]
    bucket, prefix = destination[len("s3://") :].split("/", 1)
    s3 = s3_client(s3_endpoint, s3_credentials)
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket, Prefix=prefix + "/").get("Contents", [])]
    assert any(key.endswith("/model/rf.txt") for key in keys), keys

    search = server.url + "/api/2.0/mlflow/experiments/search?max_results=5"
    assert status_of(search, username, password) == 200
    assert status_of(search, username, password + "-wrong") == 401
    assert status_of(search) == 401


# --- backups -----------------------------------------------------------------------------------------------


def backup_command(rendered, service, postgres, s3_endpoint, s3_credentials, action):
    """The rendered backup service's entrypoint and environment, pointed at the local servers."""
    spec = rendered.services[service]
    entrypoint = list(spec["entrypoint"])
    entrypoint[0:2] = [sys.executable, str(SCRIPT)]
    entrypoint[entrypoint.index("--s3-endpoint") + 1] = s3_endpoint
    env = dict(os.environ, **spec["environment"])
    for name in spec["env_file"]:
        env.update(rendered.env_file(os.path.basename(name)))
    env.update(s3_credentials)
    env.update(PGHOST="127.0.0.1", PGPORT=str(postgres.port), PATH=postgres.libpq_env()["PATH"])
    env.pop("PGPASSWORD", None)
    return entrypoint + action, env


def run_backup_tool(rendered, service, postgres, s3_endpoint, s3_credentials, *action):
    """Runs it; `.stdout` is what it prints (list), `.output` adds its log (stderr)."""
    command, env = backup_command(rendered, service, postgres, s3_endpoint, s3_credentials, list(action))
    result = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    result.output = result.stdout + result.stderr
    return result


def inventory(client, postgres):
    """Everything a restore must bring back: runs, versions, aliases, users and their permissions."""
    runs = []
    for experiment in client.search_experiments():
        for run in client.search_runs([experiment.experiment_id]):
            runs.append(
                (
                    experiment.name,
                    run.info.run_id,
                    run.info.run_name,
                    run.info.status,
                    dict(run.data.params),
                    dict(run.data.metrics),
                    run.data.tags.get("purpose"),
                )
            )
    versions = sorted(
        (v.name, v.version, v.run_id, v.source) for v in client.search_model_versions("name='{}'".format(MODEL))
    )
    aliases = sorted(client.get_registered_model(MODEL).aliases.items())
    users = postgres.sql(
        "mlflow_auth", "SELECT string_agg(username || ':' || is_admin, ',' ORDER BY username) FROM users"
    )
    permissions = postgres.sql(
        "mlflow_auth",
        "SELECT string_agg(experiment_id || ':' || permission, ',' ORDER BY experiment_id) FROM experiment_permissions",
    )
    airflow = postgres.sql("airflow", "SELECT string_agg(dag_id, ',' ORDER BY dag_id) FROM marker_dag_runs")
    return {
        "runs": sorted(runs, key=lambda r: r[1]),
        "versions": versions,
        "aliases": aliases,
        "users": users,
        "experiment_permissions": permissions,
        "airflow_rows": airflow,
    }


def test_backup_restores_on_a_new_vm(
    rendered, postgres_factory, mlflow_factory, s3_endpoint, s3_credentials, tmp_path, monkeypatch
):
    old_vm = postgres_factory("old-vm")
    server = start_like_vm(rendered, old_vm, mlflow_factory)
    username, password = cluster_credentials(rendered)
    client = client_as(server, monkeypatch, username, password)
    experiment_id = client.create_experiment("fraud-detection")
    client.create_registered_model(MODEL)
    first = log_and_register(client, tmp_path, experiment_id, "lr", 0.8)
    second = log_and_register(client, tmp_path, experiment_id, "rf", 0.9)
    client.set_registered_model_alias(MODEL, "champion", second.version)
    client.set_registered_model_alias(MODEL, "previous", first.version)
    auth = AuthServiceClient(server.url)
    auth.create_user("analyst", "analyst-pass-1")
    auth.create_experiment_permission(experiment_id, "analyst", "EDIT")
    # The Airflow database's owner writes to it as Airflow would (Airflow's own schema is not built here).
    airflow_env = dict(
        old_vm.libpq_env(), PGUSER="airflow", PGPASSWORD=rendered.env_file("postgres.env")["AIRFLOW_DB_PASSWORD"]
    )
    subprocess.run(
        [
            "psql",
            "-X",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            "airflow",
            "-c",
            "CREATE TABLE marker_dag_runs (dag_id text); INSERT INTO marker_dag_runs VALUES ('fraud_pipeline')",
        ],
        env=airflow_env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    before = inventory(client, old_vm)

    result = run_backup_tool(rendered, "db-backup", old_vm, s3_endpoint, s3_credentials, "backup")
    assert result.returncode == 0, result.output
    assert "PGPASSWORD" not in result.output and old_vm.password not in result.output
    server.stop()
    old_vm.stop()

    # A new VM: empty databases from the init script; the boot-time restore runs before MLflow starts.
    new_vm = postgres_factory("new-vm")
    result = run_backup_tool(
        rendered, "db-restore", new_vm, s3_endpoint, s3_credentials, *rendered.services["db-restore"]["command"]
    )
    assert result.returncode == 0, result.output
    assert "restored mlflow_auth" in result.output
    # Same address as before, as the VM's MLflow URL stays the same (clients cache mlflow-artifacts: endpoints).
    server = start_like_vm(rendered, new_vm, mlflow_factory, server.port)
    client = client_as(server, monkeypatch, username, password)
    after = inventory(client, new_vm)
    print("restore inventory:", json.dumps({"before": before, "after": after}, indent=1, default=str))
    assert after == before
    assert len(before["runs"]) == 2 and len(before["versions"]) == 2
    assert before["aliases"] == [("champion", second.version), ("previous", first.version)]
    assert before["users"] == "admin:true,analyst:false"
    # Restored logins and ownership work: the analyst signs in; the tables belong to the application users.
    assert (
        status_of(server.url + "/api/2.0/mlflow/experiments/search?max_results=5", "analyst", "analyst-pass-1") == 200
    )
    assert new_vm.sql("mlflow", "SELECT tableowner FROM pg_tables WHERE tablename = 'runs'") == "mlflow"
    # The restored registry's artifacts are still readable (they never left the bucket).
    (tmp_path / "download").mkdir()
    downloaded = client.download_artifacts(second.run_id, "model/rf.txt", str(tmp_path / "download"))
    assert open(downloaded).read() == "model rf\n"

    # Booting again does nothing; a manual restore into databases holding data is refused and changes nothing.
    result = run_backup_tool(rendered, "db-restore", new_vm, s3_endpoint, s3_credentials, "restore-if-fresh")
    assert result.returncode == 0 and "nothing to restore" in result.output, result.output
    result = run_backup_tool(rendered, "db-restore", new_vm, s3_endpoint, s3_credentials, "restore")
    assert result.returncode == 1 and "already hold tables" in result.output, result.output
    assert inventory(client, new_vm) == before


def test_restore_guards(rendered, postgres_factory, s3_endpoint, s3_credentials):
    fresh = postgres_factory("fresh")
    prefix_args = rendered.services["db-restore"]["entrypoint"]
    bucket = prefix_args[prefix_args.index("--bucket") + 1]
    s3 = s3_client(s3_endpoint, s3_credentials)
    for item in s3.list_objects_v2(Bucket=bucket, Prefix="backups/").get("Contents", []):
        s3.delete_object(Bucket=bucket, Key=item["Key"])

    # First deploy: no backup yet, the services start on empty databases.
    result = run_backup_tool(rendered, "db-restore", fresh, s3_endpoint, s3_credentials, "restore-if-fresh")
    assert result.returncode == 0 and "no backup" in result.output, result.output

    # An incomplete backup (no manifest) is never chosen.
    s3.put_object(Bucket=bucket, Key="backups/29990101T000000Z/mlflow.dump", Body=b"partial")
    result = run_backup_tool(rendered, "db-restore", fresh, s3_endpoint, s3_credentials, "list")
    assert result.stdout.strip() == "", result.output

    # A corrupted dump is caught by its checksum before any database is written.
    assert run_backup_tool(rendered, "db-backup", fresh, s3_endpoint, s3_credentials, "backup").returncode == 0
    stamp = run_backup_tool(rendered, "db-restore", fresh, s3_endpoint, s3_credentials, "list").stdout.split()[-1]
    s3.put_object(Bucket=bucket, Key="backups/{}/mlflow.dump".format(stamp), Body=b"tampered")
    result = run_backup_tool(rendered, "db-restore", fresh, s3_endpoint, s3_credentials, "restore", "--backup", stamp)
    assert result.returncode == 1 and "checksum" in result.output, result.output

    # A half-restored VM (one database with tables, others empty) stops with the names instead of guessing.
    fresh.sql("mlflow", "CREATE TABLE stray (x int)")
    result = run_backup_tool(rendered, "db-restore", fresh, s3_endpoint, s3_credentials, "restore-if-fresh")
    assert (
        result.returncode == 1 and "airflow, mlflow_auth are empty but mlflow are not" in result.output
    ), result.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["backup", "--prefix", "backups"], "must end with '/'"),
        (["schedule", "--interval-hours", "0"], "--interval-hours must be positive"),
    ],
)
def test_bad_arguments_are_named(rendered, args, message):
    entrypoint = list(rendered.services["db-backup"]["entrypoint"])
    entrypoint[0:2] = [sys.executable, str(SCRIPT)]
    if "--prefix" in args:
        entrypoint[entrypoint.index("--prefix") + 1] = args[args.index("--prefix") + 1]
        args = args[:1]
    result = subprocess.run(
        entrypoint + args,
        env=dict(os.environ, POSTGRES_PASSWORD="x"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        universal_newlines=True,
    )
    assert result.returncode != 0 and message in result.stdout, result.stdout
