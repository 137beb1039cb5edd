"""Bad arguments of the cleaning CLI: a clear error naming the option, exit code 2, nothing written."""

from __future__ import annotations

import pytest

from fraud_jobs.clean.cli import main


def fails_with(capsys, argv):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    return capsys.readouterr().err


def test_missing_input(tmp_path, capsys):
    err = fails_with(
        capsys, ["--input", str(tmp_path / "nope"), "--output", str(tmp_path / "o"), "--report", "r"]
    )
    assert f"--input {tmp_path / 'nope'} does not exist" in err


@pytest.mark.parametrize("option", ["--output", "--quarantine", "--report"])
def test_outputs_inside_the_input(tmp_path, capsys, option):
    raw = tmp_path / "raw"
    raw.mkdir()
    locations = {"--output": str(tmp_path / "out"), "--quarantine": str(tmp_path / "q"), "--report": "r.json"}
    locations[option] = str(raw / "inside")
    argv = ["--input", str(raw)] + [item for pair in locations.items() for item in pair]
    err = fails_with(capsys, argv)
    assert f"{option} {raw / 'inside'} is inside --input {raw}" in err
    assert not (raw / "inside").exists()


def test_output_equal_to_input_with_a_trailing_slash(tmp_path, capsys):
    err = fails_with(
        capsys, ["--input", f"{tmp_path}/", "--output", str(tmp_path), "--report", "/tmp/r.json"]
    )
    assert "--output" in err and "is inside --input" in err


def test_unknown_option_and_missing_required(capsys):
    assert "unrecognized arguments: --bogus" in fails_with(
        capsys, ["--input", "a", "--output", "b", "--report", "c", "--bogus"]
    )
    assert "the following arguments are required: --output, --report" in fails_with(capsys, ["--input", "a"])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--epoch", "22/08/2019"], "argument --epoch: expected a date YYYY-MM-DD, got '22/08/2019'"),
        (["--max-terminal-id", "-1"], "argument --max-terminal-id: expected an integer >= 0, got '-1'"),
    ],
)
def test_bad_values(tmp_path, capsys, argv, message):
    base = ["--input", str(tmp_path), "--output", "/tmp/x-out", "--report", "/tmp/x.json"]
    assert message in fails_with(capsys, base + argv)


def test_s3a_uris_are_compared_as_text(capsys):
    err = fails_with(capsys, ["--input", "s3a://b/raw/", "--output", "s3a://b/raw/clean", "--report", "r"])
    assert "--output s3a://b/raw/clean is inside --input s3a://b/raw/" in err


def test_input_without_files(tmp_path, capsys):
    (tmp_path / "raw").mkdir()
    err = fails_with(
        capsys, ["--input", str(tmp_path / "raw"), "--output", str(tmp_path / "o"), "--report", "r"]
    )
    assert f"--input {tmp_path / 'raw'} holds no files" in err
