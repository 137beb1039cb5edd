"""One way to build a SparkSession for the jobs: cluster (spark-submit decides), local, and s3a options."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

from pyspark.sql import SparkSession

# Jobs and tests use at most two local cores: the machine is shared.
LOCAL_MASTER = "local[2]"


@dataclass(frozen=True)
class S3aOptions:
    """An S3-compatible endpoint for hadoop-aws (s3a://). Keys come from the caller, never from argv."""

    endpoint: str
    access_key: str
    secret_key: str
    path_style_access: bool = True

    def hadoop_conf(self) -> Dict[str, str]:
        return {
            "fs.s3a.endpoint": self.endpoint,
            "fs.s3a.access.key": self.access_key,
            "fs.s3a.secret.key": self.secret_key,
            "fs.s3a.path.style.access": str(self.path_style_access).lower(),
            "fs.s3a.connection.ssl.enabled": str(self.endpoint.startswith("https://")).lower(),
            "fs.s3a.aws.credentials.provider": "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
            "fs.s3a.impl": "org.apache.hadoop.fs.s3a.S3AFileSystem",
        }


def session_conf(
    local: bool = False,
    shuffle_partitions: Optional[int] = None,
    jars: Sequence[str] = (),
    s3a: Optional[S3aOptions] = None,
) -> Dict[str, str]:
    """The Spark settings of a job session (pure, so it can be tested without a JVM)."""
    conf = {"spark.sql.session.timeZone": "UTC"}
    if local:
        conf.update(
            {
                "spark.ui.enabled": "false",
                "spark.ui.showConsoleProgress": "false",
                "spark.sql.shuffle.partitions": str(shuffle_partitions or 4),
                "spark.driver.extraJavaOptions": "-Duser.timezone=UTC",
                "spark.executor.extraJavaOptions": "-Duser.timezone=UTC",
            }
        )
    elif shuffle_partitions:
        conf["spark.sql.shuffle.partitions"] = str(shuffle_partitions)
    if jars:
        conf["spark.jars"] = ",".join(jars)
    if s3a is not None:
        conf.update({"spark.hadoop." + key: value for key, value in s3a.hadoop_conf().items()})
    return conf


def build_spark_session(
    app_name: str,
    local: bool = False,
    shuffle_partitions: Optional[int] = None,
    jars: Sequence[str] = (),
    s3a: Optional[S3aOptions] = None,
    extra_conf: Optional[Dict[str, str]] = None,
) -> SparkSession:
    """Local sessions run on local[2]; otherwise the master comes from spark-submit (Data Proc, YARN)."""
    builder = SparkSession.builder.appName(app_name)
    if local:
        builder = builder.master(LOCAL_MASTER)
    conf = session_conf(local=local, shuffle_partitions=shuffle_partitions, jars=jars, s3a=s3a)
    conf.update(extra_conf or {})
    for key, value in conf.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


# Spark's barrier-mode timers are non-daemon threads that nothing cancels before Spark 3.5.6 / 4.0
# (SPARK-49479, SPARK-51450): after a barrier stage (xgboost.spark trains in one) the spark-submit JVM
# outlives the job forever, so the task that launched it never ends.
BARRIER_TIMER_THREADS = (
    "BarrierCoordinator barrier epoch increment timer",
    "Barrier task timer for barrier() calls.",
)


def lingering_barrier_timers(jvm) -> List[str]:
    """Names of the live non-daemon barrier timer threads of the JVM behind `jvm` (a py4j view)."""
    threads = jvm.java.lang.Thread.getAllStackTraces().keySet().toArray()
    return [
        thread.getName()
        for thread in threads
        if thread.getName() in BARRIER_TIMER_THREADS and thread.isAlive() and not thread.isDaemon()
    ]


def end_submitted_job(exit_code: int) -> int:
    """For spark-submit entry points, after the job's work: stops the session and, when a barrier timer
    would keep the JVM alive, exits the JVM with the job's own code (Python's output flushed first)."""
    spark = SparkSession.getActiveSession()
    if spark is None:
        return exit_code
    jvm = spark.sparkContext._jvm
    spark.stop()
    lingering = lingering_barrier_timers(jvm)
    if lingering:
        print(f"ending the JVM: Spark left {', '.join(lingering)} running (SPARK-49479)", file=sys.stderr)
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            jvm.java.lang.System.exit(exit_code)
        except Exception:  # noqa: BLE001 - the gateway closes as the JVM exits: the call cannot return
            pass
    return exit_code
