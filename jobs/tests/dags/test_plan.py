"""Per-run plan: parameter checks before any resource is touched, and run-scoped output locations."""

from __future__ import annotations

import pytest
from conftest import rendered_config
from fraud_pipeline_lib.plan import ParamError, cluster_name, plan_run

PARAMS = {
    "input_prefix": "s3a://raw/raw",
    "train_start": "2019-09-01",
    "train_days": 7,
    "delay_days": 7,
    "test_days": 7,
}
RUN_ID = "manual__2026-11-26T18:00:00+00:00"


def test_every_output_goes_under_the_run_key():
    config = rendered_config("persistent")
    plan = plan_run(config, PARAMS, RUN_ID)
    assert plan["run_key"] == "manual__2026-11-26T18_00_00_00_00"
    clean = dict(zip(plan["clean_args"][::2], plan["clean_args"][1::2]))
    assert clean["--input"] == "s3a://raw/raw"
    assert clean["--output"] == config["data"]["cleanPrefix"] + "/" + plan["run_key"]
    train = dict(zip(plan["train_args"][::2], plan["train_args"][1::2]))
    assert train["--input"] == clean["--output"]
    assert train["--register"] == config["training"]["registeredModel"]
    assert train["--quality-report"] == clean["--report"]
    assert train["--mlflow-uri"] == config["mlflow"]["trackingUri"]


def test_cluster_name_is_stable_per_run_and_valid():
    assert cluster_name(RUN_ID) == cluster_name(RUN_ID) != cluster_name(RUN_ID + "x")
    assert len(cluster_name(RUN_ID)) <= 63


@pytest.mark.parametrize(
    ("change", "param"),
    [
        ({"input_prefix": "/local/raw"}, "input_prefix"),
        ({"train_start": "2019-13-01"}, "train_start"),
        ({"train_days": 0}, "train_days"),
    ],
)
def test_bad_parameters_are_refused_with_their_name(change, param):
    with pytest.raises(ParamError, match=f"parameter {param}:.*Fix:"):
        plan_run(rendered_config("ephemeral"), {**PARAMS, **change}, RUN_ID)
