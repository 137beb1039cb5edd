"""Airflow DAG file of `fraud_pipeline`: reads the rendered pipeline.json ($FRAUD_PIPELINE_CONFIG) and builds
the DAG for its mode (see fraud_pipeline_lib/dag.py)."""

from fraud_pipeline_lib.config import load_from_env
from fraud_pipeline_lib.dag import build_dag

dag = build_dag(load_from_env())
