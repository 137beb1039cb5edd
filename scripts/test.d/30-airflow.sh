#!/usr/bin/env bash
# Airflow DAGs: pinned Airflow venv, the pipeline.json files the deployment renders (TypeScript renderer),
# then DagBag import, structure per mode and the `local` mode end to end (dag.test() on local Spark + MLflow).
set -euo pipefail
cd "$(dirname "$0")/../.."
./scripts/setup-node.sh
./scripts/setup-python.sh
./scripts/setup-airflow.sh
export FRAUD_RENDERED_SAMPLES="$PWD/.local/rendered-samples"
rm -rf "$FRAUD_RENDERED_SAMPLES"
npx ts-node --transpile-only infra/orchestrator/services/testing/render-samples.ts "$FRAUD_RENDERED_SAMPLES"
# --confcutdir: the jobs' conftest (one SparkSession, pyspark imports) belongs to jobs/.venv, not to this venv.
cd jobs && ../jobs/.venv-airflow/bin/pytest -q -p no:cacheprovider --confcutdir=tests/dags tests/dags
