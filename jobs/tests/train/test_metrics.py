"""Metrics against small cases computed by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from fraud_jobs.train import metrics as m
from fraud_jobs.train.evaluation import evaluate

LABELS = [1, 0, 1, 0]
SCORES = [0.9, 0.8, 0.4, 0.1]


def test_auc_counts_correctly_ordered_pairs():
    # pairs (fraud, legit): (0.9, 0.8) (0.9, 0.1) (0.4, 0.1) right, (0.4, 0.8) wrong -> 3 / 4
    assert m.auc_roc(LABELS, SCORES) == pytest.approx(0.75)


def test_ties_count_half():
    assert m.auc_roc([1, 0], [0.5, 0.5]) == pytest.approx(0.5)
    assert m.auc_roc([1, 0, 0], [0.7, 0.7, 0.1]) == pytest.approx(0.75)


def test_average_precision_is_the_stepwise_sum():
    # recall 0.5 at precision 1 (score 0.9), recall 1 at precision 2/3 (score 0.4)
    assert m.average_precision(LABELS, SCORES) == pytest.approx(0.5 * 1 + 0.5 * 2 / 3)
    # a tie flags both at once: precision 1/2 at recall 1
    assert m.average_precision([1, 0], [0.5, 0.5]) == pytest.approx(0.5)


def test_ranking_metrics_need_both_classes():
    with pytest.raises(ValueError, match="both classes"):
        m.auc_roc([0, 0], [0.1, 0.2])


def test_card_precision_at_k_per_day_per_card_without_already_detected_cards():
    scored = pd.DataFrame(
        [
            # day 0: card 1 (max 0.9, fraud), card 2 (0.8, legit), card 3 (0.1, fraud) -> top 2 = {1, 2}: 1/2
            (0, 1, 0, 0.3),
            (0, 1, 1, 0.9),
            (0, 2, 0, 0.8),
            (0, 3, 1, 0.1),
            # day 1: card 1 was detected on day 0 and is left out; top 2 = {3, 4}: 1/2
            (1, 1, 1, 0.95),
            (1, 3, 1, 0.7),
            (1, 4, 0, 0.2),
            (1, 5, 0, 0.1),
        ],
        columns=["event_day", "customer_id", "tx_fraud", "score"],
    )
    assert m.card_precision_at_k(scored, k=2) == pytest.approx(0.5)
    # k above the number of cards still divides by k: day 0 finds cards 1 and 3 (2 / 4); both are then
    # left out of day 1, where cards 4 and 5 are legit (0 / 4)
    assert m.card_precision_at_k(scored, k=4) == pytest.approx((2 / 4 + 0 / 4) / 2)


def test_threshold_keeps_fpr_at_the_limit_and_maximises_recall():
    legit = [0.1 * i for i in range(1, 11)]
    labels, scores = [0] * 10 + [1, 1], legit + [0.85, 0.75]
    threshold = m.threshold_for_max_fpr(labels, scores, max_fpr=0.2)
    assert threshold == pytest.approx(0.8)
    fnr, fpr = m.error_rates(labels, scores, threshold)
    assert (fnr, fpr) == (pytest.approx(0.5), pytest.approx(0.2))


def test_error_rates_and_monthly_damage():
    labels, scores, amounts = [1, 1, 0], [0.9, 0.2, 0.6], [100.0, 50.0, 10.0]
    assert m.confusion(labels, scores, 0.5) == {"tp": 1, "fp": 1, "tn": 0, "fn": 1}
    assert m.error_rates(labels, scores, 0.5) == (0.5, 1.0)
    assert m.monthly_damage(labels, scores, amounts, 0.5, days=7) == pytest.approx(50.0 * 30 / 7)


def test_evaluate_reports_every_key_and_the_targets():
    scored = pd.DataFrame(
        {
            "event_day": [0, 0, 0, 1],
            "customer_id": [1, 2, 3, 4],
            "tx_fraud": [1, 0, 0, 1],
            "tx_amount": [600_000.0, 1.0, 1.0, 5.0],
            "score": [0.2, 0.1, 0.05, 0.9],
        }
    )
    got = evaluate(scored, threshold=0.15, test_days=30)
    assert got["auc_roc"] == 1.0
    assert (got["fnr"], got["fpr"]) == (0.0, 0.0)
    assert got["monthly_damage"] == 0.0
    assert got["meets_fnr_target"] and got["meets_fpr_target"] and got["meets_damage_target"]
    missed = evaluate(scored, threshold=0.5, test_days=30)
    assert missed["fnr"] == 0.5 and not missed["meets_fnr_target"]
    assert missed["monthly_damage"] == 600_000.0 and not missed["meets_damage_target"]
    assert missed["card_precision_at_100"] == pytest.approx((1 / 100 + 1 / 100) / 2)
