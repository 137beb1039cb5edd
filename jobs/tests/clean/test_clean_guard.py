"""The data-loss guard: one rule dropping more than --max-drop-share of the input stops the job before it
writes anything; --allow-data-loss (or a larger share) lets it through."""

from __future__ import annotations

import json

import pytest

from fraud_jobs.clean.cli import main
from fraud_jobs.clean.guard import DEFAULT_MAX_DROP_SHARE, DataLossRefused, check_drop_shares, excessive_drops
from fraud_jobs.clean.rules import DROP_RULES
from fraud_jobs.common.cleaning_rules import REAL_COUNTS

# The first real file (shared/reference/dataset.md); the others hold about the same, 47.0 M on average.
SMALLEST_REAL_FILE_ROWS = 46_988_418
HEADER = "# tranaction_id | tx_datetime | customer_id | terminal_id | tx_amount | ...\n"


def counts(read, **dropped):
    return {"rows_read": read, **{rule: dropped.get(rule, 0) for rule in DROP_RULES}}


def test_the_default_never_trips_on_the_real_datas_defects():
    """Even if all of a defect's rows of the full data sat in one raw file cleaned alone, with a 4x margin."""
    for rule in DROP_RULES:
        assert REAL_COUNTS[rule] / SMALLEST_REAL_FILE_ROWS < DEFAULT_MAX_DROP_SHARE / 4, rule


def test_shares_over_the_limit_are_named_with_the_options_to_change():
    assert excessive_drops(counts(1000, duplicate=50), 0.05) == []  # at the limit: allowed
    assert excessive_drops(counts(0), 0.05) == []
    with pytest.raises(DataLossRefused) as refused:
        check_drop_shares(counts(1000, terminal_out_of_range=812, malformed=60), 0.05)
    message = str(refused.value)
    assert (
        "rule malformed drops 60 of 1000 rows (6.00 %), above --max-drop-share 0.05: check the input"
        in message
    )
    assert "rule terminal_out_of_range drops 812 of 1000 rows (81.20 %)" in message
    assert "check --max-terminal-id" in message and "--allow-data-loss" in message
    assert "Nothing was written" in message


def write_input(folder, terminals):
    folder.mkdir()
    lines = [
        f"{tx},2019-08-22 01:00:00,1,{terminal},10.00,3600,0,0,0\n" for tx, terminal in enumerate(terminals)
    ]
    (folder / "2019-08-22.txt").write_text(HEADER + "".join(lines))
    return folder


def run(tmp_path, raw, out, *options):
    report = tmp_path / "report.json"
    return main(["--input", str(raw), "--output", str(out), "--report", str(report), *options])


def tree(folder):
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*")) if folder.exists() else []


def test_a_wrong_max_terminal_id_stops_the_job_before_it_writes(spark, tmp_path, capsys):
    out = tmp_path / "out"
    first = write_input(tmp_path / "first", [5] * 10)
    assert run(tmp_path, first, out) == 0
    before = tree(out)
    capsys.readouterr()
    # The same file again, now with eight of ten terminals above 99, cleaned with --max-terminal-id 99.
    (first / "2019-08-22.txt").unlink()
    raw = write_input(tmp_path / "second", [5, 6] + [500] * 8)
    (tmp_path / "report.json").unlink()
    with pytest.raises(SystemExit) as exit_info:
        run(tmp_path, raw, out, "--max-terminal-id", "99")
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "rule terminal_out_of_range drops 8 of 10 rows (80.00 %), above --max-drop-share 0.05" in err
    assert "check --max-terminal-id" in err
    assert tree(out) == before and not (tmp_path / "report.json").exists()
    assert spark.read.parquet(str(out)).count() == 10

    assert run(tmp_path, raw, out, "--max-terminal-id", "99", "--max-drop-share", "0.8") == 0
    assert json.loads((tmp_path / "report.json").read_text())["rows_written"] == 2


def test_allow_data_loss_publishes_and_a_refused_first_run_leaves_no_output(spark, tmp_path, capsys):
    raw = write_input(tmp_path / "raw", [5] + [500] * 3)
    out = tmp_path / "out"
    with pytest.raises(SystemExit):
        run(tmp_path, raw, out, "--max-terminal-id", "99")
    assert "rule terminal_out_of_range drops 3 of 4 rows (75.00 %)" in capsys.readouterr().err
    assert not out.exists()
    assert run(tmp_path, raw, out, "--max-terminal-id", "99", "--allow-data-loss") == 0
    assert spark.read.parquet(str(out)).count() == 1


@pytest.mark.parametrize("value", ["0", "1.5", "half"])
def test_bad_max_drop_share(tmp_path, capsys, value):
    with pytest.raises(SystemExit) as exit_info:
        run(tmp_path, tmp_path, "/tmp/x-out", "--max-drop-share", value)
    assert exit_info.value.code == 2
    assert (
        f"argument --max-drop-share: expected a share above 0 and at most 1, got '{value}'"
        in capsys.readouterr().err
    )
