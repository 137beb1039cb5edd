"""Monitoring's realised outcomes and the training job's business view are one measure: on the same rows and
decisions, with the rule recorded in the model's reference, they give the same per-day FNR, FPR, alerts and
missed-fraud amount (before, monitoring counted the rows of cards already known to be compromised too)."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from fraud_jobs.common.schemas import CLEANED_SCHEMA
from fraud_jobs.features import ALL_FEATURE_COLUMNS, FEATURE_COLUMNS
from fraud_jobs.monitor.checks import Thresholds
from fraud_jobs.monitor.reference import MONITORED_COLUMNS, reference_histograms
from fraud_jobs.monitor.references import MissingReferenceError
from fraud_jobs.monitor.run import monitor_scores
from fraud_jobs.score.frame import SCORES_SCHEMA
from fraud_jobs.train.evaluation import (
    BLOCKED,
    KNOWN_COMPROMISED_RULE,
    SCORE,
    BusinessSettings,
    KnownCompromisedRule,
    business_view,
)
from fraud_jobs.train.protocol import Protocol, split_flagged

START = dt.date(2019, 10, 12)
PROTOCOL = Protocol(START)  # train 10-12..18, gap, test 10-26..11-01
THRESHOLD = 0.7
DAYS = 28  # up to 11-08: the test days' labels (7 days late) have all arrived


def _rows():
    """40 cards, 3 rows a day; cards 0..9 have a fraud on a training day (known on the test days), and a few
    frauds of every card; known cards' rows score high, so counting them changes every rate."""
    rng = random.Random(3)
    scores, cleaned = [], []
    for index in range(DAYS * 40 * 3):
        day = START + dt.timedelta(days=index // 120)
        card = index % 40
        at = dt.datetime(day.year, day.month, day.day, 8 + index % 12)
        offset = (day - START).days
        fraud = int((card < 10 and offset == 2) or rng.random() < 0.08)
        score = min(1.0, rng.random() * 0.8 + (0.3 if card < 10 else 0.0) + (0.2 if fraud else 0.0))
        amount = round(rng.uniform(5, 200), 2)
        cleaned.append((index, at, card, 7, amount, 0, 0, fraud, fraud, day))
        if PROTOCOL.test_start <= day < PROTOCOL.test_end:
            features = {name: rng.random() for name in FEATURE_COLUMNS}
            features["tx_amount"] = amount
            decision = int(score > THRESHOLD)
            row = (
                index,
                at,
                card,
                7,
                *[features.get(n) for n in ALL_FEATURE_COLUMNS],  # a handbook model's columns
                score,
                decision,
                "m",
                "1",
                day,
            )
            scores.append(row)
    return scores, cleaned


def test_monitoring_counts_realised_outcomes_as_the_business_view_does(spark):
    scores_rows, cleaned_rows = _rows()
    cleaned = spark.createDataFrame(cleaned_rows, CLEANED_SCHEMA)
    scores = spark.createDataFrame(scores_rows, SCORES_SCHEMA)
    # The business view of the same rows: the score of each test row, flagged by the protocol.
    scored = split_flagged(
        cleaned.join(scores.select("transaction_id", SCORE), "transaction_id", "left"), PROTOCOL
    )[1]
    business = business_view(scored, THRESHOLD, PROTOCOL.test_days, BusinessSettings(BLOCKED)).metrics
    assert business["prevented_frauds"] > 0 and business["known_compromised_rows"] > 100

    reference = reference_histograms(scores.select(*MONITORED_COLUMNS))
    reference[KNOWN_COMPROMISED_RULE] = KnownCompromisedRule(BLOCKED, START).as_dict()
    report = monitor_scores(scores, cleaned, lambda _: reference, DAYS, 7, Thresholds())
    realised = {day["day"]: day["labels"] for day in report["days"]}
    assert sorted(realised) == [day["day"] for day in business["per_day"]]
    for day in business["per_day"]:
        labels = realised[day["day"]]
        assert (labels["fnr"], labels["fpr"], labels["alerts"]) == pytest.approx(
            (day["fnr"], day["fpr"], day["alerts"])
        )
        assert labels["known_compromised_policy"] == BLOCKED
    totals = {key: sum(labels[key] for labels in realised.values()) for key in ("prevented_frauds", "rows")}
    assert totals == {"prevented_frauds": business["prevented_frauds"], "rows": business["rows"]}
    missed = sum(labels["missed_fraud_amount"] for labels in realised.values())
    assert missed * 30 / PROTOCOL.test_days == pytest.approx(business["sample_monthly_damage"])

    # A version whose reference has no rule (trained before it was recorded) is an error, not a guess.
    del reference[KNOWN_COMPROMISED_RULE]
    with pytest.raises(MissingReferenceError, match="no known_compromised_rule"):
        monitor_scores(scores, cleaned, lambda _: reference, DAYS, 7, Thresholds())
