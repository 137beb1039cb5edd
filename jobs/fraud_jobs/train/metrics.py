"""Ranking and business metrics from a score histogram: transactions aggregated into score bins (in Spark,
see evaluation.py), highest scores first. Only the bins reach the driver, never the scored rows.

Flagging goes bin by bin from the top, so rows sharing a bin count as tied. With one bin per distinct
score (`histogram_of`) the metrics are exact; with coarser bins the error is at most the bound returned
by `auc_roc_error_bound` / `average_precision_error_bound`, computed from the same bins.

A transaction is flagged as fraud when its score is strictly above the threshold."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Tuple

import numpy as np

# Business targets (the course's): missed frauds, false alarms, missed-fraud damage per 30 days.
MAX_FNR = 0.02
MAX_FPR = 0.05
MAX_MONTHLY_DAMAGE = 500_000.0


@dataclass(frozen=True)
class ScoreHistogram:
    """Per bin, highest scores first: frauds, legitimate transactions, fraud amount and the lowest score.
    `prevented_frauds` (and their amount) are caught whatever the threshold: frauds on cards already
    blocked because they were known to be compromised."""

    frauds: np.ndarray
    legit: np.ndarray
    fraud_amount: np.ndarray
    low_score: np.ndarray
    prevented_frauds: int = 0
    prevented_amount: float = 0.0

    @property
    def total_frauds(self) -> int:
        return int(self.frauds.sum()) + self.prevented_frauds


def histogram_of(labels, scores, amounts=None) -> ScoreHistogram:
    """Exact histogram of in-memory scores: one bin per distinct score."""
    labels, scores = np.asarray(labels, dtype="int64"), np.asarray(scores, dtype="float64")
    amounts = np.zeros(len(scores)) if amounts is None else np.asarray(amounts, dtype="float64")
    distinct, group = np.unique(-scores, return_inverse=True)
    frauds = np.bincount(group, weights=labels, minlength=len(distinct))
    total = np.bincount(group, minlength=len(distinct))
    amount = np.bincount(group, weights=amounts * labels, minlength=len(distinct))
    return ScoreHistogram(frauds.astype("int64"), (total - frauds).astype("int64"), amount, -distinct)


def _cumulative(h: ScoreHistogram) -> Tuple[np.ndarray, np.ndarray]:
    """True and false positives after flagging each bin (the model's own flags, prevented frauds apart)."""
    if len(h.frauds) == 0 or h.frauds.sum() == 0 or h.legit.sum() == 0:
        raise ValueError("both classes are needed to compute ranking metrics")
    return np.cumsum(h.frauds), np.cumsum(h.legit)


def roc_curve(h: ScoreHistogram) -> Tuple[np.ndarray, np.ndarray]:
    tp, fp = _cumulative(h)
    return np.r_[0.0, fp / fp[-1]], np.r_[0.0, tp / tp[-1]]


def auc_roc(h: ScoreHistogram) -> float:
    fpr, tpr = roc_curve(h)
    # Trapezoids: the pairs inside a bin count half, as ties do in the Mann-Whitney statistic.
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2.0))


def auc_roc_error_bound(h: ScoreHistogram) -> float:
    """A (fraud, legit) pair inside one bin counts 1/2 but is really ordered one way or the other."""
    return float(np.sum(h.frauds * h.legit) / (2.0 * h.frauds.sum() * h.legit.sum()))


def precision_recall_curve(h: ScoreHistogram) -> Tuple[np.ndarray, np.ndarray]:
    tp, fp = _cumulative(h)
    return tp / (tp + fp), tp / tp[-1]


def average_precision(h: ScoreHistogram) -> float:
    """Sum over thresholds of (recall gain) x precision: the step-wise definition, no interpolation."""
    precision, recall = precision_recall_curve(h)
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def average_precision_error_bound(h: ScoreHistogram) -> float:
    """Inside a bin, whatever the order of its rows, each fraud's precision lies between
    (tp0 + 1) / (n0 + bin rows) and (tp0 + bin frauds) / (n0 + bin frauds), tp0 and n0 counted before
    the bin; the bin's own precision lies in that range too."""
    tp, fp = _cumulative(h)
    tp0, n0 = tp - h.frauds, tp + fp - h.frauds - h.legit
    has_fraud = h.frauds > 0
    high = (tp0 + h.frauds)[has_fraud] / (n0 + h.frauds)[has_fraud]
    low = (tp0 + 1)[has_fraud] / (n0 + h.frauds + h.legit)[has_fraud]
    return float(np.sum(h.frauds[has_fraud] * (high - low)) / tp[-1])


@dataclass(frozen=True)
class ErrorCurves:
    """FNR, FPR and missed-fraud amount at each cut: index 0 flags nothing, index i flags bins 0..i-1,
    whose lowest score is `lowest_flagged_score[i]`."""

    fnr: np.ndarray
    fpr: np.ndarray
    missed_amount: np.ndarray
    lowest_flagged_score: np.ndarray


def error_curves(h: ScoreHistogram) -> ErrorCurves:
    tp, fp = _cumulative(h)
    tp, fp = np.r_[0, tp], np.r_[0, fp]
    missed_amount = h.fraud_amount.sum() - np.r_[0.0, np.cumsum(h.fraud_amount)]
    return ErrorCurves(
        fnr=(h.frauds.sum() - tp) / h.total_frauds,
        fpr=fp / fp[-1],
        missed_amount=missed_amount,
        lowest_flagged_score=np.r_[np.inf, h.low_score],
    )


def fnr_at_fpr(curves: ErrorCurves, max_fpr: float) -> float:
    """FNR at the deepest cut whose FPR stays at or under max_fpr."""
    return float(curves.fnr[curves.fpr <= max_fpr].min())


def fpr_at_fnr(curves: ErrorCurves, max_fnr: float) -> float:
    """FPR at the shallowest cut whose FNR is at or under max_fnr (flagging everything reaches FNR 0)."""
    return float(curves.fpr[curves.fnr <= max_fnr].min())
