"""DAG tests: run in jobs/.venv-airflow (scripts/test.d/30-airflow.sh) with a throwaway SQLite AIRFLOW_HOME.

The jobs' venv (20-jobs.sh) has no Airflow: there this folder is not collected.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
DAGS = REPO / "jobs" / "dags"
# render-samples.ts output (30-airflow.sh sets it): the exact pipeline.json files the deployment renders.
RENDERED = Path(os.environ.get("FRAUD_RENDERED_SAMPLES", REPO / ".local" / "rendered-samples"))

os.environ["AIRFLOW_HOME"] = tempfile.mkdtemp(prefix="airflow-home-")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(DAGS)
os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = "sqlite:///{}/airflow.db".format(
    os.environ["AIRFLOW_HOME"]
)
if str(DAGS) not in sys.path:
    sys.path.insert(0, str(DAGS))

# Imported only now: Airflow reads AIRFLOW_HOME and its config once, at import.
try:
    import airflow  # noqa: F401, E402
except ImportError:
    collect_ignore_glob = ["test_*.py"]


def rendered_config(mode: str) -> dict:
    path = RENDERED / f"pipeline-{mode}.json"
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: run "
            f"npx ts-node infra/orchestrator/services/testing/render-samples.ts {RENDERED}"
        )
    return json.loads(path.read_text())


@pytest.fixture(scope="session")
def airflow_db():
    """A migrated metadata database (dag.test() needs one)."""
    airflow_bin = Path(sys.executable).parent / "airflow"
    subprocess.run([str(airflow_bin), "db", "migrate"], check=True, capture_output=True)
    return os.environ["AIRFLOW_HOME"]
