"""Metrics from score histograms against small cases computed by hand (exact histograms: one bin per
distinct score)."""

from __future__ import annotations

import numpy as np
import pytest

from fraud_jobs.train import metrics as m

LABELS = [1, 0, 1, 0]
SCORES = [0.9, 0.8, 0.4, 0.1]


def exact(labels, scores, amounts=None):
    return m.histogram_of(labels, scores, amounts)


def test_auc_counts_correctly_ordered_pairs():
    # pairs (fraud, legit): (0.9, 0.8) (0.9, 0.1) (0.4, 0.1) right, (0.4, 0.8) wrong -> 3 / 4
    assert m.auc_roc(exact(LABELS, SCORES)) == pytest.approx(0.75)


def test_ties_count_half():
    assert m.auc_roc(exact([1, 0], [0.5, 0.5])) == pytest.approx(0.5)
    assert m.auc_roc(exact([1, 0, 0], [0.7, 0.7, 0.1])) == pytest.approx(0.75)


def test_average_precision_is_the_stepwise_sum():
    # recall 0.5 at precision 1 (score 0.9), recall 1 at precision 2/3 (score 0.4)
    assert m.average_precision(exact(LABELS, SCORES)) == pytest.approx(0.5 * 1 + 0.5 * 2 / 3)
    # a tie flags both at once: precision 1/2 at recall 1
    assert m.average_precision(exact([1, 0], [0.5, 0.5])) == pytest.approx(0.5)


def test_ranking_metrics_need_both_classes():
    with pytest.raises(ValueError, match="both classes"):
        m.auc_roc(exact([0, 0], [0.1, 0.2]))


def test_coarse_bins_stay_within_their_error_bounds():
    rng = np.random.default_rng(7)
    labels = (rng.random(5000) < 0.1).astype(int)
    scores = rng.random(5000) * 0.5 + labels * rng.random(5000) * 0.5
    fine = exact(labels, scores)
    coarse = exact(labels, np.floor(scores * 50) / 50)  # 50 bins: large, visible errors
    auc_error = abs(m.auc_roc(coarse) - m.auc_roc(fine))
    ap_error = abs(m.average_precision(coarse) - m.average_precision(fine))
    assert 0 < auc_error <= m.auc_roc_error_bound(coarse)
    assert 0 < ap_error <= m.average_precision_error_bound(coarse)


def test_error_curves_fnr_fpr_and_missed_amount_per_cut():
    h = exact([1, 1, 0, 0], [0.9, 0.2, 0.6, 0.1], [100.0, 50.0, 1.0, 1.0])
    curves = m.error_curves(h)
    # cuts: nothing, >=0.9, >=0.6, >=0.2, everything
    assert list(curves.fnr) == [1.0, 0.5, 0.5, 0.0, 0.0]
    assert list(curves.fpr) == [0.0, 0.0, 0.5, 0.5, 1.0]
    assert list(curves.missed_amount) == [150.0, 50.0, 50.0, 0.0, 0.0]
    assert m.fnr_at_fpr(curves, 0.05) == 0.5
    assert m.fpr_at_fnr(curves, 0.02) == 0.5


def test_prevented_frauds_count_as_caught_at_every_cut():
    h = exact([1, 0], [0.9, 0.1])
    blocked = m.ScoreHistogram(h.frauds, h.legit, h.fraud_amount, h.low_score, prevented_frauds=3)
    assert list(m.error_curves(blocked).fnr) == [0.25, 0.0, 0.0]
