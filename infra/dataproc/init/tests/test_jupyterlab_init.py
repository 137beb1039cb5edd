"""The JupyterLab initialization action (infra/dataproc/init/jupyterlab.sh), run here as far as a machine
without Data Proc allows: its pinned install into a venv of Python 3.8 (image 2.1's Python), the service
command it starts, listening on 127.0.0.1 only and asking for its token; role and port checks.

What only the cloud shows: systemd starting the unit as `ubuntu`, the image's conda Python and Spark paths.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "jupyterlab.sh"
PYTHON38 = Path(os.environ.get("PYTHON38", Path.home() / ".pyenv" / "versions" / "3.8.18" / "bin" / "python3.8"))
LOOPBACK_HEX = "0100007F"  # 127.0.0.1 in /proc/net/tcp


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def other_address() -> str:
    """This host's address on its network interface (not loopback), where nothing of Jupyter must answer."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # no packet is sent: it only picks the outgoing interface
        return probe.getsockname()[0]


def listeners(port: int):
    """Local addresses (hex) listening on `port`, over IPv4 and IPv6."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.append(address)
    return found


def run_script(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SCRIPT), *args], env={**os.environ, **env}, capture_output=True, text=True)


def test_a_data_host_installs_nothing(tmp_path):
    prefix = tmp_path / "lab"
    done = run_script("8888", env={"ROLE": "datanode", "JUPYTER_PREFIX": str(prefix)})
    assert done.returncode == 0, done.stderr
    assert "runs on the master only" in done.stdout
    assert not prefix.exists()


@pytest.mark.parametrize("args", [(), ("80",), ("88x",), ("serve", "70000"), ("8888", "extra")])
def test_a_bad_port_or_usage_stops_before_installing(tmp_path, args):
    prefix = tmp_path / "lab"
    done = run_script(*args, env={"ROLE": "masternode", "JUPYTER_PREFIX": str(prefix)})
    assert done.returncode == 2
    assert "port must be a number in 1024-65535" in done.stderr or "usage:" in done.stderr
    assert not prefix.exists()


@pytest.fixture(scope="module")
def installed():
    if not PYTHON38.exists():
        pytest.fail(f"{PYTHON38} is missing: the test installs with image 2.1's Python 3.8 (pyenv install 3.8.18)")
    root = Path(tempfile.mkdtemp(prefix="jupyterlab-init-"))
    env = {"JUPYTER_PREFIX": str(root / "lab"), "JUPYTER_BASE_PYTHON": str(PYTHON38)}
    # The script's own functions, as the master runs them (systemd excepted).
    done = subprocess.run(["bash", "-c", f'source "{SCRIPT}" && install_lab && unit 8888'],
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=900)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    yield root, done.stdout
    shutil.rmtree(root, ignore_errors=True)


def test_install_pins_jupyterlab_for_python_3_8_and_the_unit_runs_serve(installed):
    root, unit = installed
    lab = root / "lab"
    probe = "import sys, jupyterlab; print(sys.version_info[:2], jupyterlab.__version__)"
    version = subprocess.run([str(lab / "bin" / "python"), "-c", probe], capture_output=True, text=True, check=True)
    version = version.stdout.strip()
    assert version == "(3, 8) 4.3.8"
    assert (lab / "bin" / "jupyterlab.sh").read_text() == SCRIPT.read_text()
    assert f"ExecStart={lab}/bin/jupyterlab.sh serve 8888" in unit
    assert "User=ubuntu" in unit


def test_serve_listens_on_loopback_only_wants_a_token_and_sees_the_cluster_spark(installed):
    root, _ = installed
    lab, port = root / "lab", free_port()
    spark_home = root / "spark"  # the image's layout: $SPARK_HOME/python and its py4j zip
    (spark_home / "python" / "lib").mkdir(parents=True)
    (spark_home / "python" / "lib" / "py4j-0.10.9.5-src.zip").write_bytes(b"")
    home = root / "home"
    # The master runs it as `ubuntu`; this test may run as root, which Jupyter refuses unless its config
    # allows it: a config of the test's own, the script and its flags stay as on the master.
    (home / "config").mkdir(parents=True)
    (home / "config" / "jupyter_server_config.json").write_text(json.dumps({"ServerApp": {"allow_root": True}}))
    env = {**os.environ, "JUPYTER_PREFIX": str(lab), "SPARK_HOME": str(spark_home), "HOME": str(home),
           "JUPYTER_NOTEBOOKS": str(home / "notebooks"), "JUPYTER_RUNTIME_DIR": str(home / "run"),
           "JUPYTER_CONFIG_DIR": str(home / "config")}  # fmt: skip
    server = subprocess.Popen([str(lab / "bin" / "jupyterlab.sh"), "serve", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api", timeout=2).read()
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, server.stdout.read().decode(errors="replace")[-3000:]
                assert time.monotonic() < deadline, "JupyterLab did not answer within 120 s"
                time.sleep(1)
        assert listeners(port) == [LOOPBACK_HEX]
        with pytest.raises(OSError):
            socket.create_connection((other_address(), port), timeout=2)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/kernelspecs", timeout=5)
        assert refused.value.code == 403
        listing = subprocess.run([str(lab / "bin" / "jupyter"), "server", "list", "--json"], env=env,
                                 capture_output=True, text=True, check=True).stdout  # fmt: skip
        token = json.loads(listing.splitlines()[0])["token"]
        specs = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/api/kernelspecs?token={token}", timeout=5))
        assert "python3" in specs["kernelspecs"]
        # The kernel's Python finds the cluster's PySpark and its py4j, as spark-submit would set them.
        environ = dict(
            item.split("=", 1) for item in Path(f"/proc/{server.pid}/environ").read_text().split("\0") if "=" in item
        )
        assert environ["PYTHONPATH"].split(":")[:2] == [
            f"{spark_home}/python",
            f"{spark_home}/python/lib/py4j-0.10.9.5-src.zip",
        ]
        assert environ["SPARK_HOME"] == str(spark_home)
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
