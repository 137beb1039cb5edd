"""Evaluation in Spark: binned metrics against the exact computation, CP@k, the two views, the policy for
cards already known to be compromised, and the scaling to the real volume."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fraud_jobs.train import evaluation as ev
from fraud_jobs.train import metrics as m

DAY0 = 18000  # an epoch day


def frame(spark, rows):
    columns = ["event_day", "customer_id", "tx_fraud", "tx_amount", "score", "known_compromised"]
    return spark.createDataFrame(pd.DataFrame(rows, columns=columns))


@pytest.mark.parametrize("rows, fraud_rate", [(20_000, 0.06), (100_000, 0.01)])
def test_binned_auc_and_ap_within_1e4_of_the_exact_values(spark, rows, fraud_rate):
    rng = np.random.default_rng(rows)
    labels = (rng.random(rows) < fraud_rate).astype(int)
    scores = 1 / (1 + np.exp(-(rng.normal(-4, 1.5, rows) + labels * rng.normal(3, 2, rows))))
    scored = pd.DataFrame(
        {
            "event_day": DAY0 + rng.integers(0, 7, rows),
            "customer_id": rng.integers(0, rows // 5, rows),
            "tx_fraud": labels,
            "tx_amount": rng.random(rows) * 100,
            "score": scores,
            "known_compromised": False,
        }
    )
    binned = ev.score_histogram(spark.createDataFrame(scored))
    reference = m.histogram_of(labels, scores)
    auc_error = abs(m.auc_roc(binned) - m.auc_roc(reference))
    ap_error = abs(m.average_precision(binned) - m.average_precision(reference))
    assert auc_error <= m.auc_roc_error_bound(binned) <= 1e-4
    assert ap_error <= m.average_precision_error_bound(binned) <= 1e-4


def test_card_precision_at_k_per_day_per_card_without_already_detected_cards(spark):
    scored = frame(
        spark,
        [
            # day 0: card 1 (max 0.9, fraud), card 2 (0.8, legit), card 3 (0.1, fraud) -> top 2 = {1, 2}: 1/2
            (DAY0, 1, 0, 1.0, 0.3, False),
            (DAY0, 1, 1, 1.0, 0.9, False),
            (DAY0, 2, 0, 1.0, 0.8, False),
            (DAY0, 3, 1, 1.0, 0.1, False),
            # day 1: card 1 was detected on day 0 and is left out; top 2 = {3, 4}: 1/2
            (DAY0 + 1, 1, 1, 1.0, 0.95, False),
            (DAY0 + 1, 3, 1, 1.0, 0.7, False),
            (DAY0 + 1, 4, 0, 1.0, 0.2, False),
            (DAY0 + 1, 5, 0, 1.0, 0.1, False),
        ],
    )
    assert ev.card_precision_at_k(scored, k=2) == pytest.approx(0.5)
    # k above the number of cards still divides by k: day 0 finds cards 1 and 3 (2 / 4); both are then
    # left out of day 1, where cards 4 and 5 are legit (0 / 4)
    assert ev.card_precision_at_k(scored, k=4) == pytest.approx((2 / 4 + 0 / 4) / 2)


def test_card_precision_reaches_past_the_first_k_cards_once_earlier_days_detected_some(spark):
    # k = 1: day 0 detects card 1; on day 1 card 1 ranks first again but is left out, card 2 (fraud) counts
    scored = frame(
        spark,
        [
            (DAY0, 1, 1, 1.0, 0.9, False),
            (DAY0, 2, 0, 1.0, 0.1, False),
            (DAY0 + 1, 1, 1, 1.0, 0.9, False),
            (DAY0 + 1, 2, 1, 1.0, 0.5, False),
        ],
    )
    assert ev.card_precision_at_k(scored, k=1) == pytest.approx(1.0)


# Card 9 is known to be compromised: one fraud (amount 70) and one legitimate row, both with low scores.
VIEWS = [
    (DAY0, 1, 1, 100.0, 0.9, False),
    (DAY0, 2, 1, 50.0, 0.2, False),  # missed
    (DAY0, 3, 0, 1.0, 0.6, False),  # false alert
    (DAY0, 4, 0, 1.0, 0.1, False),
    (DAY0 + 1, 9, 1, 70.0, 0.1, True),
    (DAY0 + 1, 9, 0, 1.0, 0.05, True),
    (DAY0 + 1, 5, 0, 1.0, 0.3, False),
    (DAY0 + 1, 6, 0, 1.0, 0.05, False),
]


def test_handbook_view_leaves_out_known_cards_and_counts_them(spark):
    view = ev.handbook_view(frame(spark, VIEWS), threshold=0.5, test_days=2)
    assert view.metrics["test_transactions"] == 6 and view.metrics["test_frauds"] == 2
    assert (view.metrics["fnr"], view.metrics["fpr"]) == (0.5, 0.25)
    assert view.metrics["monthly_damage"] == pytest.approx(50.0 * 30 / 2)


def test_business_view_blocked_policy_counts_every_row_and_prevents_known_frauds(spark):
    settings = ev.BusinessSettings(ev.BLOCKED, population_rows_per_day=400.0)
    got = ev.business_view(frame(spark, VIEWS), threshold=0.5, test_days=2, settings=settings).metrics
    assert got["rows"] == 8 and got["frauds"] == 3 and got["prevented_frauds"] == 1
    assert got["known_compromised_rows"] == 2
    # missed: card 2 only, over all 3 frauds; false alerts: card 3, over the 4 legit rows the model judged
    assert (got["fnr"], got["fpr"]) == (pytest.approx(1 / 3), 0.25)
    # 8 rows over 2 days = 4 a day; the real traffic has 400: x100
    assert got["volume_scale"] == pytest.approx(100.0)
    assert got["sample_monthly_damage"] == pytest.approx(50.0 * 30 / 2)
    assert got["monthly_damage"] == pytest.approx(50.0 * 30 / 2 * 100)
    assert got["alerts_per_day"] == pytest.approx(2 / 2 * 100)
    assert got["meets_damage_target"] is True
    assert [day["day"] for day in got["per_day"]] == ["2019-04-14", "2019-04-15"]


def test_business_view_scored_policy_judges_known_cards_by_the_model(spark):
    settings = ev.BusinessSettings(ev.SCORED, population_rows_per_day=400.0)
    got = ev.business_view(frame(spark, VIEWS), threshold=0.5, test_days=2, settings=settings).metrics
    assert got["prevented_frauds"] == 0
    # card 9's fraud is now missed (2 of 3), its legit row one more judged legit (1 false alert of 5)
    assert (got["fnr"], got["fpr"]) == (pytest.approx(2 / 3), pytest.approx(1 / 5))
    assert got["sample_monthly_damage"] == pytest.approx((50.0 + 70.0) * 30 / 2)


def test_damage_target_is_not_judged_when_the_real_volume_is_unknown(spark):
    # On the sample alone the damage (750 / 30 days) is far below the target: it must not read as met.
    settings = ev.BusinessSettings(ev.BLOCKED, population_rows_per_day=None)
    got = ev.business_view(frame(spark, VIEWS), threshold=0.5, test_days=2, settings=settings).metrics
    assert got["volume_scale"] is None and got["monthly_damage"] is None and got["alerts_per_day"] is None
    assert got["meets_damage_target"] is None


def test_legit_score_quantile_gives_the_target_false_positive_rate(spark):
    rng = np.random.default_rng(1)
    rows = [(DAY0, i, 0, 1.0, float(s), False) for i, s in enumerate(rng.random(20_000))]
    rows += [(DAY0, 10**6 + i, 1, 1.0, 0.999, False) for i in range(500)]
    scored = frame(spark, rows)
    threshold = ev.legit_score_quantile(scored, 0.95)
    got = ev.daily_counts(scored, threshold)[0]
    assert got["false_alerts"] / got["legit"] == pytest.approx(0.05, abs=2e-4)
