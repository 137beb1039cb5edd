"""Per-run plan: parameter checks before any resource is touched, and run-scoped output locations."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from conftest import rendered_config
from fraud_pipeline_lib.config import PipelineConfigError, validate
from fraud_pipeline_lib.dag import _plan
from fraud_pipeline_lib.plan import ParamError, cluster_name, plan_run, scheduled_dataset
from fraud_pipeline_lib.scoring_plan import VERDICT_TAG

PARAMS = {
    "inputPrefix": "s3a://raw/raw",
    "trainStart": "2019-10-12",
    "trainDays": 7,
    "delayDays": 7,
    "testDays": 7,
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
    assert train["--idempotency-key"] == RUN_ID  # one registration per DAG run, whatever the retries
    # The data-quality report of the cleaning job: same server, an experiment named after the training one.
    assert clean["--mlflow-uri"] == config["mlflow"]["trackingUri"]
    assert clean["--experiment"] == config["training"]["experiment"] + "-data-quality"
    assert (
        clean["--mlflow-credentials"] == train["--mlflow-credentials"] == config["mlflow"]["credentialsUri"]
    )
    # The windows the job adds before trainStart come from pipeline.json, as the config check counted them.
    assert train["--validation-folds"] == str(config["training"]["validationFolds"])
    # The model family and the feature set chosen in the config reach the job (the model records the set).
    assert train["--model"] == config["training"]["model"]
    assert train["--feature-set"] == config["training"]["featureSet"]
    # A manual run trains on its trainStart and cleans everything into its own folder.
    assert train["--train-start"] == PARAMS["trainStart"] and "--window-end" not in train
    assert "--new-files-only" not in plan["clean_args"]


def test_the_delay_sweep_is_opt_in():
    config = rendered_config("persistent")
    assert config["training"]["delaySweepDays"] == []
    assert "--delay-sweep" not in plan_run(config, PARAMS, RUN_ID)["train_args"]
    swept = plan_run(config, {**PARAMS, "delaySweepDays": [1, 3, 7]}, RUN_ID)["train_args"]
    assert swept[swept.index("--delay-sweep") + 1] == "1,3,7"
    opted_in = {**config, "training": {**config["training"], "delaySweepDays": [3]}}
    in_config = plan_run(opted_in, PARAMS, RUN_ID)["train_args"]
    assert in_config[in_config.index("--delay-sweep") + 1] == "3"


def test_quality_gates_reach_the_train_job_only_when_configured():
    config = rendered_config("persistent")
    assert "qualityGates" not in config["training"]  # the deployment keeps the job's own defaults
    assert "--gate-min-auc-roc" not in plan_run(config, PARAMS, RUN_ID)["train_args"]
    gated = {**config, "training": {**config["training"], "qualityGates": {"minAucRoc": 0.7}}}
    args = plan_run(validate(gated), PARAMS, RUN_ID)["train_args"]
    assert args[args.index("--gate-min-auc-roc") + 1] == "0.7"
    assert "--gate-min-average-precision" not in args
    with pytest.raises(PipelineConfigError, match="qualityGates"):
        validate({**config, "training": {**config["training"], "qualityGates": {"minAucRoc": 2}}})


def scheduled_plan(config, day: int) -> dict:
    """The plan of the scheduled run whose data interval ends on 2026-01-<day> (as dag.py's _plan derives)."""
    end = dt.datetime(2026, 1, day, tzinfo=dt.timezone.utc)
    run = SimpleNamespace(run_type="scheduled")
    return _plan(config, PARAMS, f"scheduled__{end - dt.timedelta(days=1):%Y-%m-%dT%H:%M:%S}+00:00", run, end)


def test_consecutive_scheduled_runs_move_forward_and_clean_only_new_files():
    config = rendered_config("persistent")
    first, second = scheduled_plan(config, 10), scheduled_plan(config, 11)
    windows = []
    for plan in (first, second):
        train = dict(zip(plan["train_args"][::2], plan["train_args"][1::2]))
        assert "--train-start" not in train
        windows.append(dt.date.fromisoformat(train["--window-end"]))
        assert "--new-files-only" in plan["clean_args"]
    assert windows == [dt.date(2026, 1, 10), dt.date(2026, 1, 11)]
    # One cleaned dataset for every scheduled run over the same raw prefix (the ledger lives in it),
    # reports per run.
    clean = [dict(zip(p["clean_args"][:8:2], p["clean_args"][1:8:2])) for p in (first, second)]
    assert (
        clean[0]["--output"]
        == clean[1]["--output"]
        == "{}/{}".format(config["data"]["cleanPrefix"], scheduled_dataset(PARAMS["inputPrefix"]))
    )
    assert clean[0]["--report"] != clean[1]["--report"]
    # A manual run of the same raw data keeps its own folder.
    assert plan_run(config, PARAMS, RUN_ID)["clean_output"] != first["clean_output"]


def test_a_manual_trigger_takes_the_run_params():
    config = rendered_config("persistent")
    end = dt.datetime(2026, 1, 10, tzinfo=dt.timezone.utc)
    plan = _plan(config, PARAMS, RUN_ID, SimpleNamespace(run_type="manual"), end)
    assert plan["train_args"][plan["train_args"].index("--train-start") + 1] == PARAMS["trainStart"]


def test_scoring_and_monitoring_read_the_run_output_and_the_shared_scores():
    config = rendered_config("persistent")
    plan = plan_run(config, {**PARAMS, "delayDays": 5}, RUN_ID)
    clean = dict(zip(plan["clean_args"][::2], plan["clean_args"][1::2]))
    score = dict(zip(plan["score_args"][::2], plan["score_args"][1::2]))
    monitor = dict(zip(plan["monitor_args"][::2], plan["monitor_args"][1::2]))
    scores = config["data"]["scoresPrefix"]
    assert (score["--input"], score["--output"]) == (clean["--output"], scores)
    assert score["--model-name"] == config["training"]["registeredModel"]
    assert score["--newest-days"] == str(config["scoring"]["newestDays"])
    assert (monitor["--scores"], monitor["--cleaned"]) == (scores, clean["--output"])
    assert monitor["--label-delay-days"] == "5"  # the run's label delay
    thresholds = config["monitoring"]
    assert [float(monitor[o]) for o in ("--max-psi", "--max-fnr", "--max-fpr")] == [
        thresholds["maxPsi"],
        thresholds["maxFnr"],
        thresholds["maxFpr"],
    ]
    assert monitor["--experiment"] == thresholds["experiment"]
    assert monitor["--verdict-tag"] == VERDICT_TAG
    # null: not judged, so the option is left out.
    config["monitoring"]["maxFnr"] = None
    assert "--max-fnr" not in plan_run(config, PARAMS, RUN_ID)["monitor_args"]


def test_cluster_name_is_stable_per_run_and_valid():
    assert cluster_name(RUN_ID) == cluster_name(RUN_ID) != cluster_name(RUN_ID + "x")
    assert len(cluster_name(RUN_ID)) <= 63


@pytest.mark.parametrize(
    ("change", "param"),
    [
        ({"inputPrefix": "/local/raw"}, "inputPrefix"),
        ({"trainStart": "2019-13-01"}, "trainStart"),
        ({"trainDays": 0}, "trainDays"),
        ({"delayDays": 0}, "delayDays"),
        # The old spelling: Airflow would keep it as an extra param and the run would use the defaults.
        ({"train_start": "2019-10-12"}, "train_start"),
        ({"delaySweepDays": [0]}, "delaySweepDays[0]"),
    ],
)
def test_bad_parameters_are_refused_with_their_name(change, param):
    with pytest.raises(ParamError, match=f"parameter {re.escape(param)}:.*Fix:"):
        plan_run(rendered_config("ephemeral"), {**PARAMS, **change}, RUN_ID)
