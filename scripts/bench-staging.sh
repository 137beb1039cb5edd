#!/usr/bin/env bash
# HDFS staging benchmark (infra/dataproc/staging/bench.py): distcp -update from a local S3 server into a real
# HDFS, and Spark scans from both. Arguments go to bench.py (--files, --mb-per-file, --reads).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-python.sh
./scripts/setup-spark-jars.sh
./scripts/setup-hadoop-minicluster.sh
exec jobs/.venv/bin/python infra/dataproc/staging/bench.py "$@"
