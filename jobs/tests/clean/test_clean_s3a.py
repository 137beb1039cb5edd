"""The cleaning CLI reading and writing s3a:// URIs on a local S3-compatible server (moto)."""

from __future__ import annotations

import json

import boto3
import pytest
from moto.server import ThreadedMotoServer

from fraud_jobs.clean.cli import main
from fraud_jobs.common.spark import S3aOptions

BUCKET = "fraud-data"
RAW = (
    "# tranaction_id | tx_datetime | customer_id | terminal_id | tx_amount | tx_time_seconds | "
    "tx_time_days | tx_fraud | tx_fraud_scenario\n"
    "0,2019-08-22 06:51:03,0,711,70.91,24663,0,0,0\n"
    "1,2019-08-22 05:10:37,0,0,90.55,18637,0,0,0\n"
    "1,2019-08-22 05:10:37,0,0,90.55,18637,0,0,0\n"
    "2,2019-08-22 24:00:00,5,Err,10.00,86400,0,0,0\n"
    "3,2019-08-23 n/a,5,7,10.00,86400,1,0,0\n"
    "4,2019-08-22 24:00:00,5,3,10.00,86400,0,0,0\n"
)


@pytest.fixture()
def s3(spark):
    jars = spark.sparkContext.getConf().get("spark.jars", "")
    assert "hadoop-aws-3.3.4.jar" in jars, "run ./scripts/setup-spark-jars.sh (hadoop-aws for s3a://)"
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    # moto accepts any keys; these are not secrets.
    options = S3aOptions(endpoint=endpoint, access_key="testing", secret_key="testing")
    hadoop_conf = {**options.hadoop_conf(), "fs.s3a.impl.disable.cache": "true"}
    for key, value in hadoop_conf.items():
        spark.conf.set(key, value)
    client = boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id="testing", aws_secret_access_key="testing",
        region_name="us-east-1",
    )  # fmt: skip
    client.create_bucket(Bucket=BUCKET)
    client.put_object(Bucket=BUCKET, Key="raw/2019-08-22.txt", Body=RAW.encode())
    yield client
    for key in hadoop_conf:
        spark.conf.unset(key)
    server.stop()


def test_clean_reads_and_writes_s3a(spark, s3):
    root = f"s3a://{BUCKET}"
    argv = ["--input", f"{root}/raw", "--output", f"{root}/clean", "--report", f"{root}/reports/clean.json"]
    # One row of six per defect: far above the data-loss guard's default share, on purpose.
    assert main(argv + ["--allow-data-loss"]) == 0
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET, Prefix="clean/")["Contents"]]
    assert "clean/_manifest.json" in keys  # published through commit.py's moves on s3a
    assert not [key for key in keys if "_staging" in key or "_publishing" in key or "_temporary" in key], keys
    report = json.loads(s3.get_object(Bucket=BUCKET, Key="reports/clean.json")["Body"].read())
    assert (report["rows_read"], report["rows_written"], report["input_files"]) == (6, 3, 1)
    assert report["dropped"]["duplicate"] == report["dropped"]["unknown_terminal"] == 1
    assert report["fixed"]["midnight"] == 1
    rows = spark.read.parquet(f"{root}/clean").orderBy("transaction_id").collect()
    assert [(row.transaction_id, str(row.tx_date)) for row in rows] == [
        (0, "2019-08-22"), (1, "2019-08-22"), (4, "2019-08-23")
    ]  # fmt: skip
    quarantine = spark.read.json(f"{root}/clean-quarantine").collect()
    assert [(row.source_file, row.reason) for row in quarantine] == [
        ("2019-08-22.txt", "tx_datetime does not parse")
    ]


def test_missing_s3a_input_is_a_clear_error(s3, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(
            ["--input", f"s3a://{BUCKET}/nothing", "--output", f"s3a://{BUCKET}/o", "--report", "/tmp/r.json"]
        )
    assert exit_info.value.code == 2
    assert "--input s3a://fraud-data/nothing does not exist" in capsys.readouterr().err
