"""The cleaning job's data-quality report: its numbers against pandas on generated data with every defect,
its MLflow run on a real tracking server, and what happens when the server is missing or goes away."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from mlflow_server import MlflowServer, free_port

from fraud_jobs.clean import cli
from fraud_jobs.clean.quality import (
    ACCURACY,
    QUANTILE_COLUMNS,
    QUANTILES,
    build_quality_report,
    quality_report_location,
)
from fraud_jobs.clean.rules import DROP_RULES, FIXES
from fraud_jobs.common.schemas import CLEANED_DATA_SCHEMA, RAW_COLUMNS
from fraud_jobs.generate import generate, preset_config
from fraud_jobs.generate.defects import DEFECT_NAMES

EPOCH = dt.date(2019, 8, 22)
MAX_TERMINAL_ID = 999
EXPERIMENT = "dq-e2e"
PLOTS = {"plots/rule_counts_per_file.png", "plots/column_distributions.png", "plots/rows_per_day.png"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    root = tmp_path_factory.mktemp("quality")
    rates = {name: 0.006 for name in DEFECT_NAMES}  # every defect dozens of times, in both files
    config = preset_config("course", seed=5, customers=120, days=45, start=EPOCH, defect_rates=rates)
    manifest = generate(config, str(root / "raw")).to_dict()
    return root, manifest


@pytest.fixture(scope="module")
def logged(generated, tmp_path_factory):
    """One cleaning run logging to a real MLflow server: (server uri, output, clean report, quality)."""
    root, _ = generated
    out = tmp_path_factory.mktemp("quality_run")
    (out / "mlflow").mkdir()
    with MlflowServer(out / "mlflow") as server:
        args = ["--input", str(root / "raw"), "--output", str(out / "clean"), "--report", str(out / "r.json")]
        assert cli.main([*args, "--mlflow-uri", server.uri, "--experiment", EXPERIMENT]) == 0
        clean_report = json.loads((out / "r.json").read_text())
        quality = json.loads((out / "r.quality.json").read_text())
        yield server.uri, out / "clean", clean_report, quality


def pandas_outcomes(raw, manifest) -> pd.DataFrame:
    """Every rule recomputed in pandas from the raw text (malformed lines from the manifest), per line."""
    malformed = {(item["file"], item["line"]) for item in manifest["defects"]["malformed"]}
    frames = []
    for entry in manifest["files"]:
        lines = (raw / entry["name"]).read_text().splitlines()[1:]  # line 1 is the header
        frame = pd.DataFrame({"text": lines, "file": entry["name"]})
        frame["malformed"] = [(entry["name"], number) in malformed for number in range(2, len(lines) + 2)]
        frames.append(frame)
    rows = pd.concat(frames, ignore_index=True)
    ok = rows[~rows["malformed"]]
    fields = ok["text"].str.split(",", expand=True)
    fields.columns = list(RAW_COLUMNS)
    terminal_text = fields["terminal_id"].where(~fields["terminal_id"].str.contains(".", regex=False))
    terminal = pd.to_numeric(terminal_text, errors="coerce")
    flags = {
        "duplicate": fields["transaction_id"].astype("int64").duplicated(keep="first"),
        "unknown_customer": fields["customer_id"].astype("int64") < 0,
        "unknown_terminal": terminal.isna(),
        "terminal_out_of_range": terminal.notna() & ~terminal.between(0, MAX_TERMINAL_ID),
        "non_positive_amount": fields["tx_amount"].astype(float) <= 0,
    }
    reason = np.select([flags[rule] for rule in DROP_RULES[1:]], DROP_RULES[1:], default="")
    rows["reason"] = np.where(rows["malformed"], "malformed", "")
    rows.loc[ok.index, "reason"] = reason
    midnight = fields["tx_datetime"].str.endswith(" 24:00:00")
    when = fields["tx_datetime"].where(~midnight, fields["tx_datetime"].str[:10] + " 00:00:00")
    at = pd.to_datetime(when) + pd.to_timedelta(midnight.astype(int), unit="D")
    seconds = (at - pd.Timestamp(EPOCH)).dt.total_seconds().astype("int64")
    rows["kept"] = rows["reason"] == ""
    rows["fixed_midnight"] = False
    rows["fixed_seconds"] = False
    rows.loc[ok.index, "fixed_midnight"] = midnight & rows.loc[ok.index, "kept"]
    wrong_seconds = seconds != fields["tx_time_seconds"].astype("int64")
    rows.loc[ok.index, "fixed_seconds"] = wrong_seconds & rows.loc[ok.index, "kept"]
    rows["date"] = None
    rows.loc[ok.index, "date"] = at.dt.strftime("%Y-%m-%d")
    return rows


def test_counts_per_file_equal_pandas_on_the_raw_text(generated, logged):
    root, manifest = generated
    _, _, clean_report, quality = logged
    rows = pandas_outcomes(root / "raw", manifest)
    expected = []
    for name, group in rows.groupby("file", sort=True):
        kept = group[group["kept"]]
        expected.append(
            {
                "file": name,
                "rows_read": len(group),
                "rows_written": len(kept),
                "dropped": {rule: int((group["reason"] == rule).sum()) for rule in DROP_RULES},
                "fixed": {fix: int(group["fixed_" + fix].sum()) for fix in FIXES},
                "written_dates": sorted(kept["date"].unique()),
            }
        )
    assert quality["per_file"] == expected
    assert len(expected) == 2 and all(entry["dropped"][rule] for entry in expected for rule in DROP_RULES)
    # The totals are the cleaning report's, and the per-file counts add up to them.
    assert quality["per_file_totals_match"] is True
    for key in ("rows_read", "rows_written", "dropped", "fixed"):
        assert quality[key] == clean_report[key]
        if key.startswith("rows"):
            assert sum(entry[key] for entry in expected) == clean_report[key]
    assert quality["dropped"] == {rule: len(manifest["defects"][rule]) for rule in DROP_RULES}


def assert_quantile(values: np.ndarray, level: float, value) -> None:
    """percentile_approx returns a sample value whose rank is within rows / ACCURACY of the exact one."""
    slack = 1 / ACCURACY + 1 / len(values)
    below, at_most = (values < value).mean(), (values <= value).mean()
    assert below <= level + slack and at_most >= level - slack, (level, value)


def test_column_statistics_equal_pandas_on_the_cleaned_parquet(logged):
    _, output, clean_report, quality = logged
    cleaned = pd.read_parquet(output)
    stats = quality["cleaned"]
    assert stats["rows"] == len(cleaned) == clean_report["rows_written"]
    for field in CLEANED_DATA_SCHEMA.fields:
        column, got = cleaned[field.name], stats["columns"][field.name]
        assert (got["count"], got["nulls"]) == (int(column.count()), int(column.isna().sum())), field.name
        if field.name == "tx_datetime":
            naive = column.dt.tz_localize(None) if column.dt.tz is not None else column
            assert (got["min"], got["max"]) == (str(naive.min()), str(naive.max()))
            continue
        assert (got["min"], got["max"]) == (column.min(), column.max()), field.name
        assert got["mean"] == pytest.approx(column.mean(), rel=1e-9), field.name
        assert got["stddev"] == pytest.approx(column.std(ddof=1), rel=1e-9), field.name
        assert ("cdf" in got) == (field.name in QUANTILE_COLUMNS), field.name
        if "cdf" not in got:
            continue
        values = column.to_numpy()
        assert len(got["cdf"]) == 101 and got["cdf"] == sorted(got["cdf"])
        assert (got["cdf"][0], got["cdf"][-1]) == (column.min(), column.max())
        for level in QUANTILES:
            assert_quantile(values, level, got["quantiles"][f"p{100 * level:g}"])
        for percent, value in enumerate(got["cdf"]):
            assert_quantile(values, percent / 100, value)


def test_rows_per_day_equal_pandas(logged):
    _, output, _, quality = logged
    cleaned = pd.read_parquet(output)
    by_day = cleaned.groupby(cleaned["tx_datetime"].dt.strftime("%Y-%m-%d"))["tx_fraud"].agg(["size", "sum"])
    expected = [
        {"date": day, "rows": int(row["size"]), "fraud_rows": int(row["sum"])}
        for day, row in by_day.iterrows()
    ]
    assert quality["rows_per_day"] == expected
    assert quality["written_dates"] == {
        "count": len(expected),
        "first": expected[0]["date"],
        "last": expected[-1]["date"],
    }


def test_the_mlflow_run_holds_metrics_reports_and_plots(logged, tmp_path):
    import mlflow
    from mlflow.tracking import MlflowClient

    uri, output, clean_report, quality = logged
    client = MlflowClient(uri)
    experiment = client.get_experiment_by_name(EXPERIMENT)
    runs = client.search_runs([experiment.experiment_id])
    assert len(runs) == 1
    run = runs[0]
    assert run.info.run_name == "clean " + output.name and run.data.tags["job"] == "clean"
    assert run.data.params["input"].endswith("raw") and run.data.params["max_terminal_id"] == "999"
    metrics = run.data.metrics
    for rule in DROP_RULES:
        assert metrics["dropped_" + rule] == clean_report["dropped"][rule]
        assert metrics["share_" + rule] == pytest.approx(
            clean_report["dropped"][rule] / clean_report["rows_read"]
        )
    for fix in FIXES:
        assert metrics["fixed_" + fix] == clean_report["fixed"][fix]
    assert metrics["rows_written"] == clean_report["rows_written"] and metrics["per_file_totals_match"] == 1
    assert metrics["tx_amount_p50"] == quality["cleaned"]["columns"]["tx_amount"]["quantiles"]["p50"]
    assert metrics["tx_amount_nulls"] == 0
    artifacts = {item.path for item in client.list_artifacts(run.info.run_id)}
    artifacts |= {item.path for item in client.list_artifacts(run.info.run_id, "plots")}
    assert {"data_quality.json", "clean_report.json", *PLOTS} <= artifacts
    logged_report = mlflow.artifacts.download_artifacts(
        run_id=run.info.run_id, artifact_path="data_quality.json", tracking_uri=uri, dst_path=str(tmp_path)
    )
    assert json.loads(open(logged_report).read()) == quality
    for plot in PLOTS:
        png = mlflow.artifacts.download_artifacts(
            run_id=run.info.run_id, artifact_path=plot, tracking_uri=uri, dst_path=str(tmp_path)
        )
        assert open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def small_raw(tmp_path_factory):
    root = tmp_path_factory.mktemp("quality_small")
    generate(preset_config("course", seed=8, customers=40, days=5, start=EPOCH), str(root / "raw"))
    return root / "raw"


@pytest.fixture()
def quick_mlflow_failures(monkeypatch):
    # MLflow's client retries a refused connection for minutes by default: fail at once here.
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "10")


def test_without_mlflow_the_quality_report_is_written_next_to_the_cleaning_report(small_raw, tmp_path):
    report = tmp_path / "reports" / "clean_report.json"
    assert (
        cli.main(["--input", str(small_raw), "--output", str(tmp_path / "clean"), "--report", str(report)])
        == 0
    )
    assert quality_report_location(str(report)) == str(tmp_path / "reports" / "clean_report.quality.json")
    quality = json.loads((tmp_path / "reports" / "clean_report.quality.json").read_text())
    assert quality["rows_written"] == json.loads(report.read_text())["rows_written"] > 0


def test_an_unreachable_server_stops_the_job_before_anything_is_written(
    small_raw, tmp_path, capsys, quick_mlflow_failures
):
    uri = f"http://127.0.0.1:{free_port()}"
    args = [
        "--input",
        str(small_raw),
        "--output",
        str(tmp_path / "clean"),
        "--report",
        str(tmp_path / "r.json"),
    ]
    with pytest.raises(SystemExit) as exit_info:
        cli.main([*args, "--mlflow-uri", uri])
    assert exit_info.value.code == 2
    assert f"--mlflow-uri {uri}: cannot use experiment 'data-quality'" in capsys.readouterr().err
    assert not (tmp_path / "clean").exists() and not (tmp_path / "r.json").exists()


def test_a_server_lost_after_the_check_keeps_the_data_and_reports(
    spark, small_raw, tmp_path, capsys, monkeypatch, quick_mlflow_failures
):
    (tmp_path / "mlflow").mkdir()
    with MlflowServer(tmp_path / "mlflow") as server:
        clean_then_lose_the_server = cli.run_cleaning

        def run_cleaning(*args, **kwargs):
            counts = clean_then_lose_the_server(*args, **kwargs)
            server.stop()
            return counts

        monkeypatch.setattr(cli, "run_cleaning", run_cleaning)
        out = tmp_path / "clean"
        args = ["--input", str(small_raw), "--output", str(out), "--report", str(tmp_path / "r.json")]
        assert cli.main([*args, "--mlflow-uri", server.uri]) == 1
    assert "Nothing is lost" in capsys.readouterr().err
    report = json.loads((tmp_path / "r.json").read_text())
    assert spark.read.parquet(str(out)).count() == report["rows_written"] > 0
    assert json.loads((tmp_path / "r.quality.json").read_text())["rows_written"] == report["rows_written"]


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--mlflow-credentials", "/x.json"], "--mlflow-credentials /x.json needs --mlflow-uri"),
        (
            ["--mlflow-uri", "http://127.0.0.1:1", "--mlflow-credentials", "/nonexistent.json"],
            "does not exist",
        ),
    ],
)
def test_mlflow_options_are_checked_before_spark_starts(small_raw, tmp_path, capsys, extra, message):
    args = ["--input", str(small_raw), "--output", str(tmp_path / "o"), "--report", str(tmp_path / "r.json")]
    with pytest.raises(SystemExit) as exit_info:
        cli.main([*args, *extra])
    assert exit_info.value.code == 2 and message in capsys.readouterr().err


def test_the_report_covers_only_the_files_the_cleaning_read(spark, generated, logged):
    # With --new-files-only the cleaning reads a list of files, not all of --input: so must the report.
    root, _ = generated
    _, output, _, quality = logged
    first = quality["per_file"][0]
    only_first = {key: first[key] for key in ("rows_read", "rows_written", "dropped", "fixed")}
    path = str(root / "raw" / first["file"])
    report = build_quality_report(spark, only_first, [path], str(output), EPOCH, MAX_TERMINAL_ID)
    assert report["per_file"] == [first] and report["per_file_totals_match"] is True
    nothing = {"rows_read": 0, "rows_written": 0, "dropped": dict.fromkeys(DROP_RULES, 0)}
    nothing["fixed"] = dict.fromkeys(FIXES, 0)
    empty = build_quality_report(spark, nothing, [], str(output), EPOCH, MAX_TERMINAL_ID)
    assert empty["per_file"] == [] and empty["cleaned"]["rows"] == 0 and empty["per_file_totals_match"]
