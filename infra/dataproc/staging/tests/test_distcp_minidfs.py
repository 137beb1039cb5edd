"""The DAG's stage_raw arguments (`distcp_args`) run by the real DistCp against a real HDFS (MiniDFSCluster):
the first run copies every raw file, a rerun copies nothing, a new day copies only that file, and a file a
killed run left half-written is copied again (what makes the step resumable)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from fraud_pipeline_lib.staging import distcp_args
from minidfs import MiniDfs, distcp

TARGET = "/fraud-mlops/raw-staging/raw-bucket/raw"


def write_day(folder: Path, day: str, lines: int) -> Path:
    path = folder / f"{day}.txt"
    rows = (f"{i},{day} 00:00:{i % 60:02d},{i % 97},{i % 13},{i % 1000}.00,{i % 3},0,0\n" for i in range(lines))
    path.write_text("".join(rows))
    return path


@pytest.fixture(scope="module")
def dfs(tmp_path_factory):
    with MiniDfs(tmp_path_factory.mktemp("minidfs")) as cluster:
        yield cluster


def test_distcp_update_copies_new_files_only_and_recopies_a_half_written_one(dfs, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    days = [write_day(raw, day, 20_000) for day in ("2019-08-22", "2019-09-21")]
    args = distcp_args(raw.as_uri(), dfs.uri + TARGET)

    first = distcp(args)
    assert (first.files_copied, first.files_skipped) == (2, 0)
    assert first.bytes_copied == sum(p.stat().st_size for p in days)
    assert dfs.sizes(TARGET) == {p.name: p.stat().st_size for p in days}
    copied = dfs.shell("-cat", f"{TARGET}/{days[0].name}")
    assert hashlib.sha256(copied).digest() == hashlib.sha256(days[0].read_bytes()).digest()

    again = distcp(args)
    assert (again.files_copied, again.bytes_copied, again.files_skipped) == (0, 0, 2)

    new_day = write_day(raw, "2019-10-21", 5_000)
    incremental = distcp(args)
    assert (incremental.files_copied, incremental.bytes_copied) == (1, new_day.stat().st_size)
    assert incremental.files_skipped == 2

    # A run killed mid-file leaves a shorter file behind (with -direct; without it, a temp file): the length
    # differs, so the next run copies it again instead of keeping a truncated day.
    dfs.shell("-rm", f"{TARGET}/{new_day.name}")
    dfs.shell("-put", "-", f"{TARGET}/{new_day.name}", stdin=new_day.read_bytes()[:1000])
    resumed = distcp(args)
    assert (resumed.files_copied, resumed.bytes_copied) == (1, new_day.stat().st_size)
    assert dfs.sizes(TARGET)[new_day.name] == new_day.stat().st_size
