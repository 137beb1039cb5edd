"""The training job end to end: generated `course` data, the cleaning job, then the training CLI against a
real MLflow tracking server (SQLite backend, proxied artifacts) started here."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from fraud_jobs.clean.cli import main as clean_main
from fraud_jobs.generate import generate, preset_config
from fraud_jobs.train.cli import main as train_main

MODEL_NAME = "fraud-e2e"
EXPERIMENT = "e2e"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def mlflow_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("mlflow")
    port = free_port()
    # FRAUD_MLFLOW_SERVER: a full mlflow when this venv has only the client (mlflow-skinny, as on Data Proc).
    mlflow_bin = os.environ.get("FRAUD_MLFLOW_SERVER") or os.path.join(
        os.path.dirname(sys.executable), "mlflow"
    )
    command = [
        mlflow_bin,
        "server",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--backend-store-uri",
        "sqlite:///{}".format(root / "mlflow.db"),
        "--serve-artifacts",
        "--artifacts-destination",
        str(root / "artifacts"),
    ]
    log = open(root / "server.log", "w")
    # Own process group: mlflow server forks gunicorn workers, which must be stopped with it.
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    uri = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(uri + "/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            stop_group(server)
            raise RuntimeError("mlflow server did not start: see {}".format(root / "server.log"))
        time.sleep(0.5)
    yield uri
    stop_group(server)
    log.close()


def stop_group(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


@pytest.fixture(scope="module")
def cleaned(spark, tmp_path_factory):
    """45 days of a small `course` sample, cleaned by the cleaning job (with its report)."""
    root = tmp_path_factory.mktemp("data")
    generate(preset_config("course", seed=3, customers=400, terminals=100, days=45), str(root / "raw"))
    report = root / "report.json"
    assert (
        clean_main(["--input", str(root / "raw"), "--output", str(root / "clean"), "--report", str(report)])
        == 0
    )
    return root / "clean", report


def train_args(cleaned, out, *extra):
    clean_dir, report = cleaned
    return [
        "--input",
        str(clean_dir),
        "--train-start",
        "2019-09-13",
        "--model",
        "logistic_regression",
        "--metrics-out",
        str(out),
        "--quality-report",
        str(report),
        "--delay-sweep",
        "1,7",
        "--hyperparameter",
        "maxIter=20",
        *extra,
    ]


def test_two_runs_log_register_and_set_aliases(cleaned, mlflow_server, tmp_path, monkeypatch):
    import mlflow
    import mlflow.spark
    from mlflow.tracking import MlflowClient

    # Clients must reach artifacts through the server only: no object-storage settings at all.
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "MLFLOW_S3_ENDPOINT_URL"):
        monkeypatch.delenv(variable, raising=False)
    registry = ["--mlflow-uri", mlflow_server, "--experiment", EXPERIMENT, "--register", MODEL_NAME]
    lenient = ["--gate-min-auc-roc", "0.5", "--gate-min-average-precision", "0.01"]
    assert train_main(train_args(cleaned, tmp_path / "m1.json", *registry, *lenient)) == 0

    metrics = json.loads((tmp_path / "m1.json").read_text())
    for key in (
        "auc_roc",
        "average_precision",
        "card_precision_at_100",
        "threshold",
        "fnr",
        "fpr",
        "monthly_damage",
        "meets_fnr_target",
        "meets_fpr_target",
        "meets_damage_target",
        "fnr_delay_1d",
        "fpr_delay_1d",
        "fnr_delay_7d",
        "fpr_delay_7d",
        "handbook_excluded_rows",
    ):
        assert key in metrics, key
    assert 0.5 < metrics["auc_roc"] <= 1.0
    business = metrics["business"]
    for key in (
        "rows",
        "fnr",
        "fpr",
        "threshold",
        "monthly_damage",
        "alerts_per_day",
        "volume_scale",
        "meets_fnr_target",
        "meets_fpr_target",
        "meets_damage_target",
        "fnr_at_fpr_5pct",
        "fpr_at_fnr_2pct",
    ):
        assert key in business, key
    # The business view counts every test transaction; the handbook view drops the known cards' rows.
    assert business["rows"] == metrics["test_transactions"] + metrics["handbook_excluded_rows"]
    assert metrics["handbook_excluded_rows"] > 0
    # Damage is scaled from the sample to the real volume (default: the course data's rows per day).
    assert business["volume_scale"] == pytest.approx(1_566_495 / business["sample_rows_per_day"])
    assert business["monthly_damage"] == pytest.approx(
        business["sample_monthly_damage"] * business["volume_scale"]
    )
    assert set(business["delay_sweep"]) == {"1", "7"}

    client = MlflowClient(mlflow_server)
    first = client.get_model_version_by_alias(MODEL_NAME, "champion")
    assert first.version == "1"
    assert client.get_model_version_by_alias(MODEL_NAME, "challenger").version == "1"
    run = client.get_run(first.run_id)
    assert run.data.metrics["auc_roc"] == pytest.approx(metrics["auc_roc"])
    assert run.data.params["delay_days"] == "7" and run.data.params["model"] == "logistic_regression"
    assert run.data.params["hp_maxIter"] == "20" and run.data.params["code_version"]
    assert run.data.tags["registry_promoted"] == "True"
    assert run.data.metrics["business_fnr"] == pytest.approx(business["fnr"])
    artifacts = {a.path for a in client.list_artifacts(run.info.run_id)}
    artifacts |= {
        a.path for folder in ("plots", "data_quality") for a in client.list_artifacts(run.info.run_id, folder)
    }
    assert {
        "plots/roc_curve.png",
        "plots/precision_recall_curve.png",
        "plots/confusion_matrix.png",
        "plots/operating_curve.png",
        "plots/per_day_rates.png",
        "data_quality/clean_report.json",
        "feature_importances.json",
        "model",
    } <= artifacts
    quality = json.loads(
        open(
            mlflow.artifacts.download_artifacts(
                run_id=run.info.run_id,
                artifact_path="data_quality/clean_report.json",
                tracking_uri=mlflow_server,
            )
        ).read()
    )
    assert quality["rows_written"] > 0

    # Second run: gates it cannot meet -> a new challenger, the champion stays.
    strict = ["--gate-min-auc-roc", "0.9999", "--gate-min-average-precision", "0.01"]
    assert train_main(train_args(cleaned, tmp_path / "m2.json", *registry, *strict)) == 0
    assert client.get_model_version_by_alias(MODEL_NAME, "challenger").version == "2"
    assert client.get_model_version_by_alias(MODEL_NAME, "champion").version == "1"
    second = client.get_model_version(MODEL_NAME, "2")
    assert client.get_run(second.run_id).data.tags["registry_reason"].startswith("gates not met: auc_roc")

    # The champion loads back and scores the logged input example.
    mlflow.set_tracking_uri(mlflow_server)
    model = mlflow.pyfunc.load_model(f"models:/{MODEL_NAME}@champion")
    example = model.metadata.load_input_example(
        mlflow.artifacts.download_artifacts(f"models:/{MODEL_NAME}@champion")
    )
    predictions = model.predict(example)
    assert len(predictions) == len(example) and set(predictions) <= {0.0, 1.0}
    # It decides at the tuned threshold, which it carries in its metadata.
    assert model.metadata.metadata["decision_threshold"] == pytest.approx(metrics["business"]["threshold"])


def test_xgboost_search_on_extended_features_logs_trials_and_a_deciding_model(
    cleaned, mlflow_server, tmp_path
):
    import mlflow
    from mlflow.tracking import MlflowClient

    args = train_args(cleaned, tmp_path / "x.json", "--delay-sweep", "7")
    at = args.index("--model")
    args[at + 1] = "xgboost"
    at = args.index("--hyperparameter")
    args[at + 1] = "n_estimators=20"
    grid = '{"max_depth": [2, 4]}'
    extra = ["--feature-set", "extended", "--search", "--search-grid", grid, "--undersample", "0.2"]
    assert train_main([*args, *extra, "--mlflow-uri", mlflow_server, "--experiment", "e2e-search"]) == 0

    metrics = json.loads((tmp_path / "x.json").read_text())
    assert metrics["feature_set"] == "extended"
    search = metrics["search"]
    assert [t["hyperparameters"] for t in search["trials"]] == [{"max_depth": 2}, {"max_depth": 4}]
    client = MlflowClient(mlflow_server)
    experiment = client.get_experiment_by_name("e2e-search")
    runs = client.search_runs([experiment.experiment_id])
    parent = next(run for run in runs if "mlflow.parentRunId" not in run.data.tags)
    trials = [run for run in runs if run.data.tags.get("mlflow.parentRunId") == parent.info.run_id]
    assert len(trials) == 2
    chosen = trials[0] if trials[0].data.tags["selected"] == "True" else trials[1]
    best = search["trials"][search["best_trial"]]["hyperparameters"]["max_depth"]
    assert chosen.data.params["hp_max_depth"] == str(best) == parent.data.params["hp_max_depth"]
    assert (
        parent.data.params["feature_set"] == "extended" and parent.data.params["undersample_ratio"] == "0.2"
    )

    mlflow.set_tracking_uri(mlflow_server)
    uri = f"runs:/{parent.info.run_id}/model"
    model = mlflow.pyfunc.load_model(uri)
    assert model.metadata.metadata["feature_columns"][-1] == "customer_amount_ratio_30day"
    example = model.metadata.load_input_example(mlflow.artifacts.download_artifacts(uri))
    assert list(example.columns) == model.metadata.metadata["feature_columns"]
    assert set(model.predict(example)) <= {0.0, 1.0}


def test_bare_run_needs_no_mlflow(cleaned, tmp_path, capsys):
    unknown_volume = ["--population-rows-per-day", "unknown", "--known-compromised-policy", "scored"]
    assert train_main(train_args(cleaned, tmp_path / "m.json", "--delay-sweep", "7", *unknown_volume)) == 0
    metrics = json.loads((tmp_path / "m.json").read_text())
    assert "fnr_delay_7d" in metrics
    assert metrics["business"]["policy"] == "scored" and metrics["business"]["prevented_frauds"] == 0
    # Unknown real volume: the damage target is not judged, neither in the file nor in the summary.
    assert metrics["business"]["meets_damage_target"] is None and metrics["meets_damage_target"] is None
    printed = capsys.readouterr().out
    assert "Handbook view" in printed and "Business view" in printed and "not judged" in printed


def test_a_run_on_the_extended_fraud_age_set_trains_on_its_columns(cleaned, tmp_path, monkeypatch):
    """The set reaches the model from the job's CLI, also at the sweep's other delay."""
    from fraud_jobs.features import EXTENDED_FRAUD_AGE, feature_columns
    from fraud_jobs.train import run

    results = []
    train = run.run_training
    monkeypatch.setattr(run, "run_training", lambda *a, **k: results.append(train(*a, **k)) or results[-1])
    chosen = ["--delay-sweep", "3,7", "--feature-set", EXTENDED_FRAUD_AGE]
    assert train_main(train_args(cleaned, tmp_path / "m.json", *chosen)) == 0
    metrics = json.loads((tmp_path / "m.json").read_text())
    assert metrics["feature_set"] == EXTENDED_FRAUD_AGE
    assert "fnr_delay_3d" in metrics and "fnr_delay_7d" in metrics
    (result,) = results
    assert list(result.input_example.columns) == feature_columns(EXTENDED_FRAUD_AGE)
    assembler = result.model.stages[0]
    assert assembler.getInputCols() == feature_columns(EXTENDED_FRAUD_AGE)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--input", "/nonexistent"], "--input /nonexistent is not a directory"),
        (["--train-start", "2019-13-01"], "expected a date YYYY-MM-DD"),
        (["--model", "svm"], "invalid choice: 'svm'"),
        (["--register", "x"], "--register x needs --mlflow-uri"),
        (["--hyperparameter", "maxDeep=3"], "unknown hyperparameter(s) for logistic_regression: maxDeep"),
        (["--hyperparameter", "maxIter=many"], "--hyperparameter: maxIter='many': Could not convert"),
        (["--input", "file:///nonexistent"], "--input file:///nonexistent is not a directory"),
        (["--train-days", "0"], "expected an integer >= 1"),
        (["--quality-report", "/nonexistent.json"], "--quality-report /nonexistent.json does not exist"),
        (["--population-rows-per-day", "-5"], "expected 'unknown' or a positive number of rows"),
        (["--known-compromised-policy", "ignore"], "invalid choice: 'ignore'"),
        (["--delay-days", "0"], "expected an integer >= 1"),
        (["--delay-sweep", "0,3"], "expected comma-separated days >= 1"),
        (["--search-grid", '{"maxIter": [5]}'], "--search-grid needs --search"),
        (["--search", "--search-grid", '{"maxDeep": [5]}'], "--search-grid: unknown hyperparameter(s)"),
        (["--search", "--search-grid", '{"maxIter": 5}'], "maxIter: expected a non-empty list"),
        (["--feature-set", "all"], "invalid choice: 'all'"),
        (["--undersample", "2"], "expected frauds / legit after sampling in (0, 1]"),
        (["--known-compromised-days", "8"], "--known-compromised-days 8 is above --train-days 7"),
    ],
)
def test_bad_arguments_give_clear_errors(cleaned, tmp_path, capsys, args, message):
    base = train_args(cleaned, tmp_path / "m.json")
    with pytest.raises(SystemExit) as exit_info:
        train_main(base + args)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "m.json").exists()


def test_window_outside_the_data_names_the_option(cleaned, tmp_path, capsys):
    args = train_args(cleaned, tmp_path / "m.json")
    args[args.index("--train-start") + 1] = "2019-08-25"
    with pytest.raises(SystemExit):
        train_main(args)
    assert "choose --train-start between" in capsys.readouterr().err


def registry_args(server: str, model: str):
    # Any quality passes the absolute gates: these tests are about the champion comparison.
    gates = ["--gate-min-auc-roc", "0", "--gate-min-average-precision", "0"]
    return [
        "--mlflow-uri",
        server,
        "--experiment",
        EXPERIMENT,
        "--register",
        model,
        *gates,
        "--delay-sweep",
        "7",
    ]


def test_champion_gate_scores_the_champion_on_the_same_test_window(cleaned, mlflow_server, tmp_path):
    import mlflow
    from mlflow.tracking import MlflowClient

    model = "fraud-gate"
    client = MlflowClient(mlflow_server)
    assert train_main(train_args(cleaned, tmp_path / "first.json", *registry_args(mlflow_server, model))) == 0
    first = json.loads((tmp_path / "first.json").read_text())
    assert first["champion_comparison"]["status"] == "no champion yet"
    assert first["champion_comparison"]["promoted"] is True

    # A worse model: an L1 penalty so strong that every coefficient is 0, one score for every row.
    worse = ["--hyperparameter", "regParam=1.0", "--hyperparameter", "elasticNetParam=1.0"]
    args = train_args(cleaned, tmp_path / "second.json", *registry_args(mlflow_server, model), *worse)
    assert train_main(args) == 0
    second = json.loads((tmp_path / "second.json").read_text())
    comparison = second["champion_comparison"]
    print("second run's reasons:", comparison["reasons"])
    assert comparison["status"] == "compared" and comparison["champion_version"] == "1"
    assert comparison["promoted"] is False
    assert any(
        r.startswith("average precision not better than champion version 1") for r in comparison["reasons"]
    )
    assert client.get_model_version_by_alias(model, "champion").version == "1"
    assert client.get_model_version_by_alias(model, "challenger").version == "2"
    # The champion was scored on this run's exact test window at its own threshold (from its metadata):
    # the same windows as the first run, so it reproduces the first run's business figures.
    assert comparison["champion_threshold"] == pytest.approx(first["business"]["threshold"])
    assert comparison["metrics"]["fnr"]["champion"] == pytest.approx(first["business"]["fnr"])
    assert comparison["metrics"]["fpr"]["champion"] == pytest.approx(first["business"]["fpr"])
    days = [day["day"] for day in second["business"]["per_day"]]
    assert [day["day"] for day in comparison["per_day"]] == days and len(days) == 7
    for paired, own in zip(comparison["per_day"], second["business"]["per_day"]):
        assert paired["champion"]["frauds"] == paired["challenger"]["frauds"]
        assert paired["challenger"]["fnr"] == pytest.approx(own["fnr"])
        assert paired["challenger"]["fpr"] == pytest.approx(own["fpr"])
    # Logged on the run (tags and the JSON artifact) and on the model version.
    version = client.get_model_version(model, "2")
    assert version.tags["promotion_promoted"] == "False"
    assert version.tags["promotion_reason"].startswith(comparison["reasons"][0][:50])
    run = client.get_run(version.run_id)
    assert run.data.tags["champion_gate_status"] == "compared"
    assert run.data.tags["champion_gate_promoted"] == "False"
    assert run.data.tags["champion_gate_compared_with"] == "1"
    mlflow.set_tracking_uri(mlflow_server)
    assert mlflow.artifacts.load_dict(f"runs:/{version.run_id}/champion_comparison.json") == comparison

    # A champion that cannot be loaded (a version without a model) is reported and kept.
    experiment = client.get_experiment_by_name(EXPERIMENT).experiment_id
    empty_run = client.create_run(experiment).info.run_id
    client.set_terminated(empty_run)
    broken = mlflow.register_model(f"runs:/{empty_run}/model", model).version
    client.set_registered_model_alias(model, "champion", broken)
    assert train_main(train_args(cleaned, tmp_path / "third.json", *registry_args(mlflow_server, model))) == 0
    third = json.loads((tmp_path / "third.json").read_text())["champion_comparison"]
    assert third["status"] == "champion unloadable" and third["promoted"] is False
    (reason,) = third["reasons"]
    assert reason.startswith(f"champion version {broken} cannot be scored on this test window (load error: ")
    assert reason.endswith("kept; --gate-replace-unloadable-champion replaces it")
    assert client.get_model_version_by_alias(model, "champion").version == str(broken)


def test_a_killed_then_retried_training_registers_one_version(cleaned, mlflow_server, tmp_path, capsys):
    from mlflow.tracking import MlflowClient

    model, key = "fraud-retry", "manual__2026-11-27T09:00:00+00:00"
    args = train_args(
        cleaned, tmp_path / "m.json", *registry_args(mlflow_server, model), "--idempotency-key", key
    )
    client = MlflowClient(mlflow_server)
    experiment = client.get_experiment_by_name(EXPERIMENT) or client.get_experiment(
        client.create_experiment(EXPERIMENT)
    )
    by_key = f"tags.fraud_idempotency_key = '{key}'"
    bin_dir = os.path.dirname(sys.executable)
    entrypoint = os.path.join(os.path.dirname(__file__), "..", "..", "entrypoints", "train_job.py")
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    with open(tmp_path / "killed.log", "w") as log:
        job = subprocess.Popen(
            [
                os.path.join(bin_dir, "spark-submit"),
                *("--master", "local[2]", "--conf", "spark.sql.shuffle.partitions=4"),
                *(entrypoint, *args),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        # SIGKILL once its MLflow run exists: training done, logging under way.
        while not client.search_runs([experiment.experiment_id], by_key):
            assert job.poll() is None, "the job ended before it could be killed: see killed.log"
            time.sleep(0.2)
        os.killpg(job.pid, signal.SIGKILL)
        job.wait()

    assert train_main(args) == 0  # the retry, as Airflow runs it
    versions = client.search_model_versions(f"name='{model}'")
    assert len(versions) == 1 and versions[0].tags["fraud_idempotency_key"] == key
    runs = {r.info.run_id: r for r in client.search_runs([experiment.experiment_id], by_key)}
    assert sorted(r.info.status for r in runs.values()) == ["FAILED", "FINISHED"]
    assert runs[versions[0].run_id].info.status == "FINISHED"
    assert client.get_model_version_by_alias(model, "champion").version == versions[0].version

    capsys.readouterr()
    (tmp_path / "m.json").unlink()
    assert train_main(args) == 0  # another retry once the work is done: nothing trained or registered
    assert "an earlier attempt with --idempotency-key" in capsys.readouterr().out
    assert len(client.search_model_versions(f"name='{model}'")) == 1
    assert json.loads((tmp_path / "m.json").read_text())["champion_comparison"]["status"] == "no champion yet"


def test_a_scheduled_run_takes_the_newest_labelled_window_and_reads_only_it(cleaned, tmp_path, capsys):
    """--window-end after the data: the newest labelled window of the data; a junk file in a partition
    outside the window (as an old, half-written day would be) is never opened."""
    clean_dir, report = cleaned
    copy = tmp_path / "clean"
    shutil.copytree(clean_dir, copy)
    junk = copy / "tx_date=2019-07-01"
    junk.mkdir()
    (junk / "part-00000-junk.snappy.parquet").write_bytes(b"not parquet")
    args = train_args((copy, report), tmp_path / "m.json", "--delay-sweep", "7")
    start = args.index("--train-start")
    args[start : start + 2] = ["--window-end", "2019-10-20"]
    assert train_main(args) == 0
    metrics = json.loads((tmp_path / "m.json").read_text())
    # The data ends on 2019-10-05: test days labelled 7 days later end on 2019-09-29 (exclusive).
    assert metrics["window"] == {
        "train_start": "2019-09-08",
        "test_start": "2019-09-22",
        "test_end": "2019-09-29",
        "known_compromised_since": "2019-09-08",  # the book's rule: the training start
    }
    files = metrics["input_files"]
    assert files["read"] < files["present"]
    assert set(metrics["stages"]) == {"features", "fit", "evaluation"}
    assert metrics["stages"]["evaluation"]["rows"] == metrics["business"]["rows"]


def test_an_xgboost_run_through_spark_submit_exits(cleaned, tmp_path):
    """xgboost.spark trains in a barrier stage; Spark's barrier timer threads kept the spark-submit JVM
    alive after the job (SPARK-49479): the DAG's task would have waited out its timeout."""
    args = train_args(cleaned, tmp_path / "m.json", "--delay-sweep", "7")
    args[args.index("--model") + 1] = "xgboost"
    args[args.index("--hyperparameter") + 1] = "n_estimators=10"
    entrypoint = os.path.join(os.path.dirname(__file__), "..", "..", "entrypoints", "train_job.py")
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    command = [
        os.path.join(os.path.dirname(sys.executable), "spark-submit"),
        *("--master", "local[2]", "--conf", "spark.sql.shuffle.partitions=4", entrypoint, *args),
    ]
    with open(tmp_path / "job.log", "w") as log:
        job = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 900
        while job.poll() is None and not (tmp_path / "m.json").exists():
            assert time.monotonic() < deadline, "the job did not finish: see job.log"
            time.sleep(1)
        try:  # the metrics are written at the very end: the JVM has a minute to exit after that
            status = job.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(job.pid, signal.SIGKILL)
            job.wait()
            pytest.fail("the job's work was done but spark-submit did not exit (barrier timer threads?)")
    assert status == 0, (tmp_path / "job.log").read_text()[-3000:]
    assert "auc_roc" in json.loads((tmp_path / "m.json").read_text())
