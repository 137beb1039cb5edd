"""The training choices the pipeline contract offers (pipeline.schema.json, read by the TypeScript config and
the DAG) are exactly the training job's own: a choice the deployment accepts never fails in the cloud job."""

from __future__ import annotations

import json
from pathlib import Path

from fraud_jobs.features import FEATURE_SETS
from fraud_jobs.train.cli import parser

SCHEMA = Path(__file__).resolve().parents[2] / "dags" / "fraud_pipeline_lib" / "pipeline.schema.json"


def _choices(option: str) -> list:
    (action,) = [a for a in parser()._actions if option in a.option_strings]
    return sorted(action.choices)


def test_contract_models_and_feature_sets_are_the_jobs():
    training = json.loads(SCHEMA.read_text())["properties"]["training"]["properties"]
    assert sorted(training["model"]["enum"]) == _choices("--model")
    assert sorted(training["featureSet"]["enum"]) == _choices("--feature-set") == sorted(FEATURE_SETS)
