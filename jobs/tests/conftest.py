"""Shared fixtures for every jobs test: one local SparkSession for the whole pytest run."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from fraud_jobs.common.spark import build_spark_session

# Jars fetched by scripts/setup-spark-jars.sh (hadoop-aws for s3a://); absent jars just mean no s3a.
LOCAL_JARS_DIR = Path(__file__).resolve().parents[2] / ".local" / "jars"


def local_jars():
    return sorted(str(path) for path in LOCAL_JARS_DIR.glob("*.jar")) if LOCAL_JARS_DIR.is_dir() else []


@pytest.fixture(scope="session")
def spark():
    # Python workers (xgboost.spark's pandas UDFs) must run this venv's interpreter, not `python3` on PATH.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = build_spark_session("fraud-jobs-tests", local=True, shuffle_partitions=2, jars=local_jars())
    yield session
    session.stop()
