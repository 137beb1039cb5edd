"""wait_cloud_init.sh with stand-ins for the VM's `cloud-init` and `docker` (absent here): exit code rules."""

from __future__ import annotations

import os
import subprocess

import pytest
from conftest import SCRIPTS

SCRIPT = str(SCRIPTS / "orchestrator_vm" / "wait_cloud_init.sh")


def run(tmp_path, cloud_init_exit: int, with_docker: bool = True):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "cloud-init").write_text(
        f"#!/bin/sh\n[ \"$1 $2\" = 'status --wait' ] || exit 9\nexit {cloud_init_exit}\n"
    )
    (bin_dir / "cloud-init").chmod(0o755)
    docker = bin_dir / "docker"
    if with_docker:
        docker.write_text("#!/bin/sh\nexit 0\n")
        docker.chmod(0o755)
    elif docker.exists():
        docker.unlink()
    env = {**os.environ, "PATH": f"{bin_dir}:/usr/bin:/bin"}
    if with_docker is False and any(os.access(os.path.join(d, "docker"), os.X_OK) for d in ("/usr/bin", "/bin")):
        pytest.skip("a real docker client is on /usr/bin: cannot test its absence")
    return subprocess.run(["bash", SCRIPT], env=env, capture_output=True, text=True)


@pytest.mark.parametrize(("code", "expected"), [(0, "cloud-init: done"), (2, "done with recoverable errors")])
def test_done_states_pass(tmp_path, code, expected):
    result = run(tmp_path, code)
    assert result.returncode == 0 and expected in result.stdout


def test_failed_cloud_init_fails_with_where_to_look(tmp_path):
    result = run(tmp_path, 1)
    assert result.returncode == 1 and "cloud-init-output.log" in result.stderr


def test_missing_docker_fails(tmp_path):
    result = run(tmp_path, 0, with_docker=False)
    assert result.returncode == 1 and "docker is not installed" in result.stderr
