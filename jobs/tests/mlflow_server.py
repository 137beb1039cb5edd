"""A real MLflow tracking server for tests (SQLite backend, proxied artifacts), stoppable mid-test."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MlflowServer:
    """`with MlflowServer(root) as server:` starts it and waits for /health; `server.uri`; `stop()`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.uri = f"http://127.0.0.1:{free_port()}"
        self._process = None
        self._log = None

    def __enter__(self) -> MlflowServer:
        # FRAUD_MLFLOW_SERVER: a full mlflow when this venv has only mlflow-skinny (as on Data Proc).
        binary = os.environ.get("FRAUD_MLFLOW_SERVER") or str(Path(sys.executable).parent / "mlflow")
        port = self.uri.rsplit(":", 1)[1]
        command = [
            binary, "server", "--host", "127.0.0.1", "--port", port, "--workers", "1",
            "--backend-store-uri", f"sqlite:///{self.root / 'mlflow.db'}",
            "--serve-artifacts", "--artifacts-destination", str(self.root / "artifacts"),
        ]  # fmt: skip
        self._log = open(self.root / "server.log", "w")  # noqa: SIM115 (closed by stop)
        # mlflow starts gunicorn from PATH: the server's venv must come first. Own process group: the
        # gunicorn workers stop with it.
        path = os.pathsep.join([str(Path(binary).parent), os.environ["PATH"]])
        self._process = subprocess.Popen(
            command,
            env=dict(os.environ, PATH=path),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while not self._healthy():
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                log = (self.root / "server.log").read_text()[-3000:]
                raise RuntimeError("the MLflow server did not start:\n" + log)
            time.sleep(0.5)
        return self

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.uri + "/health", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            os.killpg(self._process.pid, signal.SIGTERM)
            self._process.wait(timeout=30)
        if self._log is not None:
            self._log.close()

    def __exit__(self, *exc) -> None:
        self.stop()
