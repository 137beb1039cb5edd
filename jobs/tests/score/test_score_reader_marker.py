"""The scoring job reads only a committed cleaning output (the marker of fraud_jobs/clean/commit.py)."""

from __future__ import annotations

from fraud_jobs.common.cleaned_output import JOURNAL, MANIFEST
from fraud_jobs.score.cli import main as score_main


def test_an_uncommitted_cleaning_output_is_refused_before_anything_is_read(spark, tmp_path, capsys):
    cleaned = tmp_path / "clean"
    spark.createDataFrame([(1, "2019-10-01")], "transaction_id long, tx_date string").write.partitionBy(
        "tx_date"
    ).parquet(str(cleaned))
    args = [
        "--input", str(cleaned), "--output", str(tmp_path / "scores"),
        "--model-name", "no-such-model", "--mlflow-uri", str(tmp_path / "mlruns"),
    ]  # fmt: skip
    assert score_main(args) == 2
    assert MANIFEST in capsys.readouterr().err  # data a killed first run left: no manifest
    (cleaned / MANIFEST).write_text("{}")
    (cleaned / JOURNAL).write_text("{}")
    assert score_main(args) == 2
    assert "stopped while publishing" in capsys.readouterr().err
    assert not (tmp_path / "scores").exists()
