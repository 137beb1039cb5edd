"""The champion gate's decision (pure): gates first, then the champion scored on the same test days,
compared per day, paired; each reason it can give, and the per-day AP it is fed from Spark."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fraud_jobs.train import evaluation as ev
from fraud_jobs.train import metrics as m
from fraud_jobs.train.champion import (
    COMPARED,
    NO_CHAMPION,
    ChampionScores,
    DayScores,
    GateRule,
    Gates,
    compare_days,
    decide,
    gate_failures,
    unloadable,
)

GATES = Gates(min_auc_roc=0.85, min_average_precision=0.5)
RULE = GateRule()
DAYS = [f"2019-10-0{i}" for i in range(1, 8)]
METRICS = {"auc_roc": 0.9, "average_precision": 0.6, "business": {"threshold": 0.3, "volume_scale": 100.0}}


def days(ap, missed=(2,) * 7, false_alerts=(40,) * 7, amount=None, frauds=100, legit=1000):
    """Seven test days of one model: per-day AP, misses (amount 10 each unless given) and false alerts."""
    amounts = amount if amount is not None else [10.0 * x for x in missed]
    return tuple(
        DayScores(day, a, frauds, x, float(y), legit, f)
        for day, a, x, y, f in zip(DAYS, ap, missed, amounts, false_alerts)
    )


BASE_AP = (0.60, 0.55, 0.62, 0.58, 0.61, 0.57, 0.59)
CHAMPION = ChampionScores(COMPARED, "3", 0.25, days=days(BASE_AP))


def better_ap(gain=0.05):
    return tuple(a + gain + 0.01 * (i % 2) for i, a in enumerate(BASE_AP))


def gate(challenger, champion=CHAMPION, rule=RULE, metrics=METRICS):
    return decide(metrics, gate_failures(metrics, GATES), champion, challenger, rule)


def test_first_version_that_meets_the_gates_becomes_champion():
    decision = gate((), ChampionScores(NO_CHAMPION))
    assert decision.promote and decision.reasons == ("gates met and there is no champion yet",)
    assert decision.comparison["status"] == "no champion yet"


def test_failing_gates_block_promotion_and_are_named():
    weak = dict(METRICS, auc_roc=0.8, average_precision=0.4)
    decision = gate(days(better_ap()), metrics=weak)
    assert not decision.promote
    assert decision.reason.startswith("gates not met: auc_roc 0.8000 < gate 0.8500")
    assert "average_precision 0.4000 < gate 0.5000" in decision.reason


def test_promoted_when_better_every_day_and_no_business_metric_worse():
    decision = gate(days(better_ap()))
    assert decision.promote, decision.reasons
    assert decision.reason.startswith("gates met and better than champion version 3: average precision +0.05")
    values = decision.comparison["metrics"]
    assert values["average_precision"]["lower_bound"] > 0.04
    assert [d["day"] for d in decision.comparison["per_day"]] == DAYS
    assert decision.comparison["per_day"][0]["champion"]["fnr"] == pytest.approx(0.02)


def test_equal_or_noisy_average_precision_is_not_better():
    assert not gate(days(BASE_AP)).promote
    # Better on average (+0.01) but on two days much worse: the paired lower bound is below 0.
    noisy = tuple(a + g for a, g in zip(BASE_AP, (0.06, 0.06, 0.06, 0.06, 0.06, -0.12, -0.11)))
    decision = gate(days(noisy))
    assert not decision.promote
    assert decision.reason.startswith(
        "average precision not better than champion version 3: mean daily gain +0.01"
    )
    assert "95% lower bound -" in decision.reason


def test_min_ap_gain_is_a_stated_margin():
    assert not gate(days(better_ap(0.05)), rule=GateRule(min_ap_gain=0.06)).promote


def test_a_worse_fnr_blocks_promotion_even_with_a_better_ap():
    decision = gate(days(better_ap(), missed=(4, 5, 4, 6, 5, 4, 5)))
    assert not decision.promote
    assert decision.reasons[0].startswith("FNR worse: 4.71% against the champion's 2.00%")


def test_a_worse_fpr_blocks_promotion():
    decision = gate(days(better_ap(), false_alerts=(60, 70, 65, 55, 66, 70, 61)))
    assert not decision.promote and decision.reasons[0].startswith(
        "FPR worse: 6.39% against the champion's 4.00%"
    )


def test_a_worse_damage_blocks_promotion():
    # Same number of misses, but the frauds missed are the expensive ones.
    decision = gate(days(better_ap(), amount=[90.0, 80.0, 95.0, 70.0, 85.0, 90.0, 75.0]))
    assert not decision.promote
    assert decision.reasons[0].startswith(
        "missed-fraud amount a day (sample) worse: 84 against the champion's 20"
    )


def test_losing_a_target_the_champion_meets_blocks_promotion():
    # Champion FNR 1.86 % (meets < 2 %); challenger 2.14 %, not confidently worse (six days better).
    champion = ChampionScores(COMPARED, "3", 0.25, days=days(BASE_AP, missed=(2, 2, 2, 2, 2, 2, 1)))
    decision = gate(days(better_ap(), missed=(0, 0, 0, 0, 0, 0, 15)), champion)
    assert not decision.promote
    assert decision.reasons == ("target FNR < 2% met by the champion but not by the challenger",)
    assert decision.comparison["metrics"]["fnr"]["lower_bound"] <= 0


def test_too_few_days_with_both_classes_cannot_show_a_gain():
    sparse = (0.9, None, None, None, None, None, 0.9)
    decision = gate(days(sparse))
    assert not decision.promote
    assert decision.reasons[0].startswith("only 2 test day(s) with both classes to compare average precision")


def test_an_unloadable_champion_is_reported_and_kept_unless_allowed():
    broken = unloadable("3", "feature columns differ: the test window has no new_feature")
    kept = gate((), broken)
    assert not kept.promote
    assert kept.reason == (
        "champion version 3 cannot be scored on this test window (feature columns differ: the test window "
        "has no new_feature): kept; --gate-replace-unloadable-champion replaces it"
    )
    assert kept.comparison["status"] == "champion unloadable" and "new_feature" in kept.comparison["problem"]
    replaced = gate((), broken, rule=GateRule(replace_unloadable=True))
    assert replaced.promote and "replaced" in replaced.reason


def test_the_same_inputs_give_the_same_decision():
    noisy = tuple(a + g for a, g in zip(BASE_AP, (0.03, -0.01, 0.02, 0.0, 0.04, -0.02, 0.01)))
    first, second = gate(days(noisy)), gate(days(noisy))
    assert first.comparison == second.comparison


def test_the_models_must_be_scored_on_the_same_days():
    with pytest.raises(ValueError, match="same, non-empty test days"):
        compare_days(days(BASE_AP)[:6], days(BASE_AP), RULE, None)


def test_damage_is_scaled_to_a_month_only_when_the_volume_is_known():
    known = compare_days(days(BASE_AP), days(BASE_AP), RULE, 100.0)["daily_missed_amount"]
    assert known["monthly_damage_champion"] == pytest.approx(20.0 * 30 * 100)
    unknown = compare_days(days(BASE_AP), days(BASE_AP), RULE, None)["daily_missed_amount"]
    assert unknown["monthly_damage_champion"] is None


def test_daily_average_precision_matches_the_exact_computation_per_day(spark):
    rng = np.random.default_rng(5)
    rows = 30_000
    labels = (rng.random(rows) < 0.05).astype(int)
    scored = pd.DataFrame(
        {
            "event_day": 18000 + rng.integers(0, 3, rows),
            "tx_fraud": labels,
            "tx_amount": rng.random(rows) * 100,
            "score": 1 / (1 + np.exp(-(rng.normal(-3, 1.5, rows) + labels * 2.5))),
        }
    )
    scored.loc[scored["event_day"] == 18002, "tx_fraud"] = 0  # a day without fraud: AP undefined
    per_day = ev.daily_average_precision(spark.createDataFrame(scored))
    assert per_day[18002] is None
    for day in (18000, 18001):
        rows_of_day = scored[scored["event_day"] == day]
        exact = m.average_precision(m.histogram_of(rows_of_day["tx_fraud"], rows_of_day["score"]))
        assert per_day[day] == pytest.approx(exact, abs=1e-4)


def test_a_champion_needing_columns_the_window_lacks_is_unloadable(spark, tmp_path):
    import mlflow
    import mlflow.spark
    from mlflow.tracking import MlflowClient
    from pyspark.ml import Pipeline
    from pyspark.ml.classification import LogisticRegression
    from pyspark.ml.feature import VectorAssembler

    from fraud_jobs.train.champion import load_champion

    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri((tmp_path / "mlruns").as_uri())
    try:
        client = MlflowClient()
        # Its own experiment, passed explicitly: the active one another test set is not in this store.
        experiment = client.create_experiment("champion-unloadable")
        rows = pd.DataFrame({"old_feature": [0.0, 1.0, 0.2, 0.9], "tx_fraud": [0, 1, 0, 1]})
        fitted = Pipeline(
            stages=[
                VectorAssembler(inputCols=["old_feature"], outputCol="features"),
                LogisticRegression(labelCol="tx_fraud", maxIter=5),
            ]
        ).fit(spark.createDataFrame(rows))
        for metadata in (None, {"decision_threshold": 0.4}):
            with mlflow.start_run(experiment_id=experiment):
                mlflow.spark.log_model(fitted, "model", registered_model_name="old", metadata=metadata)
        client.set_registered_model_alias("old", "champion", "1")
        found, model = load_champion(client, "old", ["old_feature", "tx_fraud"])
        assert (found.status, found.problem, model) == (
            "champion unloadable",
            "its model has no decision_threshold metadata",
            None,
        )
        client.set_registered_model_alias("old", "champion", "2")
        found, model = load_champion(client, "old", ["amount", "tx_fraud"])
        assert found.problem == "feature columns differ: the test window has no old_feature" and model is None
        found, model = load_champion(client, "old", ["old_feature", "tx_fraud"])
        assert (found.status, found.version, found.threshold) == ("compared", "2", 0.4) and model is not None
        assert load_champion(client, "absent", [])[0].status == "no champion yet"
    finally:
        mlflow.set_tracking_uri(previous)
