"""Real stand-ins for the orchestrator VM's services: a PostgreSQL server (pgserver's binaries) initialised
by the rendered init script, moto's S3 server, and MLflow started from the rendered compose service.

The rendered files come from infra/orchestrator/services/testing/render-samples.ts (sample inputs, sentinel
secrets): FRAUD_RENDERED_SAMPLES names its output folder (scripts/test.d/60-backups.sh renders it).
Only what cannot exist here is rewritten: the compose host name `postgres` becomes 127.0.0.1:<port>, the
S3 endpoint becomes moto's, ports are free ones, and `mlflow` is this venv's executable.
"""

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3
import pytest
import yaml
from moto.server import ThreadedMotoServer
from pgserver._commands import POSTGRES_BIN_PATH

VM = "/opt/fraud-mlops"
PG_SYSTEM_USER = "pgserver"  # PostgreSQL refuses to run as root
SCRIPT = Path(__file__).resolve().parent.parent / "db_backup.py"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def read_env_file(path: Path) -> dict:
    """The env files of secrets.ts: KEY='value' lines, values taken literally."""
    entries = {}
    for line in path.read_text().splitlines():
        key, _, value = line.partition("=")
        assert value.startswith("'") and value.endswith("'"), line.split("=")[0]
        entries[key] = value[1:-1]
    return entries


class Rendered:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.compose = yaml.safe_load(self.vm_file("compose/docker-compose.yaml").read_text())
        self.services = self.compose["services"]

    def vm_file(self, relative: str) -> Path:
        return self.root / "vm" / VM.lstrip("/") / relative

    def env_file(self, name: str) -> dict:
        return read_env_file(self.vm_file("secrets/" + name))

    def host_file_of(self, service: dict, container_path: str) -> Path:
        """The rendered VM file behind a container path, through the service's folder mounts."""
        for volume in service.get("volumes", []):
            host, container = volume.split(":")[:2]
            if container_path.startswith(container.rstrip("/") + "/") and host.startswith(VM + "/"):
                return self.vm_file(host[len(VM) + 1 :] + container_path[len(container.rstrip("/")) :])
        raise AssertionError("no mount of {} in {}".format(container_path, service.get("volumes")))


@pytest.fixture(scope="session")
def rendered(tmp_path_factory) -> Rendered:
    root = os.environ.get("FRAUD_RENDERED_SAMPLES")
    if not root:
        root = str(tmp_path_factory.mktemp("rendered"))
        repo = Path(__file__).resolve().parents[5]
        subprocess.run(
            ["npx", "ts-node", "--transpile-only", "infra/orchestrator/services/testing/render-samples.ts", root],
            cwd=repo,
            check=True,
        )
    return Rendered(Path(root))


@pytest.fixture(scope="session")
def s3_endpoint():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield "http://127.0.0.1:{}".format(port)
    server.stop()


