"""DAG structure per mode: task ids, dependencies, trigger rules, operator arguments, no credentials."""

from __future__ import annotations

import json

import pytest
from airflow.sdk import TriggerRule
from airflow.sdk.exceptions import ParamValidationError
from conftest import rendered_config
from fraud_pipeline_lib.config import RUN_PARAMS, PipelineConfigError, schema_at, validate
from fraud_pipeline_lib.dag import PIPELINE_JOBS, build_dag
from fraud_pipeline_lib.plan import plan_run

# Stack Data Proc defaults (infra/config/dataproc.ts DATAPROC_DEFAULTS): the rendered spec must carry them.
INFRA_DEFAULTS = {
    "imageVersion": "2.1",
    "master": {"preset": "s3-c2-m8", "diskType": "network-ssd", "diskSizeGb": 40, "hosts": 1},
    "data": {"preset": "s3-c4-m16", "diskType": "network-ssd", "diskSizeGb": 128, "hosts": 3},
}
CREDENTIAL_WORDS = ("oauth", "service_account_json", "private_key", "secret", "password", "token")
# What the Airflow container's environment holds (secrets.ts airflow.env): must never reach a job spec.
MLFLOW_LOGIN = {
    "MLFLOW_TRACKING_USERNAME": "SENTINEL-user-61c",
    "MLFLOW_TRACKING_PASSWORD": "SENTINEL-pass-0e7",
}


SPARK_TASKS = ["clean", "train", "score", "monitor"]


def downstream(dag, task_id):
    return sorted(dag.get_task(task_id).downstream_task_ids)


def test_persistent_runs_jobs_on_the_managed_cluster():
    config = rendered_config("persistent")
    dag = build_dag(config)
    assert sorted(dag.task_ids) == sorted(SPARK_TASKS + ["plan", "report_mlflow_run", "check_monitoring"])
    # Every job also reads the plan's arguments.
    assert downstream(dag, "plan") == ["clean", "monitor", "score", "train"]
    assert downstream(dag, "clean") == ["train"]
    assert downstream(dag, "train") == ["score"]
    assert downstream(dag, "score") == ["monitor"]
    assert downstream(dag, "monitor") == ["report_mlflow_run"]
    assert downstream(dag, "report_mlflow_run") == ["check_monitoring"]
    assert dag.get_task("check_monitoring").retries == 0  # a breach is a verdict: no retry
    for task_id, job in (
        ("clean", "cleanJob"),
        ("train", "trainJob"),
        ("score", "scoreJob"),
        ("monitor", "monitorJob"),
    ):
        task = dag.get_task(task_id)
        assert type(task).__name__ == "PysparkJobOperator"
        assert task.cluster_id == config["dataproc"]["clusterId"]
        assert task.main_python_file_uri == config["jobs"][job]
        assert task.python_file_uris == config["jobs"]["pyFiles"]
        assert task.cluster_bucket == config["dataproc"]["spec"]["bucket"]
        assert task.yandex_conn_id is None  # yandexcloud_default: the VM's service account
    assert type(dag.timetable).__name__ == "NullTimetable"  # schedule null: runs only when triggered


