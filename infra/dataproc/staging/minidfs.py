"""A real single-process HDFS (Hadoop's MiniDFSCluster) and the real `hadoop distcp`, run with Java from
the jars scripts/setup-hadoop-minicluster.sh fetches: what the staging test and benchmark copy into.

Hadoop 3.3.4 (the jobs' pyspark 3.4.4 bundles it; Data Proc image 2.1 runs Hadoop 3.2, whose DistCp has
the same -update rules). Nothing is faked: the NameNode and DataNodes are Hadoop's own, in one JVM.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
JARS = Path(os.environ.get("HADOOP_MINICLUSTER_JARS", REPO / ".local" / "hadoop-minicluster"))
JAVA = os.environ.get("JAVA", "java")
START_TIMEOUT_S = 180
_COUNTER = re.compile(r"^\s*(Bytes Copied|Bytes Skipped|Files Copied|Files Skipped)=(\d+)\s*$", re.M)


def classpath() -> str:
    if not any(JARS.glob("hadoop-client-minicluster-*.jar")):
        raise FileNotFoundError(f"{JARS} has no Hadoop minicluster jars: run scripts/setup-hadoop-minicluster.sh")
    # This folder first: its log4j.properties and the empty core-site.xml FsShell insists on.
    return f"{HERE}{os.pathsep}{JARS}/*"


def _java(main: str, args: Sequence[str], heap_mb: int = 1024, first: Sequence[str] = ()) -> List[str]:
    """`first`: classpath entries ahead of the jars (configuration folders, extra jars)."""
    return [JAVA, f"-Xmx{heap_mb}m", "-cp", os.pathsep.join([*first, classpath()]), main, *args]


class MiniDfs:
    """`with MiniDfs(tmp) as dfs:` starts a NameNode + `datanodes` DataNodes on free ports; `dfs.uri` is
    hdfs://127.0.0.1:<port>. The JVM is stopped (and its data deleted with `work`) on exit."""

    def __init__(self, work: Path, datanodes: int = 1) -> None:
        self.work = Path(work)
        self.datanodes = datanodes
        self.uri = ""
        self.start_seconds = 0.0
        self._process: Optional[subprocess.Popen] = None

    def __enter__(self) -> "MiniDfs":
        self.work.mkdir(parents=True, exist_ok=True)
        details = self.work / "details.json"
        log = open(self.work / "minidfs.log", "wb")
        started = time.monotonic()
        # MiniHadoopClusterManager: Hadoop's own launcher of the mini clusters (-nomr: HDFS only).
        self._process = subprocess.Popen(
            [JAVA, "-Xmx768m", f"-Dtest.build.data={self.work / 'data'}", "-cp", classpath(),
             "org.apache.hadoop.mapreduce.MiniHadoopClusterManager", "-nomr", "-format",
             "-datanodes", str(self.datanodes), "-nnport", "0", "-nnhttpport", "0",
             "-writeDetails", str(details)],
            stdout=log, stderr=subprocess.STDOUT, cwd=self.work, start_new_session=True,
        )  # fmt: skip
        while not (details.is_file() and details.stat().st_size > 0):
            if self._process.poll() is not None or time.monotonic() - started > START_TIMEOUT_S:
                self.__exit__(None, None, None)
                tail = (self.work / "minidfs.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"MiniDFS did not start within {START_TIMEOUT_S} s:\n{tail}")
            time.sleep(0.2)
        self.uri = "hdfs://127.0.0.1:{}".format(json.loads(details.read_text())["namenode_port"])
        self.start_seconds = time.monotonic() - started
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._process and self._process.poll() is None:
            os.killpg(self._process.pid, signal.SIGTERM)
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self._process.pid, signal.SIGKILL)
                self._process.wait()

    def shell(self, *args: str, stdin: Optional[bytes] = None) -> bytes:
        """`hadoop fs <args>` (FsShell) against this cluster; raises with its stderr on failure."""
        done = subprocess.run(_java("org.apache.hadoop.fs.FsShell", ["-fs", self.uri, *args], heap_mb=512),
                              input=stdin, capture_output=True)  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"hadoop fs {' '.join(args)} failed: {done.stderr.decode(errors='replace')[-2000:]}")
        return done.stdout

    def sizes(self, path: str) -> Dict[str, int]:
        """{file name: length} of the files under `path` (hdfs path without the scheme)."""
        listing = self.shell("-ls", "-R", path).decode()
        sizes = {}
        for line in listing.splitlines():
            fields = line.split()
            if len(fields) >= 8 and not fields[0].startswith("d"):
                sizes[fields[-1].rsplit("/", 1)[-1]] = int(fields[4])
        return sizes


@dataclass(frozen=True)
class DistcpRun:
    files_copied: int
    bytes_copied: int
    files_skipped: int
    bytes_skipped: int
    seconds: float


def _site_xml(properties: Dict[str, str]) -> str:
    items = "".join(
        f"<property><name>{escape(key)}</name><value>{escape(value)}</value></property>\n"
        for key, value in sorted(properties.items())
    )
    return f'<?xml version="1.0"?>\n<configuration>\n{items}</configuration>\n'


def distcp(args: Sequence[str], properties: Optional[Dict[str, str]] = None, jars: Sequence[Path] = ()) -> DistcpRun:
    """Runs org.apache.hadoop.tools.DistCp (the Data Proc job's main class) with `args`, as MapReduce's
    local runner; returns its job counters. `properties` go into a core-site.xml (not the command line:
    they may hold keys), `jars` onto the classpath (e.g. hadoop-aws for an s3a:// source)."""
    with tempfile.TemporaryDirectory(prefix="distcp-conf-") as conf:
        (Path(conf) / "core-site.xml").write_text(_site_xml(properties or {}))
        (Path(conf) / "log4j.properties").write_text((HERE / "log4j.properties").read_text())
        command = _java("org.apache.hadoop.tools.DistCp", args, first=[conf, *map(str, jars)])
        started = time.monotonic()
        done = subprocess.run(command, capture_output=True, text=True)
        seconds = time.monotonic() - started
    if done.returncode != 0:
        raise RuntimeError(f"distcp {' '.join(args)} exited {done.returncode}: {done.stderr[-3000:]}")
    counters = {name: int(value) for name, value in _COUNTER.findall(done.stderr)}
    return DistcpRun(
        files_copied=counters.get("Files Copied", 0),
        bytes_copied=counters.get("Bytes Copied", 0),
        files_skipped=counters.get("Files Skipped", 0),
        bytes_skipped=counters.get("Bytes Skipped", 0),
        seconds=seconds,
    )
