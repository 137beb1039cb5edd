"""The scoring and monitoring jobs end to end: a `course` sample cleaned and trained by the real jobs
(registered champion with its training reference on a real MLflow server), then scored and monitored."""

from __future__ import annotations

import json

import pytest
from pyspark.sql import functions as F

from fraud_jobs.clean.cli import main as clean_main
from fraud_jobs.generate import generate, preset_config
from fraud_jobs.monitor.cli import main as monitor_main
from fraud_jobs.monitor.reference import MONITORED_COLUMNS, REFERENCE_ARTIFACT
from fraud_jobs.score.cli import main as score_main
from fraud_jobs.train.cli import main as train_main
from fraud_jobs.train.evaluation import BLOCKED, KNOWN_COMPROMISED_RULE

MODEL = "fraud-score-e2e"
# Reuses the training end-to-end test's server fixture (its own instance for this module).
from train.test_train_job_end_to_end import mlflow_server  # noqa: E402, F401


@pytest.fixture(scope="module")
def champion(spark, mlflow_server, tmp_path_factory):  # noqa: F811
    """50 days from 2019-08-22 (last day 2019-10-10), trained on 09-13..19, tested on 09-27..10-03."""
    root = tmp_path_factory.mktemp("score-e2e")
    generate(preset_config("course", seed=3, customers=300, terminals=100, days=50), str(root / "raw"))
    clean = ["--input", str(root / "raw"), "--output", str(root / "clean"), "--report", str(root / "r.json")]
    assert clean_main(clean) == 0
    assert train_main([
        "--input", str(root / "clean"), "--train-start", "2019-09-13", "--model", "logistic_regression",
        "--metrics-out", str(root / "metrics.json"), "--delay-sweep", "7", "--hyperparameter", "maxIter=20",
        "--mlflow-uri", mlflow_server, "--experiment", "score-e2e", "--register", MODEL,
        "--gate-min-auc-roc", "0.5", "--gate-min-average-precision", "0.01",
    ]) == 0  # fmt: skip
    return root


def score(root, server, *extra, model=MODEL):
    return score_main([
        "--input", str(root / "clean"), "--output", str(root / "scores"), "--model-name", model,
        "--mlflow-uri", server, "--report", str(root / "score.json"), *extra,
    ])  # fmt: skip


def test_training_logs_the_reference_with_the_model(champion, mlflow_server):  # noqa: F811
    import mlflow.artifacts
    from mlflow.tracking import MlflowClient

    version = MlflowClient(mlflow_server).get_model_version_by_alias(MODEL, "champion")
    mlflow.set_tracking_uri(mlflow_server)
    reference = mlflow.artifacts.load_dict(f"runs:/{version.run_id}/{REFERENCE_ARTIFACT}")
    assert sorted(reference["columns"]) == sorted(MONITORED_COLUMNS)
    assert all(sum(c["fractions"]) == pytest.approx(1.0) for c in reference["columns"].values())
    # Monitoring counts realised outcomes with the business view's rule of that training run.
    assert reference[KNOWN_COMPROMISED_RULE] == {"policy": BLOCKED, "since": "2019-09-13"}


def test_scores_newest_days_idempotently_and_monitors_them(champion, mlflow_server, spark, capsys):  # noqa: F811
    import mlflow
    from mlflow.tracking import MlflowClient

    root = champion
    assert score(root, mlflow_server, "--newest-days", "10") == 0
    report = json.loads((root / "score.json").read_text())
    assert report["model_version"] == "1" and report["days"][0] == "2019-10-01"
    assert report["days"][-1] == "2019-10-10" and len(report["per_day"]) == 10
    cleaned = spark.read.parquet(str(root / "clean"))
    expected = cleaned.filter(F.col("tx_date") >= "2019-10-01").count()
    scores = spark.read.parquet(str(root / "scores"))
    assert report["rows_scored"] == scores.count() == expected
    assert report["alerts"] == scores.filter(F.col("decision") == 1).count() > 0
    # Each day's threshold is re-set from the champion's scores of the 3 days before it, as its training
    # run's evaluation did: on the test days both scored (10-01 .. 10-03) the thresholds are the same.
    assert report["threshold_lookback_days"] == 3
    evaluated = json.loads((root / "metrics.json").read_text())["business"]["per_day"]
    scored_days = {day["day"]: day["threshold"] for day in report["per_day"]}
    shared = [day for day in evaluated if day["day"] in scored_days]
    assert [day["day"] for day in shared] == ["2019-10-01", "2019-10-02", "2019-10-03"]
    for day in shared:
        assert scored_days[day["day"]] == pytest.approx(day["threshold"], rel=1e-12)
        assert day["threshold"] != pytest.approx(report["threshold"])  # re-set, not the fixed one
    # Idempotent per day: rescoring the last 2 days replaces those partitions and keeps the others.
    before = {r["transaction_id"]: r["score"] for r in scores.collect()}
    assert score(root, mlflow_server, "--newest-days", "2") == 0
    again = spark.read.parquet(str(root / "scores"))
    assert again.count() == expected
    assert {r["transaction_id"]: r["score"] for r in again.collect()} == pytest.approx(before)
    capsys.readouterr()

    monitoring_report = root / "monitoring.json"
    assert monitor_main([
        "--scores", str(root / "scores"), "--cleaned", str(root / "clean"), "--lookback-days", "10",
        "--label-delay-days", "7", "--max-psi", "0.2", "--max-fnr", "0.99", "--max-fpr", "0.5",
        "--mlflow-uri", mlflow_server, "--experiment", "monitor-e2e", "--report", str(monitoring_report),
        "--verdict-tag", "verdict",
    ]) == 0  # fmt: skip
    printed = capsys.readouterr().out
    monitoring = json.loads(monitoring_report.read_text())
    assert [d["day"] for d in monitoring["days"] if d["labels"]] == ["2019-10-01", "2019-10-02", "2019-10-03"]
    assert "monitoring fraud-score-e2e/1 as of 2019-10-10" in printed
    mlflow.set_tracking_uri(mlflow_server)
    client = MlflowClient(mlflow_server)
    run = client.search_runs([client.get_experiment_by_name("monitor-e2e").experiment_id])[0]
    history = client.get_metric_history(run.info.run_id, "score_psi")
    assert len(history) == 10 and min(m.step for m in history) == 18170  # 2019-10-01 as a day number
    assert len(client.get_metric_history(run.info.run_id, "fnr")) == 3
    verdict = run.data.tags["verdict"]
    assert verdict.startswith("breach: ") if monitoring["breaches"] else verdict == "ok"
    plots = {a.path for a in client.list_artifacts(run.info.run_id, "plots")}
    assert plots == {"plots/feature_psi.png", "plots/score_psi_and_alerts.png", "plots/realised_rates.png"}


