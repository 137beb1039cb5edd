"""migrate_auth_db.py run for real with the pinned MLflow (jobs/.venv) against SQLite."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory
from mlflow.server.auth.db import utils

SCRIPT = Path(__file__).resolve().parent.parent / "mlflow" / "migrate_auth_db.py"
PASSWORD = "sentinel-admin-password%1"


def head_revision() -> str:
    return ScriptDirectory.from_config(utils._get_alembic_config("sqlite://")).get_current_head()


def migrate(tmp_path: Path) -> subprocess.CompletedProcess:
    config = tmp_path / "auth.ini"
    database = tmp_path / "auth.db"
    config.write_text(
        "[mlflow]\ndefault_permission = READ\n"
        f"database_uri = sqlite:///{database}\n"
        f"admin_username = admin\nadmin_password = {PASSWORD.replace('%', '%%')}\n"
    )
    env = {**os.environ, "MLFLOW_AUTH_CONFIG_PATH": str(config)}
    return subprocess.run([sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=300)


def test_migrates_an_empty_database_to_head_and_is_idempotent(tmp_path):
    for _ in range(2):
        result = migrate(tmp_path)
        assert result.returncode == 0, result.stderr
        assert "schema at head" in result.stdout
        assert PASSWORD not in result.stdout + result.stderr
    with sqlite3.connect(tmp_path / "auth.db") as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [(head_revision(),)]
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"users", "experiment_permissions", "registered_model_permissions"} <= tables


def test_fails_loudly_when_the_database_cannot_be_opened(tmp_path):
    (tmp_path / "auth.db").mkdir()  # a folder where the database file should be
    result = migrate(tmp_path)
    assert result.returncode != 0
    assert "unable to open database file" in result.stderr
