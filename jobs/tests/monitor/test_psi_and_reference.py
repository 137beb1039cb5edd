"""PSI and the reference histograms' bins."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pyspark.sql import functions as F

from fraud_jobs.monitor.psi import EMPTY_BIN_SHARE, psi
from fraud_jobs.monitor.reference import bin_counts, reference_histograms


def test_psi_of_the_same_shares_is_zero_and_grows_with_the_shift():
    assert psi([0.25, 0.25, 0.5], [25, 25, 50]) == pytest.approx(0.0)
    # Textbook value: (0.5-0.25) ln(0.5/0.25) + (0.5-0.75) ln(0.5/0.75).
    assert psi([0.25, 0.75], [50, 50]) == pytest.approx(0.25 * math.log(2) - 0.25 * math.log(2 / 3))
    # An empty bin counts as EMPTY_BIN_SHARE, not as an infinite index.
    assert psi([0.5, 0.5], [100, 0]) == pytest.approx(
        (1 - 0.5) * math.log(1 / 0.5) + (EMPTY_BIN_SHARE - 0.5) * math.log(EMPTY_BIN_SHARE / 0.5)
    )
    with pytest.raises(ValueError, match="3 counts for 2 reference bins"):
        psi([0.5, 0.5], [1, 2, 3])
    with pytest.raises(ValueError, match="no rows"):
        psi([0.5, 0.5], [0, 0])


def test_reference_bins_are_deciles_and_a_flag_gets_two_bins(spark):
    df = spark.range(1000).select(
        F.col("id").cast("double").alias("amount"), (F.col("id") % 4 == 0).cast("double").alias("flag")
    )
    reference = reference_histograms(df, ["amount", "flag"])
    amount, flag = reference["columns"]["amount"], reference["columns"]["flag"]
    assert reference["rows"] == 1000
    assert len(amount["edges"]) == 9 and amount["fractions"] == pytest.approx([0.1] * 10, abs=0.002)
    assert flag["edges"] == [0.0, 1.0] and flag["fractions"] == pytest.approx([0.75, 0.25, 0.0])
    # The same bins counted per group: a group drawn from the reference has a PSI near 0.
    grouped = df.withColumn("half", (F.col("amount") % 2).cast("int"))
    counts = bin_counts(grouped, {"amount": amount["edges"]}, "half")
    assert np.sum(counts[(0, "amount")]) == 500
    assert psi(amount["fractions"], counts[(1, "amount")]) < 0.01


def test_a_champion_logged_before_the_rule_is_monitored_with_its_run_parameters(tmp_path):
    """A champion trained by the previous release (its reference has no known_compromised_rule) stays
    champion while the gate keeps it: monitoring takes the rule from its training run's parameters instead
    of failing every run until another version is promoted."""
    import mlflow
    from mlflow.tracking import MlflowClient

    from fraud_jobs.monitor.reference import REFERENCE_ARTIFACT
    from fraud_jobs.monitor.references import reference_loader
    from fraud_jobs.train.evaluation import KNOWN_COMPROMISED_RULE

    uri = (tmp_path / "mlruns").as_uri()
    mlflow.set_tracking_uri(uri)
    experiment = mlflow.create_experiment("old-release", artifact_location=(tmp_path / "artifacts").as_uri())
    with mlflow.start_run(experiment_id=experiment) as run:
        mlflow.log_params({"train_start": "2019-10-12", "known_compromised_policy": "blocked"})
        mlflow.log_dict({"columns": {}}, REFERENCE_ARTIFACT)
    client = MlflowClient(uri)
    client.create_registered_model("old-champion")
    client.create_model_version("old-champion", f"runs:/{run.info.run_id}/model", run.info.run_id)

    reference = reference_loader(uri)("old-champion/1")

    assert reference[KNOWN_COMPROMISED_RULE] == {"policy": "blocked", "since": "2019-10-12"}