def test_ephemeral_creates_the_same_cluster_and_always_deletes_it():
    config = rendered_config("ephemeral")
    spec = config["dataproc"]["spec"]
    assert {k: spec[k] for k in INFRA_DEFAULTS} == INFRA_DEFAULTS
    dag = build_dag(config)
    assert sorted(dag.task_ids) == sorted(
        [
            "plan",
            "create_cluster",
            *SPARK_TASKS,
            "report_mlflow_run",
            "check_monitoring",
            "delete_cluster",
            "verify_cluster_deleted",
            "pipeline_failed",
        ]
    )
    assert downstream(dag, "plan") == [
        "clean", "create_cluster", "delete_cluster", "monitor", "pipeline_failed", "score", "train",
        "verify_cluster_deleted",
    ]  # fmt: skip
    assert "clean" in downstream(dag, "create_cluster")
    assert "train" in downstream(dag, "clean")
    assert sorted(dag.get_task("delete_cluster").upstream_task_ids) == [
        "clean",
        "create_cluster",
        "monitor",
        "plan",
        "report_mlflow_run",
        "score",
        "train",
    ]
    # The check reads MLflow only: it needs no cluster, and its failure also fails the watcher.
    assert downstream(dag, "check_monitoring") == ["pipeline_failed"]
    assert downstream(dag, "delete_cluster") == ["pipeline_failed", "verify_cluster_deleted"]
    assert dag.get_task("delete_cluster").trigger_rule == TriggerRule.ALL_DONE
    assert dag.get_task("verify_cluster_deleted").trigger_rule == TriggerRule.ALL_DONE
    watcher = dag.get_task("pipeline_failed")
    assert watcher.trigger_rule == TriggerRule.ONE_FAILED
    assert len(watcher.upstream_task_ids) == len(dag.task_ids) - 1

    create = dag.get_task("create_cluster")
    assert create.retries == 0
    assert create.folder_id == spec["folderId"]
    assert create.zone == spec["zone"]
    assert create.subnet_id == spec["subnetId"]
    assert create.service_account_id == spec["serviceAccountId"]
    assert create.security_group_ids == spec["securityGroupIds"]
    assert create.s3_bucket == spec["bucket"]
    assert create.cluster_image_version == INFRA_DEFAULTS["imageVersion"]
    # The persistent cluster's services and properties (infra/dataproc/spec.ts), PySpark's Python included.
    assert list(create.services) == spec["services"] == ["HDFS", "YARN", "SPARK", "MAPREDUCE"]
    # Project, stack and the marker the destroy-time cleanup (infra/dataproc/scripts) selects by.
    stack_labels = {"project": "fraud-mlops", "stack": "dev", "created-by": "airflow"}
    assert create.labels == spec["labels"] == stack_labels
    assert (create.masternode_resource_preset, create.masternode_disk_type, create.masternode_disk_size) == (
        "s3-c2-m8", "network-ssd", 40,
    )  # fmt: skip
    assert (create.datanode_resource_preset, create.datanode_disk_type, create.datanode_disk_size) == (
        "s3-c4-m16", "network-ssd", 128,
    )  # fmt: skip
    assert create.datanode_count == 3
    assert create.properties == spec["properties"]
    assert create.properties["pip:mlflow-skinny"] == "2.17.2"
    assert create.properties["spark:spark.pyspark.python"] == "/opt/conda/bin/python3"
    assert dag.get_task("clean").main_python_file_uri == config["jobs"]["cleanJob"]
    assert dag.get_task("train").main_python_file_uri == config["jobs"]["trainJob"]
    assert dag.timetable.expression == config["schedule"]


def test_local_runs_spark_submit_with_the_configured_binaries():
    config = rendered_config("local")
    dag = build_dag(config)
    assert sorted(dag.task_ids) == sorted(SPARK_TASKS + ["plan", "report_mlflow_run", "check_monitoring"])
    clean = dag.get_task("clean")
    assert type(clean).__name__ == "LocalSparkSubmitOperator"
    assert clean.spark_submit == config["local"]["sparkSubmit"]
    assert clean.python == config["local"]["python"]
    assert clean.application == config["jobs"]["cleanJob"]


@pytest.mark.parametrize("mode", ["persistent", "ephemeral", "local"])
def test_retries_timeouts_and_no_credentials(mode):
    config = rendered_config(mode)
    dag = build_dag(config)
    assert dag.max_active_runs == 1
    assert dag.dagrun_timeout.total_seconds() == config["dagRunTimeoutMinutes"] * 60
    for task_id in SPARK_TASKS:
        task = dag.get_task(task_id)
        assert task.retries == config["retries"]
        assert task.retry_delay.total_seconds() == config["retryDelayMinutes"] * 60
        assert task.execution_timeout.total_seconds() == config["jobTimeoutMinutes"] * 60
    # The one allowed mention: the location of the jobs' MLflow login (a URI, not the secret).
    locations = {key: value for key, value in config["mlflow"].items() if key != "credentialsUri"}
    text = json.dumps({**config, "mlflow": locations}).lower()
    for word in CREDENTIAL_WORDS:
        assert word not in text, f"pipeline.json mentions {word}"
    for task in dag.tasks:
        for name in ("connection_id", "yandex_conn_id"):
            assert getattr(task, name, None) in (None, "yandexcloud_default")


