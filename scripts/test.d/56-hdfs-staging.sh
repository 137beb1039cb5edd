#!/usr/bin/env bash
# HDFS staging (jobs/dags/README.md "HDFS staging"): the DAG's distcp arguments run by the real DistCp
# against a real HDFS (Hadoop's MiniDFSCluster in one JVM, Java 17), jars fetched once from Maven Central
# (scripts/setup-hadoop-minicluster.sh, checksums verified, cached in .local/). 2.5 minutes on an idle
# 2-core machine, 9 on a busy one (each distcp and hadoop fs call is a JVM start).
set -euo pipefail
cd "$(dirname "$0")/../.."
./scripts/setup-python.sh
./scripts/setup-hadoop-minicluster.sh
staging=infra/dataproc/staging
py=jobs/.venv/bin
"$py/ruff" check --config "$staging/ruff.toml" "$staging"
"$py/ruff" format --config "$staging/ruff.toml" --check "$staging"
PYTHONDONTWRITEBYTECODE=1 "$py/python" -m pytest -q -p no:cacheprovider "$staging/tests" --durations=5
