"""Yandex provider Data Proc operators, extended where the DAG needs more than they give:
templated job arguments, the driver output location in the log, cancelling the Data Proc job when Airflow
kills the task (timeout, SIGTERM, marked failed: the provider's operator has no on_kill, so the job would run
on, billed), deletion of whatever the run created (even when creation half-failed), and a check that the
cluster is really gone.

Authentication: the `yandexcloud_default` connection carries no key, so the SDK uses the VM's service account.
No secret goes into a job's spec (args, properties): anyone with dataproc.viewer can read it. The training and
cleaning jobs read their MLflow login from a file in the code bucket (--mlflow-credentials) as the cluster's
service account.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from airflow.providers.yandex.hooks.dataproc import DataprocHook
from airflow.providers.yandex.operators.dataproc import (
    DataprocBaseOperator,
    DataprocCreateClusterOperator,
    DataprocCreateMapReduceJobOperator,
    DataprocCreatePysparkJobOperator,
    DataprocDeleteClusterOperator,
)


def driver_output_location(bucket: str, cluster_id: str, job_id: str) -> str:
    return f"s3://{bucket}/dataproc/clusters/{cluster_id}/jobs/{job_id}/"


class NamedClusterCreateOperator(DataprocCreateClusterOperator):
    """The provider's create operator with a templated name (one cluster per run, named after the run)."""

    template_fields: Sequence[str] = ("cluster_name",)


class _CancellableJob(DataprocBaseOperator):
    """Creates a Data Proc job as the provider does (create, then wait for the operation), keeping the job id
    while it runs so that on_kill can cancel it. Mixed in before a provider job operator, which keeps its own
    arguments; a subclass says which job it sends (`_job_spec`)."""

    template_fields: Sequence[str] = ("cluster_id", "args")
    name: str
    args: Any

    def __init__(self, *, cluster_bucket: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cluster_bucket = cluster_bucket
        self._hook: Optional[DataprocHook] = None
        # (cluster id, job id) from the create operation's metadata until the job has finished.
        self._running: Optional[Tuple[str, str]] = None

    def _job_spec(self) -> Dict[str, Any]:
        """The CreateJobRequest's job field, e.g. {"pyspark_job": job_pb2.PysparkJob(...)}."""
        raise NotImplementedError

    def _args(self) -> List[str]:
        return [str(arg) for arg in self.args or []]

    def execute(self, context: Any) -> Optional[str]:
        from yandex.cloud.dataproc.v1 import job_pb2, job_service_pb2
        from yandex.cloud.dataproc.v1.job_service_pb2_grpc import JobServiceStub
        from yandexcloud.operations import OperationError

        self._hook = hook = self._setup(context)
        job = self._job_spec()
        request = job_service_pb2.CreateJobRequest(cluster_id=self.cluster_id, name=self.name, **job)
        operation = hook.sdk.client(JobServiceStub).Create(request)
        meta = job_service_pb2.CreateJobMetadata()
        operation.metadata.Unpack(meta)
        self._running = (meta.cluster_id or str(self.cluster_id), meta.job_id)
        self.log.info(
            "Data Proc job %s; driver output: %s",
            meta.job_id,
            driver_output_location(self.cluster_bucket, self._running[0], meta.job_id),
        )
        try:
            result = hook.sdk.wait_operation_and_get_result(
                operation, response_type=job_pb2.Job, meta_type=job_service_pb2.CreateJobMetadata
            )
        except OperationError:
            self._running = None  # the job ended (failed): nothing left to cancel
            raise
        # Not in a `finally`: a timeout raises out of the wait and on_kill must still find the job.
        self._running = None
        return result.response.id

    def on_kill(self) -> None:
        if self._running is None:
            return
        from yandex.cloud.dataproc.v1.job_service_pb2 import CancelJobRequest
        from yandex.cloud.dataproc.v1.job_service_pb2_grpc import JobServiceStub

        cluster_id, job_id = self._running
        self.log.info("Task killed: cancelling Data Proc job %s on cluster %s", job_id, cluster_id)
        hook = self._hook or DataprocHook(yandex_conn_id=self.yandex_conn_id)
        hook.sdk.client(JobServiceStub).Cancel(CancelJobRequest(cluster_id=cluster_id, job_id=job_id))
        self._running = None


class PysparkJobOperator(_CancellableJob, DataprocCreatePysparkJobOperator):
    """The provider's PySpark job, cancelled when Airflow kills the task."""

    def _job_spec(self) -> Dict[str, Any]:
        from yandex.cloud.dataproc.v1 import job_pb2

        return {
            "pyspark_job": job_pb2.PysparkJob(
                main_python_file_uri=self.main_python_file_uri,
                python_file_uris=self.python_file_uris,
                args=self._args(),
                properties=self.properties,
            )
        }


class MapReduceJobOperator(_CancellableJob, DataprocCreateMapReduceJobOperator):
    """The provider's MapReduce job (`hadoop distcp` as main class), cancelled when Airflow kills the task."""

    def _job_spec(self) -> Dict[str, Any]:
        from yandex.cloud.dataproc.v1 import job_pb2

        return {
            "mapreduce_job": job_pb2.MapreduceJob(
                main_class=self.main_class,
                jar_file_uris=list(self.jar_file_uris or []),
                args=self._args(),
                properties=dict(self.properties or {}),
            )
        }


def _clusters_named(hook: DataprocHook, folder_id: str, name: str) -> List[Any]:
    from yandex.cloud.dataproc.v1.cluster_service_pb2 import ListClustersRequest
    from yandex.cloud.dataproc.v1.cluster_service_pb2_grpc import ClusterServiceStub

    request = ListClustersRequest(folder_id=folder_id, filter=f'name = "{name}"')
    return list(hook.sdk.client(ClusterServiceStub).List(request).clusters)


class DeleteRunClusterOperator(DataprocDeleteClusterOperator):
    """Deletes the run's cluster: by the id create_cluster pushed or, if creation failed midway, by name."""

    def __init__(self, *, folder_id: str, cluster_name: Any, create_task_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.folder_id = folder_id
        self.cluster_name = cluster_name
        self.create_task_id = create_task_id

    template_fields: Sequence[str] = ("cluster_id", "cluster_name")

    def execute(self, context: Any) -> None:
        hook = DataprocHook(yandex_conn_id=self.yandex_conn_id)
        ids = [context["ti"].xcom_pull(task_ids=self.create_task_id, key="cluster_id")]
        if not ids[0]:
            ids = [cluster.id for cluster in _clusters_named(hook, self.folder_id, self.cluster_name)]
        if not ids:
            self.log.info("No cluster named %s exists: nothing to delete", self.cluster_name)
            return
        for cluster_id in ids:
            self.log.info("Deleting cluster %s (%s)", cluster_id, self.cluster_name)
            hook.dataproc_client.delete_cluster(cluster_id)


def verify_cluster_gone(folder_id: str, name: str, connection_id: Optional[str] = None) -> None:
    left = _clusters_named(DataprocHook(yandex_conn_id=connection_id), folder_id, name)
    if left:
        ids = ", ".join(cluster.id for cluster in left)
        raise RuntimeError(
            f"cluster {name} ({ids}) still exists and is billed: "
            f"delete it with `yc dataproc cluster delete {left[0].id}`"
        )
