"""ROC and precision-recall curves and the confusion matrix as PNG files (matplotlib, no display)."""

from __future__ import annotations

import os
from typing import List

import matplotlib

matplotlib.use("Agg")  # headless drivers have no display
import matplotlib.pyplot as plt  # noqa: E402

from fraud_jobs.train import metrics as m  # noqa: E402


def _save(figure, path: str) -> str:
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def render_plots(labels, scores, threshold: float, out_dir: str) -> List[str]:
    figure, axes = plt.subplots(figsize=(5, 5))
    fpr, tpr = m.roc_curve(labels, scores)
    axes.plot(fpr, tpr, label=f"AUC {m.auc_roc(labels, scores):.3f}")
    axes.plot([0, 1], [0, 1], linestyle="--", color="grey")
    axes.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC (test)")
    axes.legend(loc="lower right")
    paths = [_save(figure, os.path.join(out_dir, "roc_curve.png"))]

    figure, axes = plt.subplots(figsize=(5, 5))
    precision, recall = m.precision_recall_curve(labels, scores)
    axes.step(recall, precision, where="post", label=f"AP {m.average_precision(labels, scores):.3f}")
    axes.set(xlabel="recall", ylabel="precision", title="Precision-recall (test)", ylim=(0, 1.02))
    axes.legend(loc="lower left")
    paths.append(_save(figure, os.path.join(out_dir, "precision_recall_curve.png")))

    counts = m.confusion(labels, scores, threshold)
    figure, axes = plt.subplots(figsize=(4.5, 4))
    grid = [[counts["tn"], counts["fp"]], [counts["fn"], counts["tp"]]]
    axes.imshow(grid, cmap="Blues")
    for row in range(2):
        for column in range(2):
            axes.text(column, row, str(grid[row][column]), ha="center", va="center", color="black")
    axes.set(
        xticks=[0, 1],
        yticks=[0, 1],
        xticklabels=["legit", "fraud"],
        yticklabels=["legit", "fraud"],
        xlabel="predicted",
        ylabel="actual",
        title=f"Confusion at threshold {threshold:.4f}",
    )
    paths.append(_save(figure, os.path.join(out_dir, "confusion_matrix.png")))
    return paths
