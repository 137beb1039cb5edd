"""The `fraud_pipeline` DAG: plan -> clean -> train (registration and champion gate) -> MLflow run link.

The mode of the rendered pipeline.json decides where Spark runs:
  persistent  Data Proc jobs on the Pulumi-managed cluster;
  ephemeral   create a cluster with the same spec, run the jobs, delete it whatever happened (ALL_DONE),
              verify it is gone; a watcher fails the run if any pipeline task failed (the teardown succeeds);
  local       spark-submit on this host.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict

from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG, Param, TriggerRule

from fraud_pipeline_lib import mlflow_link
from fraud_pipeline_lib.plan import plan_run

DAG_ID = "fraud_pipeline"


def _plan(config: Dict[str, Any], params: Dict[str, Any], run_id: str) -> Dict[str, Any]:
    return plan_run(config, params, run_id)


def _report_mlflow_run(tracking_uri: str, ui_url: str, experiment: str, dag_run: Any) -> str:
    started = dag_run.start_date or dag_run.queued_at
    return mlflow_link.report_run(tracking_uri, ui_url, experiment, int(started.timestamp() * 1000))


def _fail_if_any_failed() -> None:
    raise RuntimeError("a pipeline task failed (the cluster was still deleted): see the failed task's log")


def _params(config: Dict[str, Any]) -> Dict[str, Param]:
    training = config["training"]
    days = {"type": "integer", "minimum": 1, "maximum": 365}
    return {
        "input_prefix": Param(
            config["data"]["rawPrefix"], type="string", minLength=1, description="raw .txt files"
        ),
        "train_start": Param(training["trainStart"], type="string", pattern=r"^\d{4}-\d{2}-\d{2}$"),
        "train_days": Param(training["trainDays"], **days),
        "delay_days": Param(training["delayDays"], type="integer", minimum=0, maximum=365),
        "test_days": Param(training["testDays"], **days),
    }


def _spark_tasks(config: Dict[str, Any], plan: PythonOperator, cluster_id: Any) -> tuple:
    jobs, mode = config["jobs"], config["mode"]
    timeout = dt.timedelta(minutes=config["jobTimeoutMinutes"])
    if mode == "local":
        from fraud_pipeline_lib.local_spark import LocalSparkSubmitOperator

        local = config["local"]
        common: Dict[str, Any] = dict(
            conf=local.get("conf", {}),
            spark_submit=local["sparkSubmit"],
            python=local["python"],
            master=local["master"],
            py_files=jobs["pyFiles"],
        )
        clean = LocalSparkSubmitOperator(
            task_id="clean",
            application=jobs["cleanJob"],
            application_args=plan.output["clean_args"],
            **common,
        )
        train = LocalSparkSubmitOperator(
            task_id="train",
            application=jobs["trainJob"],
            application_args=plan.output["train_args"],
            **common,
        )
        return clean, train
    from fraud_pipeline_lib.dataproc import PysparkJobOperator

    cloud: Dict[str, Any] = dict(
        cluster_id=cluster_id,
        cluster_bucket=config["dataproc"]["spec"]["bucket"],
        python_file_uris=jobs["pyFiles"],
        execution_timeout=timeout,
    )
    clean = PysparkJobOperator(
        task_id="clean",
        name="fraud-clean",
        main_python_file_uri=jobs["cleanJob"],
        args=plan.output["clean_args"],
        **cloud,
    )
    train = PysparkJobOperator(
        task_id="train",
        name="fraud-train",
        main_python_file_uri=jobs["trainJob"],
        args=plan.output["train_args"],
        **cloud,
    )
    return clean, train


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
        if mode == "ephemeral":
            from fraud_pipeline_lib.dataproc import DeleteRunClusterOperator, verify_cluster_gone

            create = _create_cluster(config, plan)
            clean, train = _spark_tasks(config, plan, create.output)
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
            plan >> create >> clean >> train >> report
            [create, clean, train, report] >> delete >> verify
            [plan, create, clean, train, report, delete, verify] >> watcher
        else:
            cluster_id = config["dataproc"]["clusterId"] if mode == "persistent" else None
            clean, train = _spark_tasks(config, plan, cluster_id)
            plan >> clean >> train >> report
    return dag
