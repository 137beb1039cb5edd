"""Plots (PNG, matplotlib, no display) drawn from the aggregated curves of the evaluation, never from
scored rows: ROC and precision-recall (handbook view), then the business view's confusion counts, damage
and FNR/FPR against the threshold, and FNR/FPR per test day."""

from __future__ import annotations

import os
from typing import List

import matplotlib
import numpy as np

matplotlib.use("Agg")  # headless drivers have no display
import matplotlib.pyplot as plt  # noqa: E402

from fraud_jobs.train import metrics as m  # noqa: E402
from fraud_jobs.train.evaluation import DAYS_PER_MONTH, ViewResult  # noqa: E402

MAX_POINTS = 4000  # per drawn curve: enough for the eye, small files


def _thin(*arrays: np.ndarray):
    step = max(1, len(arrays[0]) // MAX_POINTS)
    return [np.r_[array[::step], array[-1:]] for array in arrays]


def _save(figure, path: str) -> str:
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def render_plots(handbook: ViewResult, business: ViewResult, out_dir: str) -> List[str]:
    threshold = business.metrics["threshold"]
    figure, axes = plt.subplots(figsize=(5, 5))
    fpr, tpr = _thin(*m.roc_curve(handbook.histogram))
    axes.plot(fpr, tpr, label="AUC {:.3f}".format(handbook.metrics["auc_roc"]))
    axes.plot([0, 1], [0, 1], linestyle="--", color="grey")
    axes.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC (test, handbook view)")
    axes.legend(loc="lower right")
    paths = [_save(figure, os.path.join(out_dir, "roc_curve.png"))]

    figure, axes = plt.subplots(figsize=(5, 5))
    precision, recall = _thin(*m.precision_recall_curve(handbook.histogram))
    average_precision = handbook.metrics["average_precision"]
    axes.step(recall, precision, where="post", label=f"AP {average_precision:.3f}")
    axes.set(xlabel="recall", ylabel="precision", title="Precision-recall (test, handbook view)")
    axes.set_ylim(0, 1.02)
    axes.legend(loc="lower left")
    paths.append(_save(figure, os.path.join(out_dir, "precision_recall_curve.png")))

    totals = {key: sum(day[key] for day in business.days) for key in ("frauds", "legit", "alerts")}
    false_alerts = sum(day["false_alerts"] for day in business.days)
    missed = sum(day["missed_frauds"] for day in business.days)
    blocked_legit = sum(day["blocked_legit"] for day in business.days)
    grid = [
        [totals["legit"] - blocked_legit - false_alerts, false_alerts],
        [missed, totals["frauds"] - missed],
    ]
    figure, axes = plt.subplots(figsize=(4.5, 4))
    axes.imshow(grid, cmap="Blues")
    for row in range(2):
        for column in range(2):
            axes.text(column, row, str(grid[row][column]), ha="center", va="center", color="black")
    axes.set(
        xticks=[0, 1],
        yticks=[0, 1],
        xticklabels=["legit", "fraud"],
        yticklabels=["legit", "fraud"],
        xlabel="predicted (frauds of blocked cards: prevented)",
        ylabel="actual",
        title=f"Business view at threshold {threshold:.4f}",
    )
    paths.append(_save(figure, os.path.join(out_dir, "confusion_matrix.png")))

    curves = m.error_curves(business.histogram)
    flagged_from, fnr, fpr, missed_amount = _thin(
        curves.lowest_flagged_score[1:], curves.fnr[1:], curves.fpr[1:], curves.missed_amount[1:]
    )
    days = business.metrics["rows"] / business.metrics["sample_rows_per_day"]
    scale = business.metrics["volume_scale"] or 1.0
    figure, (rates, damage) = plt.subplots(2, 1, figsize=(6, 7), sharex=True)
    rates.plot(flagged_from, fnr, label="FNR")
    rates.plot(flagged_from, fpr, label="FPR")
    rates.axvline(threshold, color="grey", linestyle="--", label="threshold")
    rates.set(xscale="logit", ylabel="rate", title="Business view against the threshold")
    rates.legend()
    damage.plot(flagged_from, missed_amount * DAYS_PER_MONTH / days * scale)
    damage.axhline(m.MAX_MONTHLY_DAMAGE, color="red", linestyle=":", label="target")
    damage.axvline(threshold, color="grey", linestyle="--")
    damage.set(
        xscale="logit",
        xlabel="threshold (score)",
        ylabel="missed damage / 30 days" + (" (real volume)" if business.metrics["volume_scale"] else ""),
        yscale="symlog",
    )
    damage.legend()
    paths.append(_save(figure, os.path.join(out_dir, "operating_curve.png")))

    per_day = business.metrics["per_day"]
    figure, axes = plt.subplots(figsize=(6, 4))
    labels = [day["day"] for day in per_day]
    axes.plot(labels, [day["fnr"] for day in per_day], marker="o", label="FNR")
    axes.plot(labels, [day["fpr"] for day in per_day], marker="o", label="FPR")
    axes.axhline(m.MAX_FNR, color="C0", linestyle=":")
    axes.axhline(m.MAX_FPR, color="C1", linestyle=":")
    axes.set(ylabel="rate", title="Business view per test day")
    axes.tick_params(axis="x", rotation=45)
    axes.legend()
    paths.append(_save(figure, os.path.join(out_dir, "per_day_rates.png")))
    return paths
