"""The `fraud_pipeline` DAG: plan -> clean -> train (registration and champion gate) -> score (champion) ->
monitor -> MLflow run link -> check_monitoring (fails on a drift or outcome breach); with cleanFrom hdfs
(persistent mode), a stage_raw distcp job before clean (fraud_pipeline_lib/staging.py).

The mode of the rendered pipeline.json decides where Spark runs:
  persistent  Data Proc jobs on the Pulumi-managed cluster;
  ephemeral   create a cluster with the same spec, run the jobs, delete it whatever happened (ALL_DONE),
              verify it is gone; a watcher fails the run if any pipeline task failed (the teardown succeeds);
  local       spark-submit on this host.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Dict, List

from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG, Param, TriggerRule

from fraud_pipeline_lib import mlflow_link
from fraud_pipeline_lib.config import DELAY_SWEEP, RUN_WINDOW, location_pointer, schema_at
from fraud_pipeline_lib.monitoring_check import monitoring_check_task
from fraud_pipeline_lib.plan import plan_run
from fraud_pipeline_lib.staging import stage_tasks

DAG_ID = "fraud_pipeline"


# Runs the scheduler makes for a data interval; a manual trigger takes its window from the run params.
SCHEDULED_RUN_TYPES = ("scheduled", "backfill")


def _plan(
    config: Dict[str, Any], params: Dict[str, Any], run_id: str, dag_run: Any, data_interval_end: Any
) -> Dict[str, Any]:
    window_end = None
    if str(getattr(dag_run.run_type, "value", dag_run.run_type)) in SCHEDULED_RUN_TYPES:
        window_end = data_interval_end.astimezone(dt.timezone.utc).date()
    return plan_run(config, params, run_id, window_end)


def _report_mlflow_run(tracking_uri: str, ui_url: str, experiment: str, dag_run: Any) -> str:
    started = dag_run.start_date or dag_run.queued_at
    return mlflow_link.report_run(tracking_uri, ui_url, experiment, int(started.timestamp() * 1000))


def _fail_if_any_failed() -> None:
    raise RuntimeError("a pipeline task failed (the cluster was still deleted): see the failed task's log")


def _params(config: Dict[str, Any]) -> Dict[str, Param]:
    """Run parameters, keyed and limited as the contract's runParams (pipeline.schema.json), defaults from
    pipeline.json; inputPrefix takes the location rule of the mode."""
    location = schema_at(location_pointer(config["mode"]))
    params = {"inputPrefix": Param(config["data"]["rawPrefix"], **location)}
    for name, fragment in schema_at(RUN_WINDOW)["properties"].items():
        params[name] = Param(config["training"][name], **fragment)
    params["delaySweepDays"] = Param(config["training"]["delaySweepDays"], **schema_at(DELAY_SWEEP))
    return params


# The pipeline's jobs in run order: the DAG's Spark tasks in every mode are built from this table; the mode
# only picks the operator and whether a cluster is created and deleted around the chain.
@dataclass(frozen=True)
class PipelineJob:
    task_id: str
    job_name: str
    application: str
    """Key of the entry file under pipeline.json `jobs`."""
    args: str
    """Key of the job's arguments in the plan task's output."""


PIPELINE_JOBS = (
    PipelineJob("clean", "fraud-clean", "cleanJob", "clean_args"),
    PipelineJob("train", "fraud-train", "trainJob", "train_args"),
    PipelineJob("score", "fraud-score", "scoreJob", "score_args"),
    PipelineJob("monitor", "fraud-monitor", "monitorJob", "monitor_args"),
)


def _spark_tasks(config: Dict[str, Any], plan: PythonOperator, cluster_id: Any) -> List[Any]:
    jobs, mode = config["jobs"], config["mode"]
    if mode == "local":
        from fraud_pipeline_lib.local_spark import LocalSparkSubmitOperator

        local = config["local"]
        return [
            LocalSparkSubmitOperator(
                task_id=job.task_id,
                application=jobs[job.application],
                application_args=plan.output[job.args],
                conf=local.get("conf", {}),
                spark_submit=local["sparkSubmit"],
                python=local["python"],
                master=local["master"],
                py_files=jobs["pyFiles"],
            )
            for job in PIPELINE_JOBS
        ]
    from fraud_pipeline_lib.dataproc import PysparkJobOperator

    dataproc = config["dataproc"]
    return [
        PysparkJobOperator(
            task_id=job.task_id,
            name=job.job_name,
            main_python_file_uri=jobs[job.application],
            args=plan.output[job.args],
            # Deploy mode and driver/executor sizes from the data hosts' preset (infra/dataproc/sizing.ts).
            properties=dataproc["jobProperties"][job.task_id],
            cluster_id=cluster_id,
            cluster_bucket=dataproc["spec"]["bucket"],
            python_file_uris=jobs["pyFiles"],
            execution_timeout=dt.timedelta(minutes=config["jobTimeoutMinutes"]),
        )
        for job in PIPELINE_JOBS
    ]


def _chain(tasks: List[Any]) -> None:
    for upstream, downstream in zip(tasks, tasks[1:]):
        upstream >> downstream


def _create_cluster(config: Dict[str, Any], plan: PythonOperator) -> Any:
    from fraud_pipeline_lib.dataproc import NamedClusterCreateOperator

    spec = config["dataproc"]["spec"]
    master, data = spec["master"], spec["data"]
    return NamedClusterCreateOperator(
        task_id="create_cluster",
        folder_id=spec["folderId"],
        cluster_name=plan.output["cluster_name"],
        cluster_image_version=spec["imageVersion"],
        ssh_public_keys=spec["sshPublicKeys"],
        subnet_id=spec["subnetId"],
        services=spec["services"],
        s3_bucket=spec["bucket"],
        zone=spec["zone"],
        service_account_id=spec["serviceAccountId"],
        masternode_resource_preset=master["preset"],
        masternode_disk_size=master["diskSizeGb"],
        masternode_disk_type=master["diskType"],
        datanode_resource_preset=data["preset"],
        datanode_disk_size=data["diskSizeGb"],
        datanode_disk_type=data["diskType"],
        datanode_count=data["hosts"],
        properties=spec["properties"],
        security_group_ids=spec["securityGroupIds"],
        labels=spec["labels"],
        execution_timeout=dt.timedelta(minutes=config["clusterTimeoutMinutes"]),
        # A retry would collide with the half-made cluster of the same name; the teardown cleans up instead.
        retries=0,
    )


def build_dag(config: Dict[str, Any]) -> DAG:
    mode = config["mode"]
    mlflow = config["mlflow"]
    default_args = {
        "retries": config["retries"],
        "retry_delay": dt.timedelta(minutes=config["retryDelayMinutes"]),
        "execution_timeout": dt.timedelta(minutes=config["jobTimeoutMinutes"]),
    }
    with DAG(
        dag_id=DAG_ID,
        description=f"Clean raw transactions, train and register the fraud model ({mode} mode)",
        schedule=config["schedule"],
        start_date=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
        catchup=False,
        # One run at a time: runs share the champion alias and the MLflow lookup of the newest run.
        max_active_runs=1,
        dagrun_timeout=dt.timedelta(minutes=config["dagRunTimeoutMinutes"]),
        default_args=default_args,
        params=_params(config),
        tags=["fraud", mode],
    ) as dag:
        plan = PythonOperator(
            task_id="plan",
            python_callable=_plan,
            op_kwargs={"config": config},
            multiple_outputs=True,
            retries=0,
        )
        report = PythonOperator(
            task_id="report_mlflow_run",
            python_callable=_report_mlflow_run,
            op_kwargs={
                "tracking_uri": mlflow["trackingUri"],
                "ui_url": mlflow["uiUrl"],
                "experiment": config["training"]["experiment"],
            },
        )
        check = monitoring_check_task(config)
        if mode == "ephemeral":
            from fraud_pipeline_lib.dataproc import DeleteRunClusterOperator, verify_cluster_gone

            create = _create_cluster(config, plan)
            jobs = _spark_tasks(config, plan, create.output)
            spec = config["dataproc"]["spec"]
            delete = DeleteRunClusterOperator(
                task_id="delete_cluster",
                folder_id=spec["folderId"],
                cluster_name=plan.output["cluster_name"],
                create_task_id=create.task_id,
                trigger_rule=TriggerRule.ALL_DONE,
                execution_timeout=dt.timedelta(minutes=config["clusterTimeoutMinutes"]),
            )
            verify = PythonOperator(
                task_id="verify_cluster_deleted",
                python_callable=verify_cluster_gone,
                op_kwargs={"folder_id": spec["folderId"], "name": plan.output["cluster_name"]},
                trigger_rule=TriggerRule.ALL_DONE,
            )
            watcher = PythonOperator(
                task_id="pipeline_failed",
                python_callable=_fail_if_any_failed,
                trigger_rule=TriggerRule.ONE_FAILED,
            )
            _chain([plan, create, *jobs, report, check])
            [create, *jobs, report] >> delete >> verify
            [plan, create, *jobs, report, check, delete, verify] >> watcher
        else:
            cluster_id = config["dataproc"]["clusterId"] if mode == "persistent" else None
            # HDFS staging (cleanFrom hdfs, persistent mode only): distcp before cleaning.
            staging = stage_tasks(config, plan, cluster_id)
            _chain([plan, *staging, *_spark_tasks(config, plan, cluster_id), report, check])
    return dag
