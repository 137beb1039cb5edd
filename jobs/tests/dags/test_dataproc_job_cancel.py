"""The Data Proc job task cancels its job when Airflow kills it (timeout, SIGTERM), and only then.

The SDK is a stand-in (no cloud here); the requests and the operation are the real protobuf messages the
yandexcloud SDK sends and receives.
"""

from __future__ import annotations

from typing import List

import pytest
from airflow.sdk.exceptions import AirflowTaskTimeout
from fraud_pipeline_lib.dataproc import PysparkJobOperator
from google.protobuf.any_pb2 import Any as AnyProto
from yandex.cloud.dataproc.v1 import job_pb2, job_service_pb2
from yandex.cloud.operation.operation_pb2 import Operation
from yandexcloud.operations import OperationError, OperationResult

CLUSTER = "c9qcluster"
JOB = "c9qjob0001"


class FakeJobService:
    def __init__(self, calls: List[tuple]) -> None:
        self.calls = calls

    def Create(self, request: job_service_pb2.CreateJobRequest) -> Operation:  # noqa: N802
        self.calls.append(("Create", request))
        metadata = AnyProto()
        metadata.Pack(job_service_pb2.CreateJobMetadata(cluster_id=request.cluster_id, job_id=JOB))
        return Operation(id="op-1", metadata=metadata)

    def Cancel(self, request: job_service_pb2.CancelJobRequest) -> Operation:  # noqa: N802
        self.calls.append(("Cancel", request))
        return Operation(id="op-2")


class FakeSdk:
    """`wait` plays the job's life: return normally, raise the job's failure, or be interrupted."""

    def __init__(self, wait) -> None:
        self.calls: List[tuple] = []
        self._wait = wait

    def client(self, _stub):
        return FakeJobService(self.calls)

    def wait_operation_and_get_result(self, operation, response_type=None, meta_type=None):
        self.calls.append(("Wait", operation.id))
        return self._wait(operation)


class FakeHook:
    def __init__(self, sdk: FakeSdk) -> None:
        self.sdk = sdk


def job_task(monkeypatch, sdk: FakeSdk) -> PysparkJobOperator:
    task = PysparkJobOperator(
        task_id="clean",
        name="fraud-clean",
        cluster_id=CLUSTER,
        cluster_bucket="fraud-logs",
        main_python_file_uri="s3a://code/entrypoints/clean_job.py",
        python_file_uris=["s3a://code/fraud_jobs.zip"],
        args=["--input", "s3a://raw/raw", 7],
    )
    monkeypatch.setattr(task, "_setup", lambda context: FakeHook(sdk))
    return task


def cancels(sdk: FakeSdk) -> List[tuple]:
    return [(c[1].cluster_id, c[1].job_id) for c in sdk.calls if c[0] == "Cancel"]


def test_a_timeout_during_the_job_cancels_it(monkeypatch):
    def interrupted(_operation):
        raise AirflowTaskTimeout()

    sdk = FakeSdk(interrupted)
    task = job_task(monkeypatch, sdk)
    with pytest.raises(AirflowTaskTimeout):
        task.execute(context={})
    task.on_kill()  # what the task runner does after a timeout
    assert cancels(sdk) == [(CLUSTER, JOB)]
    task.on_kill()  # a second kill does not cancel twice
    assert cancels(sdk) == [(CLUSTER, JOB)]


def test_sigterm_while_waiting_cancels_the_running_job(monkeypatch):
    def killed_while_waiting(_operation):
        task.on_kill()  # the SIGTERM handler runs in the waiting thread
        raise SystemExit(1)

    sdk = FakeSdk(killed_while_waiting)
    task = job_task(monkeypatch, sdk)
    with pytest.raises(SystemExit):
        task.execute(context={})
    assert cancels(sdk) == [(CLUSTER, JOB)]
    create = sdk.calls[0][1]
    assert (create.cluster_id, create.name) == (CLUSTER, "fraud-clean")
    assert list(create.pyspark_job.args) == ["--input", "s3a://raw/raw", "7"]
    assert list(create.pyspark_job.python_file_uris) == ["s3a://code/fraud_jobs.zip"]


def test_a_finished_job_is_not_cancelled(monkeypatch):
    def finished(operation):
        return OperationResult(operation, response=job_pb2.Job(id=JOB))

    sdk = FakeSdk(finished)
    task = job_task(monkeypatch, sdk)
    assert task.execute(context={}) == JOB
    task.on_kill()
    assert cancels(sdk) == []


def test_a_failed_job_is_not_cancelled(monkeypatch):
    def failed(operation):
        raise OperationError("job failed", OperationResult(operation))

    sdk = FakeSdk(failed)
    task = job_task(monkeypatch, sdk)
    with pytest.raises(OperationError):
        task.execute(context={})
    task.on_kill()
    assert cancels(sdk) == []


def test_killed_before_the_job_exists_cancels_nothing(monkeypatch):
    sdk = FakeSdk(lambda operation: None)
    task = job_task(monkeypatch, sdk)
    task.on_kill()
    assert sdk.calls == []
