"""The session settings every job gets (pure; no JVM)."""

from __future__ import annotations

from fraud_jobs.common.spark import S3aOptions, session_conf


def test_local_sessions_are_small_utc_and_without_ui():
    conf = session_conf(local=True, shuffle_partitions=2, jars=["/a.jar", "/b.jar"])
    assert conf["spark.sql.session.timeZone"] == "UTC"
    assert (conf["spark.ui.enabled"], conf["spark.sql.shuffle.partitions"]) == ("false", "2")
    assert conf["spark.jars"] == "/a.jar,/b.jar"


def test_cluster_sessions_leave_resources_to_spark_submit():
    assert session_conf() == {"spark.sql.session.timeZone": "UTC"}


def test_s3a_options_become_hadoop_settings():
    conf = session_conf(s3a=S3aOptions(endpoint="http://127.0.0.1:5000", access_key="a", secret_key="b"))
    assert conf["spark.hadoop.fs.s3a.endpoint"] == "http://127.0.0.1:5000"
    assert conf["spark.hadoop.fs.s3a.connection.ssl.enabled"] == "false"
    assert conf["spark.hadoop.fs.s3a.path.style.access"] == "true"
    https = S3aOptions(endpoint="https://storage.yandexcloud.net", access_key="a", secret_key="b")
    assert https.hadoop_conf()["fs.s3a.connection.ssl.enabled"] == "true"