@pytest.fixture(scope="session")
def s3_credentials(rendered, s3_endpoint):
    """The MLflow service's static key (moto accepts any key) and the sample MLflow bucket, created."""
    env = rendered.env_file("mlflow.env")
    creds = {
        "AWS_ACCESS_KEY_ID": env["AWS_ACCESS_KEY_ID"],
        "AWS_SECRET_ACCESS_KEY": env["AWS_SECRET_ACCESS_KEY"],
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    bucket = rendered.services["mlflow"]["command"][
        rendered.services["mlflow"]["command"].index("--artifacts-destination") + 1
    ].split("/")[2]
    s3_client(s3_endpoint, creds).create_bucket(Bucket=bucket)
    return creds


def s3_client(endpoint: str, credentials: dict):
    """A client of the local S3 server with the given static key."""
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=credentials["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=credentials["AWS_SECRET_ACCESS_KEY"],
    )


class PostgresCluster:
    """A PostgreSQL server on 127.0.0.1 with password authentication, set up as the VM's container is."""

    def __init__(self, workdir: Path, rendered: Rendered) -> None:
        self.workdir = workdir
        self.rendered = rendered
        self.port = free_port()
        self.data = workdir / "data"
        self.password = rendered.env_file("postgres.env")["POSTGRES_PASSWORD"]
        self.user = None
        if os.geteuid() == 0:
            from pgserver.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

            ensure_user_exists(PG_SYSTEM_USER)
            self.user = PG_SYSTEM_USER
            ensure_prefix_permissions(POSTGRES_BIN_PATH)
            ensure_folder_permissions(POSTGRES_BIN_PATH.parent, 0o055)

    def _as_owner(self, args, **kwargs):
        kwargs.setdefault("check", True)
        if self.user:
            kwargs["user"] = self.user
        return subprocess.run(args, **kwargs)

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.workdir.chmod(0o777)
        pwfile = self.workdir / "pwfile"
        pwfile.write_text(self.password + "\n")
        if self.user:
            from pgserver.utils import ensure_prefix_permissions

            ensure_prefix_permissions(self.workdir)  # pytest's temporary folders are private to root
            os.chown(pwfile, pwd.getpwnam(self.user).pw_uid, -1)
        self._as_owner(
            [
                str(POSTGRES_BIN_PATH / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=scram-sha-256",
                "--pwfile",
                str(pwfile),
                "--encoding=UTF8",
            ],
            stdout=subprocess.DEVNULL,
        )
        pwfile.unlink()
        options = "-h 127.0.0.1 -p {} -k {}".format(self.port, self.workdir)
        self._as_owner(
            [
                str(POSTGRES_BIN_PATH / "pg_ctl"),
                "-D",
                str(self.data),
                "-w",
                "-o",
                options,
                "-l",
                str(self.workdir / "server.log"),
                "start",
            ],
            stdout=subprocess.DEVNULL,
        )
        # The VM's first-start script, as PostgreSQL's image runs it (POSTGRES_USER/DB from the compose file).
        env = dict(self.libpq_env(), **self.rendered.env_file("postgres.env"))
        env.update(POSTGRES_USER="postgres", POSTGRES_DB="postgres")
        subprocess.run(
            ["bash", str(self.rendered.vm_file("compose/postgres/init-databases.sh"))],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        self._as_owner(
            [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"],
            stdout=subprocess.DEVNULL,
            check=False,
        )

    def libpq_env(self) -> dict:
        return dict(
            os.environ,
            PGHOST="127.0.0.1",
            PGPORT=str(self.port),
            PGUSER="postgres",
            PGPASSWORD=self.password,
            PATH="{}:{}".format(POSTGRES_BIN_PATH, os.environ["PATH"]),
        )

    def local_uri(self, uri: str) -> str:
        """A URI of the rendered files, pointed at this server instead of the compose host `postgres:5432`."""
        assert "@postgres:5432/" in uri
        return uri.replace("@postgres:5432/", "@127.0.0.1:{}/".format(self.port))

    def sql(self, database: str, query: str) -> str:
        result = subprocess.run(
            ["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", database, "-c", query],
            env=self.libpq_env(),
            check=True,
            stdout=subprocess.PIPE,
            universal_newlines=True,
        )
        return result.stdout.strip()


@pytest.fixture()
def postgres_factory(tmp_path, rendered):
    started = []

    def start(name: str) -> PostgresCluster:
        cluster = PostgresCluster(tmp_path / name, rendered)
        cluster.start()
        started.append(cluster)
        return cluster

    yield start
    for cluster in started:
        cluster.stop()
    for cluster in started:
        shutil.rmtree(cluster.workdir, ignore_errors=True)


class MlflowServer:
    """The `mlflow` compose service's command, environment and auth config on a local port."""

    def __init__(
        self,
        rendered: Rendered,
        postgres: PostgresCluster,
        s3_endpoint: str,
        s3_credentials: dict,
        workdir: Path,
        port: int,
    ) -> None:
        service = rendered.services["mlflow"]
        self.port = port
        self.url = "http://127.0.0.1:{}".format(self.port)
        command = list(service["command"])
        command[command.index("--host") + 1] = "127.0.0.1"
        command[command.index("--port") + 1] = str(self.port)
        assert command[0] == "mlflow"
        command[0] = str(Path(sys.executable).parent / "mlflow")
        self.command = command
        self.workers = int(command[command.index("--workers") + 1])
        mlflow_env = rendered.env_file("mlflow.env")
        auth_ini = rendered.host_file_of(service, service["environment"]["MLFLOW_AUTH_CONFIG_PATH"]).read_text()
        database_line = next(line for line in auth_ini.splitlines() if line.startswith("database_uri = "))
        self.auth_database_uri = postgres.local_uri(database_line[len("database_uri = ") :].replace("%%", "%"))
        local_ini = workdir / "mlflow-auth.ini"
        local_ini.write_text(auth_ini.replace(database_line, postgres.local_uri(database_line)))
        self.backend_store_uri = postgres.local_uri(mlflow_env["MLFLOW_BACKEND_STORE_URI"])
        self.env = dict(os.environ, **service["environment"])
        self.env.update(mlflow_env)
        self.env.update(s3_credentials)
        self.env.update(
            MLFLOW_BACKEND_STORE_URI=self.backend_store_uri,
            MLFLOW_S3_ENDPOINT_URL=s3_endpoint,
            MLFLOW_AUTH_CONFIG_PATH=str(local_ini),
        )
        self.log = workdir / "mlflow.log"
        self.process = None

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                self.command, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError("mlflow server exited: " + self.log.read_text()[-3000:])
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise AssertionError("mlflow server did not answer /health: " + self.log.read_text()[-3000:])

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None


@pytest.fixture()
def mlflow_factory(tmp_path, rendered, s3_endpoint, s3_credentials):
    started = []

    def make(postgres: PostgresCluster, port: int = 0) -> MlflowServer:
        server = MlflowServer(rendered, postgres, s3_endpoint, s3_credentials, tmp_path, port or free_port())
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()
