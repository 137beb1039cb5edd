"""The cleaning CLI end to end on generated data with injected defects, checked against the manifest."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from fraud_jobs.clean.cli import main
from fraud_jobs.clean.rules import DROP_RULES, FIXES
from fraud_jobs.common.schemas import CLEANED_SCHEMA
from fraud_jobs.generate import generate, preset_config
from fraud_jobs.generate.defects import DEFECT_NAMES

EPOCH = dt.date(2019, 8, 22)
# High rates so that every defect occurs dozens of times in a small sample.
RATES = {name: 0.006 for name in DEFECT_NAMES}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    root = tmp_path_factory.mktemp("clean_e2e")
    config = preset_config("course", seed=11, customers=120, days=45, start=EPOCH, defect_rates=RATES)
    manifest = generate(config, str(root / "raw")).to_dict()
    assert all(manifest["defects"][name] for name in DEFECT_NAMES), "every defect must be injected"
    return root, manifest


def run_clean(raw, out, report, extra=()):
    assert main(["--input", str(raw), "--output", str(out), "--report", str(report), *extra]) == 0
    return json.loads(report.read_text())


def expected_rows(raw, manifest):
    """What a correct cleaning keeps, computed in plain Python from the raw text and the manifest."""
    malformed = {(item["file"], item["line"]) for item in manifest["defects"]["malformed"]}
    dropped = {tx for rule in DROP_RULES[2:] for tx in manifest["defects"][rule]}
    origin = dt.datetime(EPOCH.year, EPOCH.month, EPOCH.day)
    rows = {}
    for entry in manifest["files"]:
        lines = (raw / entry["name"]).read_text().splitlines()
        assert lines[0].startswith("# tranaction_id")
        for number, text in enumerate(lines[1:], start=2):
            if (entry["name"], number) in malformed:
                continue
            tx, when, customer, terminal, amount, seconds, days, fraud, scenario = text.split(",")
            if int(tx) in dropped or int(tx) in rows:
                continue
            midnight = when.endswith(" 24:00:00")
            at = dt.datetime.strptime(when[:10], "%Y-%m-%d") + dt.timedelta(days=1) if midnight else None
            at = at or dt.datetime.strptime(when, "%Y-%m-%d %H:%M:%S")
            fixed_seconds = int((at - origin).total_seconds())
            assert (fixed_seconds != int(seconds)) == (int(tx) in manifest["defects"]["seconds"])
            fixed_days = fixed_seconds // 86400 if midnight else int(days)
            values = (int(customer), int(terminal), float(amount), fixed_seconds, fixed_days, int(fraud))
            rows[int(tx)] = (int(tx), at, *values, int(scenario), at.date())
    return rows


def output_rows(spark, out):
    frame = spark.read.parquet(str(out))
    assert frame.schema == CLEANED_SCHEMA
    return {row[0]: tuple(row) for row in frame.collect()}


def test_report_counts_equal_the_manifest(generated, tmp_path):
    root, manifest = generated
    report = run_clean(root / "raw", tmp_path / "out", tmp_path / "report.json")
    assert report["rows_read"] == manifest["data_lines"]
    assert report["rows_written"] == manifest["clean_rows"]
    assert report["dropped"] == {rule: len(manifest["defects"][rule]) for rule in DROP_RULES}
    assert report["fixed"] == {fix: len(manifest["defects"][fix]) for fix in FIXES}
    assert report["input_files"] == len(manifest["files"]) == 2
    assert report["duration_seconds"] > 0


@pytest.fixture(scope="module")
def cleaned(generated, tmp_path_factory):
    root, manifest = generated
    out = tmp_path_factory.mktemp("cleaned")
    report = run_clean(root / "raw", out / "data", out / "report.json", ["--quarantine", str(out / "bad")])
    return out, report


def test_every_output_row_matches_the_raw_data_and_manifest(spark, generated, cleaned):
    root, manifest = generated
    out, _ = cleaned
    expected = expected_rows(root / "raw", manifest)
    got = output_rows(spark, out / "data")
    assert len(got) == manifest["clean_rows"]
    assert got == expected
    # Legitimate zeros and large amounts survive.
    assert 0 in got and any(row[3] == 0 for row in got.values()) and any(row[2] == 0 for row in got.values())
    assert max(row[4] for row in got.values()) > 220


def test_malformed_lines_land_in_quarantine_verbatim_with_a_reason(spark, generated, cleaned):
    root, manifest = generated
    out, _ = cleaned
    expected = set()
    for item in manifest["defects"]["malformed"]:
        lines = (root / "raw" / item["file"]).read_text().splitlines()
        expected.add((item["file"], lines[item["line"] - 1]))
    quarantine = spark.read.json(str(out / "bad")).collect()
    assert {(row.source_file, row.line) for row in quarantine} == expected
    assert len(quarantine) == len(expected)
    assert all(row.reason for row in quarantine)


def parquet_files(out):
    return sorted(str(path.relative_to(out)) for path in out.rglob("*.parquet"))


def test_files_have_sensible_sizes(cleaned):
    out, _ = cleaned
    partitions = {path.parent for path in (out / "data").rglob("*.parquet")}
    assert len(parquet_files(out / "data")) <= 2 * len(partitions)


def test_a_rerun_changes_nothing(spark, generated, cleaned):
    root, _ = generated
    out, first = cleaned
    before_rows, before_files = output_rows(spark, out / "data"), parquet_files(out / "data")
    again = run_clean(root / "raw", out / "data", out / "report2.json", ["--quarantine", str(out / "bad")])
    assert {**again, "duration_seconds": 0} == {**first, "duration_seconds": 0}
    assert output_rows(spark, out / "data") == before_rows
    assert len(parquet_files(out / "data")) == len(before_files)
    assert spark.read.json(str(out / "bad")).count() == first["dropped"]["malformed"]


def test_a_run_over_a_new_file_adds_its_partitions_and_keeps_the_others(spark, generated, tmp_path):
    root, manifest = generated
    first_name, second_name = (entry["name"] for entry in manifest["files"])
    for folder, name in (("first", first_name), ("second", second_name)):
        (tmp_path / folder).mkdir()
        shutil.copy(root / "raw" / name, tmp_path / folder / name)
    out = tmp_path / "out"
    run_clean(tmp_path / "first", out, tmp_path / "r1.json")
    first_files = parquet_files(out)
    run_clean(tmp_path / "second", out, tmp_path / "r2.json")
    second_partitions = {path.split("/")[0] for path in parquet_files(out) if path not in first_files}
    untouched = [path for path in first_files if path.split("/")[0] not in second_partitions]
    assert untouched and set(untouched) <= set(parquet_files(out))
    first_day = dt.date.fromisoformat(second_name[:10])
    assert f"tx_date={first_day.isoformat()}" in second_partitions
    assert f"tx_date={(first_day - dt.timedelta(days=1)).isoformat()}" not in second_partitions
