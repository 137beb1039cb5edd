"""write_admin_password.py run for real: the simple auth manager's passwords file, owner-only."""

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "airflow" / "write_admin_password.py"


def test_writes_the_first_users_password_owner_only(tmp_path):
    target = tmp_path / "passwords.json"
    target.write_text('{"stale": "x", "padding": "' + "y" * 100 + '"}')  # truncated, not appended to
    env = {
        **os.environ,
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin,viewer:viewer",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(target),
        "AIRFLOW_ADMIN_PASSWORD": "sentinel-password-1",
    }
    result = subprocess.run([sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(target.read_text()) == {"admin": "sentinel-password-1"}
    assert "sentinel-password-1" not in result.stdout + result.stderr
    target.unlink()
    assert subprocess.run([sys.executable, str(SCRIPT)], env=env).returncode == 0
    assert oct(target.stat().st_mode & 0o777) == "0o600"
