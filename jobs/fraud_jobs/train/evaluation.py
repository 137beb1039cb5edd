"""All the metrics of one scored test set, as the flat dictionary written to --metrics-out."""

from __future__ import annotations

from typing import Dict, Union

import pandas as pd

from fraud_jobs.train import metrics as m

Metrics = Dict[str, Union[float, int, bool]]


def evaluate(scored: pd.DataFrame, threshold: float, test_days: int) -> Metrics:
    """scored columns: event_day, customer_id, tx_fraud, tx_amount, score."""
    labels, scores = scored["tx_fraud"].to_numpy(), scored["score"].to_numpy()
    fnr, fpr = m.error_rates(labels, scores, threshold)
    damage = m.monthly_damage(labels, scores, scored["tx_amount"].to_numpy(), threshold, test_days)
    return {
        "auc_roc": m.auc_roc(labels, scores),
        "average_precision": m.average_precision(labels, scores),
        "card_precision_at_100": m.card_precision_at_k(scored, 100),
        "threshold": threshold,
        "fnr": fnr,
        "fpr": fpr,
        "monthly_damage": damage,
        "meets_fnr_target": fnr < m.MAX_FNR,
        "meets_fpr_target": fpr < m.MAX_FPR,
        "meets_damage_target": damage < m.MAX_MONTHLY_DAMAGE,
        "test_transactions": int(len(scored)),
        "test_frauds": int(labels.sum()),
    }
