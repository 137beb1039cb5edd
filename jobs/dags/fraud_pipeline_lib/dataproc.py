"""Yandex provider Data Proc operators, extended where the DAG needs more than they give:
templated job arguments, the driver output location in the log, deletion of whatever the run created
(even when creation half-failed), and a check that the cluster is really gone.

Authentication: the `yandexcloud_default` connection carries no key, so the SDK uses the VM's service account.
No secret goes into a job's spec (args, properties): anyone with dataproc.viewer can read it. The training job
reads its MLflow login from a file in the code bucket (--mlflow-credentials) as the cluster's service account.
"""

from __future__ import annotations

from typing import Any, List, Optional, Sequence

from airflow.providers.yandex.hooks.dataproc import DataprocHook
from airflow.providers.yandex.operators.dataproc import (
    DataprocCreateClusterOperator,
    DataprocCreatePysparkJobOperator,
    DataprocDeleteClusterOperator,
)


def driver_output_location(bucket: str, cluster_id: str, job_id: str) -> str:
    return f"s3://{bucket}/dataproc/clusters/{cluster_id}/jobs/{job_id}/"


class NamedClusterCreateOperator(DataprocCreateClusterOperator):
    """The provider's create operator with a templated name (one cluster per run, named after the run)."""

    template_fields: Sequence[str] = ("cluster_name",)


class PysparkJobOperator(DataprocCreatePysparkJobOperator):
    template_fields: Sequence[str] = ("cluster_id", "args")

    def __init__(self, *, cluster_bucket: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cluster_bucket = cluster_bucket

    def execute(self, context: Any) -> Optional[str]:
        hook = self._setup(context)
        self.log.info(
            "Spark driver output will be under %s",
            driver_output_location(self.cluster_bucket, str(self.cluster_id), "<job id>"),
        )
        result = hook.dataproc_client.create_pyspark_job(
            main_python_file_uri=self.main_python_file_uri,
            python_file_uris=self.python_file_uris,
            args=[str(arg) for arg in self.args or []],
            properties=self.properties,
            name=self.name,
            cluster_id=self.cluster_id,
        )
        job_id = result.response.id
        self.log.info(
            "Spark driver output: %s",
            driver_output_location(self.cluster_bucket, str(self.cluster_id), job_id),
        )
        return job_id


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
