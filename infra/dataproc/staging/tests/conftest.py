"""The staging tests import the DAG's own distcp arguments (jobs/dags/fraud_pipeline_lib/staging.py) and the
MiniDFS helper next to them."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for path in (HERE.parent, HERE.parents[3] / "jobs" / "dags"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