def test_a_bad_config_names_the_field():
    config = rendered_config("ephemeral")
    config["data"]["rawPrefix"] = "/local/path"
    with pytest.raises(PipelineConfigError, match=r"data\.rawPrefix.*s3a://"):
        validate(config)
    del config["dataproc"]
    config["data"]["rawPrefix"] = "s3a://bucket/raw"
    with pytest.raises(PipelineConfigError, match=r"pipeline config dataproc: .*required"):
        validate(config)


def planned(config, dag):
    """The job arguments a run with the DAG's default parameters gets (the plan task's output)."""
    return plan_run(config, {name: param.value for name, param in dag.params.items()}, "manual__x")


@pytest.mark.parametrize("mode", ["persistent", "ephemeral", "local"])
def test_no_mlflow_login_in_job_specs_only_its_location_in_cloud_modes(mode, monkeypatch):
    # The login in this process's environment, as on the VM: the old code copied it into job properties.
    for name, value in MLFLOW_LOGIN.items():
        monkeypatch.setenv(name, value)
    config = rendered_config(mode)
    dag = build_dag(config)
    plan = planned(config, dag)
    train_args = plan["train_args"]
    specs = [json.dumps(plan["clean_args"] + train_args + plan["score_args"] + plan["monitor_args"])]
    for task in dag.tasks:
        properties = getattr(task, "properties", None) or {}
        assert not any("MLFLOW_TRACKING" in key for key in properties), properties
        specs.append(json.dumps(properties))
    for value in MLFLOW_LOGIN.values():
        assert not any(value in spec for spec in specs), f"the MLflow login reached a {mode} job spec"
    # Training, scoring, monitoring and the cleaning job's data-quality report all log to MLflow.
    for args in (plan["clean_args"], train_args, plan["score_args"], plan["monitor_args"]):
        assert args[args.index("--mlflow-uri") + 1] == config["mlflow"]["trackingUri"]
        if mode == "local":
            assert "--mlflow-credentials" not in args  # spark-submit on this host inherits the environment
            continue
        uri = config["mlflow"]["credentialsUri"]
        assert uri.startswith("s3a://") and uri.endswith("/secrets/mlflow-client.json")
        assert args[args.index("--mlflow-credentials") + 1] == uri


def test_a_cloud_config_without_the_credentials_location_names_the_field():
    config = rendered_config("persistent")
    del config["mlflow"]["credentialsUri"]
    with pytest.raises(PipelineConfigError, match=r"mlflow\.credentialsUri"):
        validate(config)


@pytest.mark.parametrize("mode", ["persistent", "ephemeral", "local"])
def test_every_mode_builds_its_spark_chain_from_the_jobs_table(mode):
    config = rendered_config(mode)
    dag = build_dag(config)
    ids = [job.task_id for job in PIPELINE_JOBS]
    for upstream, downstream in zip(ids, ids[1:]):
        assert downstream in dag.get_task(upstream).downstream_task_ids
    for job in PIPELINE_JOBS:
        task = dag.get_task(job.task_id)
        if mode == "local":
            assert task.application == config["jobs"][job.application]
            continue
        assert task.main_python_file_uri == config["jobs"][job.application]
        # Sizes rendered from the data hosts' preset reach the job, in cluster deploy mode.
        assert task.properties == config["dataproc"]["jobProperties"][job.task_id]
        assert task.properties["spark.submit.deployMode"] == "cluster"
        assert "spark.driver.memory" in task.properties


@pytest.mark.parametrize("mode", ["persistent", "local"])
def test_run_params_take_their_names_and_limits_from_the_contract(mode):
    dag = build_dag(rendered_config(mode))
    assert sorted(dag.params.keys()) == sorted(schema_at(RUN_PARAMS)["properties"])
    assert dag.params.get_param("delayDays").schema["minimum"] == 1
    with pytest.raises(ParamValidationError):
        dag.params.get_param("delayDays").resolve(0)
    with pytest.raises(ParamValidationError):
        dag.params.get_param("trainStart").resolve("2019-13-01")
    location = "/data/raw" if mode == "persistent" else "s3a://raw/raw"
    with pytest.raises(ParamValidationError):
        dag.params.get_param("inputPrefix").resolve(location)
