"""When does HDFS staging pay off? Measures, on this machine, what the stage_raw step and the reads cost.

Usage: jobs/.venv/bin/python infra/dataproc/staging/bench.py [--files 3] [--mb-per-file 256] [--reads 3]
(scripts/bench-staging.sh fetches the jars first).

- source: an S3 server (moto, the project's local stand-in for Object Storage) holding the raw day files;
- target: a real HDFS (MiniDFSCluster, one DataNode, replication 1) in one JVM;
- copy: the DAG's own distcp arguments (fraud_pipeline_lib.staging.distcp_args), real DistCp with s3a;
- reads: local Spark (2 cores, the jobs' pyspark) counting the lines of every file, from s3a and from HDFS,
  as the cleaning job's scan does.

The figures cover this shared 2-core machine and a Python S3 server: they show the shape (fixed cost of a
no-op staging step, copy rate, read rate per source), not Yandex Cloud's rates (jobs/dags/README.md).
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, List

from minidfs import REPO, DistcpRun, MiniDfs, distcp

sys.path.insert(0, str(REPO / "jobs" / "dags"))
sys.path.insert(0, str(REPO / "jobs"))

from fraud_jobs.common.spark import LOCAL_MASTER, S3aOptions, session_conf  # noqa: E402
from fraud_pipeline_lib.staging import distcp_args  # noqa: E402

SPARK_JARS = sorted((REPO / ".local" / "jars").glob("*.jar"))
BUCKET = "bench-raw"
MB = 1024 * 1024


def day_file(path: Path, size_mb: int) -> Path:
    """Transaction-like lines (the raw files' shape: ~60-byte CSV rows) up to `size_mb`."""
    block = "".join(f"{i},2019-08-22 00:{i % 60:02d}:{i % 60:02d},{i % 997},{i % 13},{i % 1000}.{i % 100:02d},0,0\n"
                    for i in range(20_000)).encode()  # fmt: skip
    with open(path, "wb") as out:
        for _ in range(size_mb * MB // len(block)):
            out.write(block)
    return path


def timed(action: Callable[[], object]) -> float:
    started = time.monotonic()
    action()
    return time.monotonic() - started


def rate(run: DistcpRun) -> str:
    return f"{run.bytes_copied / MB / run.seconds:6.1f} MB/s" if run.bytes_copied else "      -   "


def main(argv: List[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=3, help="raw day files in the bucket (default 3)")
    parser.add_argument("--mb-per-file", type=int, default=256, help="size of each file (default 256 MB)")
    parser.add_argument("--reads", type=int, default=3, help="full scans per source (default 3)")
    args = parser.parse_args(argv)
    if not SPARK_JARS:
        sys.exit("no hadoop-aws jars in .local/jars: run scripts/setup-spark-jars.sh")

    import boto3
    from moto.server import ThreadedMotoServer
    from pyspark.sql import SparkSession

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the S3 server's request log
    with tempfile.TemporaryDirectory(prefix="staging-bench-") as tmp:
        work = Path(tmp)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        try:
            endpoint = "http://127.0.0.1:{}".format(server._server.server_port)
            s3a = S3aOptions(endpoint=endpoint, access_key="bench", secret_key="bench")
            s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="bench",
                              aws_secret_access_key="bench", region_name="us-east-1")  # fmt: skip
            s3.create_bucket(Bucket=BUCKET)
            names = [f"2019-{8 + i // 28:02d}-{1 + i % 28:02d}.txt" for i in range(args.files + 1)]
            for name in names[:-1]:
                s3.upload_file(str(day_file(work / name, args.mb_per_file)), BUCKET, f"raw/{name}")
            total_mb = args.files * args.mb_per_file
            print(f"raw: {args.files} files x {args.mb_per_file} MB = {total_mb} MB in s3://{BUCKET}/raw (moto)")

            with MiniDfs(work / "dfs") as dfs:
                print(f"MiniDFS (1 DataNode) up in {dfs.start_seconds:.1f} s at {dfs.uri}")
                source, target = f"s3a://{BUCKET}/raw", dfs.uri + "/fraud-mlops/raw-staging/bench-raw/raw"
                copy = lambda: distcp(distcp_args(source, target), s3a.hadoop_conf(), SPARK_JARS)  # noqa: E731
                first, again = copy(), copy()
                s3.upload_file(str(day_file(work / names[-1], args.mb_per_file)), BUCKET, f"raw/{names[-1]}")
                new_day = copy()
                print("distcp -update s3a -> HDFS (local job runner):")
                for label, run in (("first copy", first), ("rerun, nothing new", again), ("one new day", new_day)):
                    print(f"  {label:20s} {run.seconds:6.1f} s  copied {run.files_copied} files "
                          f"{run.bytes_copied / MB:7.1f} MB  skipped {run.files_skipped}  {rate(run)}")  # fmt: skip

                conf = session_conf(local=True, jars=[str(jar) for jar in SPARK_JARS], s3a=s3a)
                builder = SparkSession.builder.master(LOCAL_MASTER).appName("staging-bench")
                for key, value in conf.items():
                    builder = builder.config(key, value)
                spark = builder.getOrCreate()
                try:
                    scans = {}
                    for label, path in (("Object Storage (s3a, moto)", source), ("HDFS (MiniDFS)", target)):
                        spark.read.text(path).count()  # warm-up: JVM classes, connection pools
                        scans[label] = [timed(lambda p=path: spark.read.text(p).count()) for _ in range(args.reads)]
                finally:
                    spark.stop()
            read_mb = (args.files + 1) * args.mb_per_file
            print(f"full scans of {read_mb} MB with local Spark ({LOCAL_MASTER}), {args.reads} each after a warm-up:")
            for label, seconds in scans.items():
                mean = sum(seconds) / len(seconds)
                print(f"  {label:28s} {mean:6.1f} s per scan ({read_mb / mean:6.1f} MB/s)  runs: "
                      + ", ".join(f"{s:.1f}" for s in seconds))  # fmt: skip
            s3_scan, hdfs_scan = (sum(v) / len(v) for v in scans.values())
            saved = s3_scan - hdfs_scan
            if saved > 0:
                print(f"break-even: the first copy ({first.seconds:.1f} s) is repaid after "
                      f"{first.seconds / saved:.1f} scans; each later run pays {again.seconds:.1f} s for a no-op "
                      f"staging step against {saved:.1f} s saved per scan")  # fmt: skip
            else:
                print(f"HDFS scans were not faster ({hdfs_scan:.1f} s vs {s3_scan:.1f} s): staging does not pay off")
        finally:
            server.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
