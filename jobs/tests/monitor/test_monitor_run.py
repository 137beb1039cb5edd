"""A monitoring run over hand-made scores: drift per day, outcomes of the labelled days, breaches."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from fraud_jobs.common.schemas import CLEANED_SCHEMA
from fraud_jobs.features import ALL_FEATURE_COLUMNS, FEATURE_COLUMNS
from fraud_jobs.monitor.checks import Thresholds
from fraud_jobs.monitor.reference import MONITORED_COLUMNS, reference_histograms
from fraud_jobs.monitor.run import monitor_scores
from fraud_jobs.score.frame import SCORES_SCHEMA, ScoringInputError
from fraud_jobs.train.evaluation import BLOCKED, KNOWN_COMPROMISED_RULE, KnownCompromisedRule

FIRST = dt.date(2019, 10, 1)
DAYS = 10
ROWS_PER_DAY = 400
DRIFTED_DAY = FIRST + dt.timedelta(days=DAYS - 1)


def _rows():
    rng = random.Random(1)
    scores, cleaned = [], []
    for index in range(DAYS * ROWS_PER_DAY):
        day = FIRST + dt.timedelta(days=index // ROWS_PER_DAY)
        at = dt.datetime(day.year, day.month, day.day, 12)
        features = {name: rng.random() for name in FEATURE_COLUMNS}
        if day == DRIFTED_DAY:
            features["tx_amount"] *= 3  # the amounts of the last day shift
        score = rng.random()
        fraud = int(index % 10 == 0)
        decision = int(index % 20 == 0 or index % 50 == 1)  # half of the frauds, a few false alerts
        scores.append(
            # A handbook model: the label-free columns of the scores table are null.
            (index, at, 1, 2, *[features.get(n) for n in ALL_FEATURE_COLUMNS], score, decision, "m", "3", day)
        )
        cleaned.append((index, at, 1, 2, features["tx_amount"], 0, 0, fraud, fraud, day))
    return scores, cleaned


@pytest.fixture(scope="module")
def frames(spark):
    scores, cleaned = _rows()
    scores_df = spark.createDataFrame(scores, SCORES_SCHEMA)
    reference = reference_histograms(
        scores_df.filter(scores_df.tx_date < DRIFTED_DAY).select(*MONITORED_COLUMNS), MONITORED_COLUMNS
    )
    # Frauds from FIRST on, labelled 7 days late: no card is known compromised on the labelled days 1-3.
    reference[KNOWN_COMPROMISED_RULE] = KnownCompromisedRule(BLOCKED, FIRST).as_dict()
    return scores_df, spark.createDataFrame(cleaned, CLEANED_SCHEMA), reference


def test_drift_outcomes_and_breaches_per_day(frames):
    scores, cleaned, reference = frames
    asked = []

    def reference_of(model):
        asked.append(model)
        return reference

    report = monitor_scores(scores, cleaned, reference_of, 5, 7, Thresholds(0.2, 0.4, 0.05))
    assert asked == ["m/3"]
    assert report["as_of"] == "2019-10-10"
    assert [d["day"] for d in report["days"]] == [
        "2019-10-06",
        "2019-10-07",
        "2019-10-08",
        "2019-10-09",
        "2019-10-10",
    ]
    by_day = {d["day"]: d for d in report["days"]}
    # Labels arrive 7 days later: only days up to 2019-10-03 have them, none in this window.
    assert all(d["labels"] is None for d in report["days"])
    drifted = by_day["2019-10-10"]
    assert drifted["max_feature_psi_column"] == "tx_amount" and drifted["max_feature_psi"] > 1.0
    assert by_day["2019-10-06"]["max_feature_psi"] < 0.2
    assert report["status"] == "breach"
    assert any(b.startswith("2019-10-10: PSI of tx_amount") for b in report["breaches"])
    assert not any(b.startswith("2019-10-06") for b in report["breaches"])

    report = monitor_scores(scores, cleaned, reference_of, 10, 7, Thresholds(None, 0.4, 0.05))
    labelled = [d for d in report["days"] if d["labels"] is not None]
    assert [d["day"] for d in labelled] == ["2019-10-01", "2019-10-02", "2019-10-03"]
    first = labelled[0]["labels"]
    # ids 0..399: frauds every 10th (40), alerts on every 20th (20 frauds caught) and id % 50 == 1 (8 legit).
    assert (first["frauds"], first["missed_frauds"], first["false_alerts"]) == (40, 20, 8)
    assert first["fnr"] == pytest.approx(0.5) and first["fpr"] == pytest.approx(8 / 360)
    assert report["breaches"] == [f"2019-10-0{i}: realised FNR 50.00% > 40.00%" for i in (1, 2, 3)]
    # Not judged at all: no breach whatever the numbers.
    assert monitor_scores(scores, cleaned, reference_of, 10, 7, Thresholds())["status"] == "ok"


def test_no_scored_day_in_the_window_is_an_error(frames, spark):
    scores, cleaned, reference = frames
    later = cleaned.withColumn("tx_date", cleaned.tx_date + 60)
    with pytest.raises(ScoringInputError, match="no scored day in the 5 days up to 2019-12-09"):
        monitor_scores(scores, later, lambda _: reference, 5, 7, Thresholds())
    with pytest.raises(ScoringInputError, match="scores do not have the scoring job's schema"):
        monitor_scores(scores.drop("decision"), cleaned, lambda _: reference, 5, 7, Thresholds())
