"""The cleaning job's driver killed (SIGKILL of its process group: Python and the JVM) at each phase of its
write, then run again: the output equals an undisturbed run row for row, the report is the same, nothing is
left behind, and between the two runs a reader either sees the last committed output whole or is refused.

The kill points are deterministic: the job stops at a named phase when FRAUD_CLEAN_TEST_PAUSE_AT says so
(fraud_jobs/clean/commit.py), except `writing`, which is killed as soon as a Spark task has written a file
under the staging folder (the job would stop at `staged` if the write ended before the test saw one).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Optional

import pytest

from fraud_jobs.clean.cli import main
from fraud_jobs.clean.commit import PAUSE_ENV, PAUSE_SIGNAL_ENV
from fraud_jobs.common.cleaned_output import JOURNAL, MANIFEST, STAGING, check_committed
from fraud_jobs.common.cli_args import UsageError
from fraud_jobs.generate import generate, preset_config
from fraud_jobs.generate.defects import DEFECT_NAMES

JOBS = Path(__file__).resolve().parents[2]
EPOCH = dt.date(2019, 8, 22)
# Phases of a run, in order. `writing`: Spark tasks are writing the staged files; publishing:1: one file of
# the run moved into the dataset, the others not; published: every file moved, the manifest not written.
# "held": the lines outside the held buckets staged, the held buckets' lines not yet (job.py).
FIRST_RUN_POINTS = ["staging", "writing", "held", "staged", "publishing:1", "published", "committed"]
RERUN_POINTS = ["held", "staged", "publishing:1", "published", "committed"]


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    """Two 30-day files (dates shared through the 24:00:00 rows), every defect injected."""
    root = tmp_path_factory.mktemp("kill_raw")
    rates = {name: 0.004 for name in DEFECT_NAMES}
    config = preset_config("course", seed=5, customers=60, days=60, start=EPOCH, defect_rates=rates)
    generate(config, str(root / "raw"))
    return root / "raw"


def changed_copy(raw: Path, target: Path) -> Path:
    """The input with its second file changed: 40 rows removed and one amount altered."""
    shutil.copytree(raw, target)
    second = sorted(target.iterdir())[1]
    lines = second.read_text().splitlines()
    lines = lines[:100] + lines[140:]
    fields = lines[200].split(",")
    fields[4] = "123.45"
    lines[200] = ",".join(fields)
    second.write_text("\n".join(lines) + "\n")
    return target


def clean_in_process(raw: Path, out: Path) -> dict:
    report = out.parent / (out.name + "-report.json")
    assert main(["--input", str(raw), "--output", str(out), "--report", str(report)]) == 0
    return json.loads(report.read_text())


def rows(spark, out: Path):
    return sorted(tuple(row) for row in spark.read.parquet(str(out)).collect())


def quarantine_rows(spark, out: Path):
    folder = Path(str(out) + "-quarantine")
    return sorted(tuple(row) for row in spark.read.json(str(folder)).collect()) if folder.exists() else []


def leftovers(*folders: Path):
    names = [path for folder in folders if folder.exists() for path in folder.rglob("*")]
    return [str(p) for p in names if p.name in (JOURNAL, STAGING, "_temporary") or ".spark-staging" in p.name]


def wait_for(
    condition: Callable[[], bool], process: subprocess.Popen, what: str, timeout: float = 300
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            raise AssertionError(f"the job ended (code {process.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def staged_task_file(out: Path) -> bool:
    return any(path.name.startswith("part-") for path in (out / STAGING).rglob("_temporary/**/*"))


def kill_at(raw: Path, out: Path, point: str, tmp_path: Path) -> Optional[str]:
    """Runs the CLI in its own process group, SIGKILLs the group at `point`; returns what it printed."""
    signal_file = tmp_path / f"paused-{point.replace(':', '-')}"
    env = dict(os.environ, PYTHONPATH=str(JOBS), **{PAUSE_SIGNAL_ENV: str(signal_file)})
    env[PAUSE_ENV] = "staged" if point == "writing" else point
    report = tmp_path / "killed-report.json"
    argv = [sys.executable, "-m", "fraud_jobs.clean.cli", "--input", str(raw), "--output", str(out)]
    process = subprocess.Popen(
        argv + ["--report", str(report)], cwd=JOBS, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        if point == "writing":
            wait_for(lambda: staged_task_file(out) or signal_file.exists(), process, "a staged task file")
            assert not signal_file.exists(), "the staged write ended before the test saw a task's file"
        else:
            wait_for(signal_file.exists, process, f"the pause at {point}")
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert not report.exists(), "the killed run wrote its report"


def reader_view(spark, out: Path):
    """What a reader honouring the marker gets: None when refused, else every row."""
    try:
        check_committed(spark, str(out))
    except UsageError:
        return None
    manifest = json.loads((out / MANIFEST).read_text())
    visible = sorted(
        str(p.relative_to(out))
        for p in out.rglob("*.parquet")
        if not str(p.relative_to(out)).startswith(("_", "."))
    )
    assert visible == sorted(manifest["files"]), "files outside the manifest are visible"
    return rows(spark, out)


@pytest.fixture(scope="module")
def reference(spark, raw, tmp_path_factory):
    """Undisturbed single runs: over the input, and over the input with one file changed."""
    root = tmp_path_factory.mktemp("kill_reference")
    first = clean_in_process(raw, root / "first")
    changed_raw = changed_copy(raw, root / "changed-raw")
    changed = clean_in_process(changed_raw, root / "changed")
    return {
        "first": (first, rows(spark, root / "first"), quarantine_rows(spark, root / "first")),
        "changed": (changed, rows(spark, root / "changed"), quarantine_rows(spark, root / "changed")),
        "changed_raw": changed_raw,
        "first_output": root / "first",
    }


def check_retry(spark, raw: Path, out: Path, expected) -> None:
    report, expected_rows, expected_quarantine = expected
    again = clean_in_process(raw, out)
    assert {**again, "duration_seconds": 0} == {**report, "duration_seconds": 0}
    assert rows(spark, out) == expected_rows
    assert quarantine_rows(spark, out) == expected_quarantine
    assert leftovers(out, Path(str(out) + "-quarantine")) == []


@pytest.mark.parametrize("point", FIRST_RUN_POINTS)
def test_first_run_killed_then_retried(spark, raw, reference, tmp_path, point):
    out = tmp_path / "out"
    kill_at(raw, out, point, tmp_path)
    view = reader_view(spark, out)
    # Before the manifest a reader is refused; once it is written it sees the whole run.
    assert view == (reference["first"][1] if point == "committed" else None)
    check_retry(spark, raw, out, reference["first"])


@pytest.mark.parametrize("point", RERUN_POINTS)
def test_rerun_with_a_changed_file_killed_then_retried(spark, reference, tmp_path, point):
    out = tmp_path / "out"
    shutil.copytree(reference["first_output"], out)
    shutil.copytree(str(reference["first_output"]) + "-quarantine", str(out) + "-quarantine")
    kill_at(reference["changed_raw"], out, point, tmp_path)
    view = reader_view(spark, out)
    before, after = reference["first"][1], reference["changed"][1]
    assert before != after
    # The old output whole until the publish starts, refused while it runs, the new one whole after it.
    assert view == {"held": before, "staged": before, "committed": after}.get(point)
    check_retry(spark, reference["changed_raw"], out, reference["changed"])


def test_a_changed_file_cleaned_alone_replaces_all_its_rows(spark, raw, reference, tmp_path):
    """Files cleaned one by one; then the second, changed, alone: as one run over both (rows removed from
    it are gone, rows of the first file in the shared date stay)."""
    first, second = sorted(raw.iterdir())
    changed_second = sorted(reference["changed_raw"].iterdir())[1]
    out = tmp_path / "out"
    for number, source in enumerate((first, second, changed_second)):
        folder = tmp_path / f"in{number}"
        folder.mkdir()
        shutil.copy(source, folder / source.name)
        clean_in_process(folder, out)
    assert rows(spark, out) == reference["changed"][1]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("journal", f"a cleaning run was stopped while publishing ({JOURNAL} is there)"),
        ("no manifest", f"holds no committed cleaning output ({MANIFEST} is missing)"),
    ],
)
def test_the_training_job_refuses_an_output_a_killed_run_left(
    spark, reference, tmp_path, capsys, damage, message
):
    """The reader side of the marker: the training CLI stops before reading (exit 2, naming --input)."""
    from fraud_jobs.train.cli import main as train_main

    out = tmp_path / "clean"
    shutil.copytree(reference["first_output"], out)
    if damage == "journal":
        (out / JOURNAL).write_text("{}")
    else:
        (out / MANIFEST).unlink()
    argv = ["--input", str(out), "--train-start", "2019-09-13", "--model", "logistic_regression"]
    with pytest.raises(SystemExit) as exit_info:
        train_main(argv + ["--metrics-out", str(tmp_path / "m.json")])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert f"--input {out}" in err and message in err
    assert not (tmp_path / "m.json").exists()
