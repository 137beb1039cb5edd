#!/usr/bin/env bash
# The jobs on Data Proc image 2.1's own runtime: Python 3.8, PySpark 3.3.2, numpy 1.20 / pandas 1.2 /
# PyArrow 4, mlflow-skinny 2.17.2 (jobs/requirements-py38.txt). Runs the tests that exercise what the
# cluster runs: the cleaning job end to end, the features, the training, scoring and monitoring jobs end to
# end (their MLflow server is the full mlflow of jobs/.venv, as the cluster talks to a separate server).
# The s3a test stays in
# 20-jobs.sh: its hadoop-aws jars match the Hadoop of PySpark 3.4, and on Data Proc s3a is the image's own.
set -euo pipefail
cd "$(dirname "$0")/../.."
./scripts/setup-python.sh
./scripts/setup-python38.sh
venv="$PWD/jobs/.venv-py38"
# Python workers must run the driver's interpreter (PySpark refuses a different minor version); Data Proc
# sets this for its own Python, a local session would otherwise start whatever `python3` is on PATH.
export PYSPARK_PYTHON="$venv/bin/python" PYSPARK_DRIVER_PYTHON="$venv/bin/python"
export FRAUD_MLFLOW_SERVER="$PWD/jobs/.venv/bin/mlflow"
"$venv/bin/python" -c 'import sys, pyspark; assert sys.version_info[:2] == (3, 8) and pyspark.__version__ == "3.3.2"'
cd jobs && "$venv/bin/python" -m pytest -q -p no:cacheprovider --durations=5 \
  tests/clean --ignore=tests/clean/test_clean_s3a.py tests/features tests/train tests/score tests/monitor