def test_bad_input_stops_before_writing(champion, mlflow_server, spark, tmp_path, capsys):  # noqa: F811
    root = champion
    out = tmp_path / "scores"

    def attempt(*args):
        return score_main([*args, "--output", str(out), "--mlflow-uri", mlflow_server])

    assert attempt("--input", str(root / "clean"), "--model-name", "no-such-model") == 2
    assert "has no @champion" in capsys.readouterr().err
    # 50 days hold 10 days with the 40 days before them a scored day needs: 37 of feature history before
    # the 3 look-back days whose scores set its threshold.
    assert attempt("--input", str(root / "clean"), "--model-name", MODEL, "--newest-days", "11") == 2
    assert "needs every day from 2019-08-21 (the threshold is re-set" in capsys.readouterr().err
    drifted = tmp_path / "drifted"
    spark.read.parquet(str(root / "clean")).withColumn(
        "tx_amount", F.col("tx_amount").cast("string")
    ).write.partitionBy("tx_date").parquet(str(drifted))
    # Committed as the cleaning job commits (its marker), so the schema check is what refuses it.
    (drifted / "_manifest.json").write_text((root / "clean" / "_manifest.json").read_text())
    assert attempt("--input", str(drifted), "--model-name", MODEL) == 2
    assert "column tx_amount is string, expected double" in capsys.readouterr().err
    assert not out.exists()


EXTENDED_MODEL = "fraud-score-e2e-extended"


def test_extended_champion_scored_and_monitored_on_its_feature_set(champion, mlflow_server, spark, capsys):  # noqa: F811
    """The feature set is chosen once, at training: the scorer reads it from the model's metadata and
    computes the label-free inputs with the training code; monitoring's reference holds the same columns."""
    import mlflow.artifacts
    from mlflow.tracking import MlflowClient

    from fraud_jobs.features import EXTENDED, add_features, feature_columns
    from fraud_jobs.features.label_free import LABEL_FREE_COLUMNS

    root = champion
    assert train_main([
        "--input", str(root / "clean"), "--train-start", "2019-09-13", "--model", "logistic_regression",
        "--feature-set", "extended", "--metrics-out", str(root / "metrics-extended.json"),
        "--hyperparameter", "maxIter=20", "--mlflow-uri", mlflow_server, "--experiment", "score-e2e",
        "--register", EXTENDED_MODEL, "--gate-min-auc-roc", "0.5", "--gate-min-average-precision", "0.01",
    ]) == 0  # fmt: skip
    version = MlflowClient(mlflow_server).get_model_version_by_alias(EXTENDED_MODEL, "champion")
    mlflow.set_tracking_uri(mlflow_server)
    reference = mlflow.artifacts.load_dict(f"runs:/{version.run_id}/{REFERENCE_ARTIFACT}")
    assert sorted(reference["columns"]) == sorted([*feature_columns(EXTENDED), "score"])

    out = root / "scores-extended"
    assert score_main([
        "--input", str(root / "clean"), "--output", str(out), "--model-name", EXTENDED_MODEL,
        "--mlflow-uri", mlflow_server, "--report", str(root / "score-extended.json"), "--newest-days", "2",
    ]) == 0  # fmt: skip
    report = json.loads((root / "score-extended.json").read_text())
    assert report["feature_set"] == EXTENDED
    scored = {r["transaction_id"]: r for r in spark.read.parquet(str(out)).collect()}
    cleaned = spark.read.parquet(str(root / "clean"))
    expected = {
        r["transaction_id"]: r
        for r in add_features(cleaned, 7, EXTENDED)
        .filter(F.col("tx_date").isin(report["days"]))
        .select("transaction_id", *LABEL_FREE_COLUMNS)
        .collect()
    }
    assert set(scored) == set(expected) and len(scored) > 0
    for transaction_id, row in scored.items():
        for name in LABEL_FREE_COLUMNS:
            want = float(expected[transaction_id][name])
            assert row[name] == pytest.approx(want, rel=1e-12), name
    capsys.readouterr()
    assert monitor_main([
        "--scores", str(out), "--cleaned", str(root / "clean"), "--lookback-days", "2",
        "--label-delay-days", "7", "--max-psi", "100", "--max-fnr", "1", "--max-fpr", "1",
        "--mlflow-uri", mlflow_server, "--experiment", "monitor-e2e-extended",
        "--report", str(root / "monitoring-extended.json"),
    ]) == 0  # fmt: skip
    monitoring = json.loads((root / "monitoring-extended.json").read_text())
    drift_columns = {name for day in monitoring["days"] for name in day.get("psi", {})}
    assert set(LABEL_FREE_COLUMNS) <= drift_columns, monitoring["days"][0]
