"""--new-files-only (scheduled runs): each run cleans only the raw files the output's ledger does not list."""

from __future__ import annotations

import json

from test_clean_incremental import EVERY_ROW, FIRST, SECOND, by_date

from fraud_jobs.clean.cli import main
from fraud_jobs.clean.incremental import LEDGER_NAME


def clean_new(raw, out, report):
    assert main(["--input", str(raw), "--output", str(out), "--report", str(report), "--new-files-only"]) == 0
    return json.loads(report.read_text())


def test_each_run_cleans_only_the_files_that_arrived_since(spark, tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "2019-08-22.txt").write_text(FIRST)
    first = clean_new(raw, out, tmp_path / "1.json")
    assert (first["input_files"], first["rows_read"]) == (1, 2)

    (raw / "2019-08-23.txt").write_text(SECOND)
    second = clean_new(raw, out, tmp_path / "2.json")
    # Only the new file is read; the 24:00:00 row of the first file still lands with the second's rows.
    assert (second["input_files"], second["rows_read"]) == (1, 2)
    # Its data-quality report covers the same file, and adds up to the cleaning report.
    quality = json.loads((tmp_path / "2.quality.json").read_text())
    assert (quality["input_files"], quality["per_file_totals_match"]) == (1, True)
    assert by_date(spark, out) == EVERY_ROW

    nothing = clean_new(raw, out, tmp_path / "3.json")
    assert (nothing["input_files"], nothing["rows_read"], nothing["rows_written"]) == (0, 0, 0)
    assert by_date(spark, out) == EVERY_ROW
    ledger = json.loads((out / LEDGER_NAME).read_text())["files"]
    assert sorted(name.rsplit("/", 1)[-1] for name in ledger) == ["2019-08-22.txt", "2019-08-23.txt"]

    # A raw file rewritten under the same name (another size) is cleaned again, alone.
    (raw / "2019-08-23.txt").write_text(
        SECOND.replace("30.00", "31.00") + "4,2019-08-23 03:00:00,4,6,5.00,97200,1,0,0\n"
    )
    rewritten = clean_new(raw, out, tmp_path / "4.json")
    assert (rewritten["input_files"], rewritten["rows_read"]) == (1, 3)
    assert by_date(spark, out) == [*EVERY_ROW, ("2019-08-23", 4)]
