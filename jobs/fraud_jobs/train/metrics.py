"""Evaluation metrics on scored transactions (numpy, on the driver): the handbook's AUC ROC, average
precision and card precision@k, and the business view at a decision threshold.

A transaction is flagged as fraud when its score is strictly above the threshold."""

from __future__ import annotations

from typing import Dict, Tuple

import numpy as np
import pandas as pd

# Business targets (the course's): missed frauds, false alarms, missed-fraud damage per 30 days.
MAX_FNR = 0.02
MAX_FPR = 0.05
MAX_MONTHLY_DAMAGE = 500_000.0


def _tie_groups(labels: np.ndarray, scores: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Cumulative true and false positives when flagging from the highest score down, one point per
    distinct score (tied scores are flagged together)."""
    order = np.argsort(-scores, kind="mergesort")
    sorted_scores, sorted_labels = scores[order], labels[order]
    last_of_group = np.r_[np.nonzero(np.diff(sorted_scores))[0], len(sorted_scores) - 1]
    true_positives = np.cumsum(sorted_labels)[last_of_group]
    false_positives = last_of_group + 1 - true_positives
    return true_positives, false_positives


def _check(labels: np.ndarray, scores: np.ndarray) -> None:
    if len(labels) != len(scores) or len(labels) == 0:
        raise ValueError("labels and scores must be non-empty and of the same length")
    if labels.sum() == 0 or labels.sum() == len(labels):
        raise ValueError("both classes are needed to compute ranking metrics")


def roc_curve(labels, scores) -> Tuple[np.ndarray, np.ndarray]:
    labels, scores = np.asarray(labels, dtype="int64"), np.asarray(scores, dtype="float64")
    _check(labels, scores)
    tp, fp = _tie_groups(labels, scores)
    return np.r_[0.0, fp / fp[-1]], np.r_[0.0, tp / tp[-1]]


def auc_roc(labels, scores) -> float:
    fpr, tpr = roc_curve(labels, scores)
    # Trapezoids: a group of tied scores counts half, as in the Mann-Whitney statistic.
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2.0))


def precision_recall_curve(labels, scores) -> Tuple[np.ndarray, np.ndarray]:
    labels, scores = np.asarray(labels, dtype="int64"), np.asarray(scores, dtype="float64")
    _check(labels, scores)
    tp, fp = _tie_groups(labels, scores)
    return tp / (tp + fp), tp / tp[-1]


def average_precision(labels, scores) -> float:
    """Sum over thresholds of (recall gain) x precision: the step-wise definition, no interpolation."""
    precision, recall = precision_recall_curve(labels, scores)
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def card_precision_at_k(scored: pd.DataFrame, k: int = 100) -> float:
    """Handbook's CP@k: each day, rank cards by their highest score, take the top k, count the compromised
    ones (a card is compromised that day if any of its transactions is fraud), divide by k; cards detected
    on an earlier day are left out of later days; the mean over days. Ties are ranked by card id.
    `scored` columns: event_day, customer_id, tx_fraud, score."""
    detected: set = set()
    per_day = []
    for day in sorted(scored["event_day"].unique()):
        today = scored[(scored["event_day"] == day) & ~scored["customer_id"].isin(detected)]
        cards = today.groupby("customer_id", as_index=False).agg(
            score=("score", "max"), fraud=("tx_fraud", "max")
        )
        top = cards.sort_values(["score", "customer_id"], ascending=[False, True]).head(k)
        found = top.loc[top["fraud"] == 1, "customer_id"]
        per_day.append(len(found) / float(k))
        detected.update(found.tolist())
    if not per_day:
        raise ValueError("no scored transactions: card precision needs at least one test day")
    return float(np.mean(per_day))


def threshold_for_max_fpr(labels, scores, max_fpr: float = MAX_FPR) -> float:
    """The lowest threshold (so the highest recall) whose false-positive rate stays at or under max_fpr."""
    labels, scores = np.asarray(labels, dtype="int64"), np.asarray(scores, dtype="float64")
    legit = np.sort(scores[labels == 0])[::-1]
    if len(legit) == 0:
        raise ValueError("no legitimate transactions to calibrate the threshold on")
    allowed = int(np.floor(max_fpr * len(legit)))
    if allowed >= len(legit):
        return float(np.min(scores)) - 1.0
    # Flagging strictly above the (allowed + 1)-th highest legit score flags at most `allowed` legits.
    return float(legit[allowed])


def confusion(labels, scores, threshold: float) -> Dict[str, int]:
    labels = np.asarray(labels, dtype="int64")
    flagged = np.asarray(scores, dtype="float64") > threshold
    return {
        "tp": int(np.sum(flagged & (labels == 1))),
        "fp": int(np.sum(flagged & (labels == 0))),
        "tn": int(np.sum(~flagged & (labels == 0))),
        "fn": int(np.sum(~flagged & (labels == 1))),
    }


def error_rates(labels, scores, threshold: float) -> Tuple[float, float]:
    """(FNR, FPR) at the threshold; 0.0 for a class that is absent."""
    counts = confusion(labels, scores, threshold)
    positives, negatives = counts["tp"] + counts["fn"], counts["tn"] + counts["fp"]
    fnr = counts["fn"] / positives if positives else 0.0
    fpr = counts["fp"] / negatives if negatives else 0.0
    return fnr, fpr


def monthly_damage(labels, scores, amounts, threshold: float, days: int) -> float:
    """Amount of the missed frauds, scaled from `days` to 30 days."""
    missed = (np.asarray(labels) == 1) & ~(np.asarray(scores, dtype="float64") > threshold)
    return float(np.asarray(amounts, dtype="float64")[missed].sum() * 30.0 / days)
