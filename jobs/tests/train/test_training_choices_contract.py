"""The training choices the pipeline contract offers (pipeline.schema.json, read by the TypeScript config and
the DAG) are exactly the training job's own: a choice the deployment accepts never fails in the cloud job."""

from __future__ import annotations

import json
from pathlib import Path

from fraud_jobs.features import FEATURE_SETS, feature_columns
from fraud_jobs.train.cli import parser, validate

SCHEMA = Path(__file__).resolve().parents[2] / "dags" / "fraud_pipeline_lib" / "pipeline.schema.json"


def _choices(option: str) -> list:
    (action,) = [a for a in parser()._actions if option in a.option_strings]
    return sorted(action.choices)


def test_contract_models_and_feature_sets_are_the_jobs():
    training = json.loads(SCHEMA.read_text())["properties"]["training"]["properties"]
    assert sorted(training["model"]["enum"]) == _choices("--model")
    assert sorted(training["featureSet"]["enum"]) == _choices("--feature-set") == sorted(FEATURE_SETS)


def test_every_contract_feature_set_reaches_the_training_config(tmp_path):
    """Each featureSet the deployment may render (extended_fraud_age included) is a --feature-set the job
    parses and validates into its config, and a set whose columns it knows."""
    training = json.loads(SCHEMA.read_text())["properties"]["training"]["properties"]
    assert "extended_fraud_age" in training["featureSet"]["enum"]
    for feature_set in training["featureSet"]["enum"]:
        argv = ["--input", str(tmp_path), "--train-start", "2018-07-25", "--model", "logistic_regression"]
        argv += ["--metrics-out", str(tmp_path / "m.json"), "--feature-set", feature_set]
        assert validate(parser().parse_args(argv)).feature_set == feature_set
        assert feature_columns(feature_set)
