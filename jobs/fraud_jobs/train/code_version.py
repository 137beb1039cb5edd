"""Which code produced a run: FRAUD_JOBS_CODE_VERSION (set by deployments), else the git commit."""

from __future__ import annotations

import os
import subprocess

ENV_VARIABLE = "FRAUD_JOBS_CODE_VERSION"


def code_version() -> str:
    if os.environ.get(ENV_VARIABLE):
        return os.environ[ENV_VARIABLE]
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "."],
            cwd=here,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return commit + ("-dirty" if dirty else "")
