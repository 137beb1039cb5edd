"""HDFS staging (pipeline.json `cleanFrom: hdfs`, persistent mode only; jobs/dags/README.md "HDFS staging").

A `stage_raw` task copies the raw files the cluster's HDFS lacks with `hadoop distcp -update`, run as a
Data Proc MapReduce job (main class org.apache.hadoop.tools.DistCp), and cleaning reads the HDFS copy.
`-update` makes the step resumable and incremental: a file already in HDFS with the same length is skipped,
so a rerun after a failure, or the next run after one new day arrived, copies only what is missing.

Pure functions except `stage_tasks`, which builds the Airflow task (imported lazily: plan.py uses the rest).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Dict, List, Tuple

from fraud_pipeline_lib.config import schema_at

# Under the cluster's default file system (its HDFS), one folder per source bucket and prefix, so two input
# prefixes never mix in one staged copy.
STAGING_ROOT = "hdfs:///fraud-mlops/raw-staging"
DISTCP_MAIN_CLASS = "org.apache.hadoop.tools.DistCp"
# Where Data Proc images (Bigtop layout, as on every Hadoop 3 distribution) keep the distcp tool; the
# `hadoop distcp` command adds it to the classpath itself, a MapReduce job must name it.
DISTCP_JAR = "file:///usr/lib/hadoop-mapreduce/hadoop-distcp.jar"
STAGE_TASK_ID = "stage_raw"
_CLOUD_LOCATION = re.compile(r"^s3a://([^/]+)/?(.*)$")


def clean_from(config: Dict[str, Any]) -> str:
    """objectStorage or hdfs; the contract's default when the key is absent."""
    return config.get("cleanFrom", schema_at("/properties/cleanFrom")["default"])


def staging_dir(input_prefix: str) -> str:
    """s3a://bucket/raw -> hdfs:///fraud-mlops/raw-staging/bucket/raw (the contract checked the URI)."""
    match = _CLOUD_LOCATION.match(input_prefix)
    if not match:
        raise ValueError(f"inputPrefix {input_prefix}: HDFS staging copies from an s3a:// location")
    bucket, key = match.group(1), match.group(2).strip("/")
    return "/".join(part for part in (STAGING_ROOT, bucket, key) if part)


def distcp_args(source: str, target: str) -> List[str]:
    """`-update`: copy only files missing in the target or of another length (raw day files never change
    once written), so the job is resumable; `-strategy dynamic`: maps take files as they finish, which
    evens out day files of different sizes."""
    return ["-update", "-strategy", "dynamic", source, target]


def plan_input(config: Dict[str, Any], input_prefix: str) -> Tuple[str, List[str]]:
    """(what cleaning reads, distcp arguments or [] when there is no staging step)."""
    if clean_from(config) != "hdfs":
        return input_prefix, []
    target = staging_dir(input_prefix)
    return target, distcp_args(input_prefix, target)


def stage_tasks(config: Dict[str, Any], plan: Any, cluster_id: Any) -> List[Any]:
    """[] or the `stage_raw` task (persistent mode with cleanFrom hdfs; the contract refuses other modes)."""
    if clean_from(config) != "hdfs":
        return []
    from fraud_pipeline_lib.dataproc import MapReduceJobOperator

    return [
        MapReduceJobOperator(
            task_id=STAGE_TASK_ID,
            name="fraud-stage-raw",
            main_class=DISTCP_MAIN_CLASS,
            jar_file_uris=[DISTCP_JAR],
            args=plan.output["stage_args"],
            cluster_id=cluster_id,
            cluster_bucket=config["dataproc"]["spec"]["bucket"],
            execution_timeout=dt.timedelta(minutes=config["jobTimeoutMinutes"]),
        )
    ]
