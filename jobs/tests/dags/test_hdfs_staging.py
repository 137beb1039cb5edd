"""HDFS staging (cleanFrom hdfs): the stage_raw distcp job before cleaning, in persistent mode only.

Configs are the renderer's own output (render-samples.ts: pipeline-persistent-hdfs.json and the default ones).
"""

from __future__ import annotations

import pytest
from conftest import rendered_config
from fraud_pipeline_lib.config import PipelineConfigError, validate
from fraud_pipeline_lib.dag import build_dag
from fraud_pipeline_lib.dataproc import MapReduceJobOperator
from fraud_pipeline_lib.plan import plan_run
from fraud_pipeline_lib.staging import DISTCP_JAR, DISTCP_MAIN_CLASS, staging_dir
from test_dataproc_job_cancel import CLUSTER, JOB, FakeHook, FakeSdk

RAW = "s3a://fraud-mlops-dev-raw-b1gexample/raw"
STAGED = "hdfs:///fraud-mlops/raw-staging/fraud-mlops-dev-raw-b1gexample/raw"


def params(config):
    window = {k: config["training"][k] for k in ("trainStart", "trainDays", "delayDays", "testDays")}
    return {"inputPrefix": config["data"]["rawPrefix"], **window}


def test_persistent_hdfs_stages_with_distcp_before_cleaning():
    config = rendered_config("persistent-hdfs")
    assert config["cleanFrom"] == "hdfs"
    dag = build_dag(config)
    assert sorted(dag.task_ids) == [
        "check_monitoring", "clean", "monitor", "plan", "report_mlflow_run", "score", "stage_raw", "train",
    ]  # fmt: skip
    # The plan feeds every job its arguments; the chain runs stage_raw first.
    fed_by_plan = ["clean", "monitor", "score", "stage_raw", "train"]
    assert sorted(dag.get_task("plan").downstream_task_ids) == fed_by_plan
    assert sorted(dag.get_task("stage_raw").downstream_task_ids) == ["clean"]
    stage = dag.get_task("stage_raw")
    assert isinstance(stage, MapReduceJobOperator)
    assert stage.main_class == DISTCP_MAIN_CLASS == "org.apache.hadoop.tools.DistCp"
    assert stage.jar_file_uris == [DISTCP_JAR]
    assert stage.cluster_id == config["dataproc"]["clusterId"]
    assert stage.yandex_conn_id is None


def test_the_plan_copies_new_files_only_and_cleaning_reads_the_copy():
    config = rendered_config("persistent-hdfs")
    plan = plan_run(config, params(config), "manual__2026-01-01T00:00:00+00:00")
    assert plan["stage_args"] == ["-update", "-strategy", "dynamic", RAW, STAGED]
    assert plan["clean_args"][plan["clean_args"].index("--input") + 1] == STAGED
    # Another input prefix gets its own staged copy: two sources never mix.
    other = plan_run(config, {**params(config), "inputPrefix": "s3a://other-bucket/raw/2020/"}, "r")
    assert other["stage_args"][-1] == "hdfs:///fraud-mlops/raw-staging/other-bucket/raw/2020"


@pytest.mark.parametrize("mode", ["persistent", "ephemeral", "local"])
def test_without_staging_every_mode_cleans_the_input_prefix_directly(mode):
    config = rendered_config(mode)
    assert config.get("cleanFrom", "objectStorage") == "objectStorage"
    dag = build_dag(config)
    assert "stage_raw" not in dag.task_ids
    plan = plan_run(config, params(config), "r")
    assert plan["stage_args"] == []
    assert plan["clean_args"][plan["clean_args"].index("--input") + 1] == config["data"]["rawPrefix"]


@pytest.mark.parametrize("mode", ["ephemeral", "local"])
def test_the_contract_refuses_hdfs_outside_persistent_mode(mode):
    config = {**rendered_config(mode), "cleanFrom": "hdfs"}
    with pytest.raises(PipelineConfigError, match=r"pipeline config cleanFrom: 'objectStorage' was expected"):
        validate(config)


def test_staging_dir_of_a_bucket_root():
    assert staging_dir("s3a://raw-bucket") == "hdfs:///fraud-mlops/raw-staging/raw-bucket"
    assert staging_dir("s3a://raw-bucket/") == "hdfs:///fraud-mlops/raw-staging/raw-bucket"


def test_the_distcp_job_is_sent_as_a_mapreduce_job_and_cancelled_when_killed(monkeypatch):
    def interrupted(_operation):
        raise KeyboardInterrupt  # the task is killed while the job runs

    sdk = FakeSdk(interrupted)
    task = MapReduceJobOperator(
        task_id="stage_raw",
        name="fraud-stage-raw",
        main_class=DISTCP_MAIN_CLASS,
        jar_file_uris=[DISTCP_JAR],
        args=["-update", RAW, STAGED],
        cluster_id=CLUSTER,
        cluster_bucket="logs-bucket",
    )
    monkeypatch.setattr(task, "_setup", lambda _context: FakeHook(sdk))
    with pytest.raises(KeyboardInterrupt):
        task.execute({})
    task.on_kill()
    (_, create), (_, _), (_, cancel) = sdk.calls
    assert create.WhichOneof("job_spec") == "mapreduce_job"
    assert create.mapreduce_job.main_class == DISTCP_MAIN_CLASS
    assert list(create.mapreduce_job.jar_file_uris) == [DISTCP_JAR]
    assert list(create.mapreduce_job.args) == ["-update", RAW, STAGED]
    assert (cancel.cluster_id, cancel.job_id) == (CLUSTER, JOB)
