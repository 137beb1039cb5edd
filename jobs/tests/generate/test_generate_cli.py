"""The command line: a full run with a manifest, and clear errors naming the option for bad input."""

from __future__ import annotations

import json

import pytest

from fraud_jobs.generate.cli import main

MANIFEST_KEYS = ["preset", "seed", "epoch", "files", "data_lines", "clean_rows", "defects", "rates"]
DEFECT_KEYS = [
    "malformed",
    "duplicate",
    "unknown_customer",
    "unknown_terminal",
    "terminal_out_of_range",
    "non_positive_amount",
    "midnight",
    "seconds",
]


def test_cli_writes_files_and_the_manifest(tmp_path, capsys):
    out, manifest_path = tmp_path / "raw", tmp_path / "manifest.json"
    argv = ["--preset", "course", "--out", str(out), "--customers", "200", "--days", "31"]
    argv += [
        "--start",
        "2020-01-01",
        "--seed",
        "5",
        "--manifest",
        str(manifest_path),
        "--defect-scale",
        "500",
    ]
    argv += ["--defect-rate", "malformed=0.01", "seconds=0.02", "--defect-rate", "midnight=0.01"]
    assert main(argv) == 0
    manifest = json.loads(manifest_path.read_text())
    assert list(manifest) == MANIFEST_KEYS
    assert list(manifest["defects"]) == DEFECT_KEYS == list(manifest["rates"])
    assert manifest["preset"] == "course" and manifest["seed"] == 5 and manifest["epoch"] == "2020-01-01"
    assert [f["name"] for f in manifest["files"]] == ["2020-01-01.txt", "2020-01-31.txt"]
    assert manifest["rates"]["seconds"] == 0.02 and manifest["rates"]["malformed"] == 0.01
    assert all(isinstance(i, int) for i in manifest["defects"]["seconds"])
    assert set(manifest["defects"]["malformed"][0]) == {"file", "line"}
    assert sorted(p.name for p in out.iterdir()) == ["2020-01-01.txt", "2020-01-31.txt"]
    assert f"{manifest['data_lines']} data lines in 2 files" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--preset", "bank"], "--preset"),
        (["--customers", "0"], "--customers must be an integer >= 1"),
        (["--terminals", "-5"], "--terminals must be an integer >= 1"),
        (["--days", "many"], "--days"),
        (["--seed", "-1"], "--seed must be an integer >= 0"),
        (["--start", "2019-02-30"], "--start"),
        (["--defect-rate", "typo=0.1"], "unknown defect 'typo'"),
        (["--defect-rate", "midnight"], "--defect-rate: expected NAME=RATE"),
        (["--defect-rate", "midnight=lots"], "--defect-rate"),
        (["--defect-rate", "midnight=1.5"], "--defect-rate midnight=RATE needs a RATE between 0 and 1"),
        (["--defect-rate", "midnight=0.6", "seconds=0.6"], "add up to 1.2"),
        (["--defect-scale", "-2"], "--defect-scale must be a number >= 0"),
        (["--defect-scale", "100000"], "lower --defect-scale"),
        (["--no-defects", "--defect-rate", "midnight=0.1"], "--no-defects cannot be combined"),
        (["--terminals", "1"], "--terminals must be at least 2"),
        (["--terminals", "900000000"], "no real corrupt terminal id"),
    ],
)
def test_bad_arguments_name_the_option(tmp_path, capsys, extra, message):
    argv = ["--preset", "course", "--out", str(tmp_path / "raw"), "--customers", "20", "--days", "2"]
    with pytest.raises(SystemExit) as exit_info:
        code = main(argv + extra)
        raise SystemExit(code)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "raw").exists(), "nothing is written for bad input"


def test_missing_required_options_are_named(capsys):
    with pytest.raises(SystemExit):
        main(["--preset", "course"])
    assert "--out" in capsys.readouterr().err


def test_out_dir_with_foreign_or_stale_files_is_refused(tmp_path, capsys):
    out = tmp_path / "raw"
    out.mkdir()
    (out / "notes.md").write_text("keep me")
    (out / "2019-01-01.txt").write_text("old")
    assert main(["--preset", "course", "--out", str(out), "--customers", "20", "--days", "2"]) == 2
    assert "--out" in capsys.readouterr().err
    assert (out / "notes.md").read_text() == "keep me"
    assert sorted(p.name for p in out.iterdir()) == ["2019-01-01.txt", "notes.md"]


def test_out_path_that_is_a_file_is_refused(tmp_path, capsys):
    target = tmp_path / "file"
    target.write_text("x")
    assert main(["--preset", "course", "--out", str(target), "--days", "1", "--customers", "5"]) == 2
    assert "is a file" in capsys.readouterr().err
