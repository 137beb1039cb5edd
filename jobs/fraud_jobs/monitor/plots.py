"""Plots of the monitored metrics' history (PNG, matplotlib, no display), from the report's days."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any, Dict, List

import matplotlib

matplotlib.use("Agg")  # headless drivers have no display
import matplotlib.pyplot as plt  # noqa: E402

from fraud_jobs.monitor.reference import SCORE  # noqa: E402


def _save(figure, path: str) -> str:
    figure.autofmt_xdate()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def render_history(report: Dict[str, Any], out_dir: str) -> List[str]:
    days = [dt.date.fromisoformat(d["day"]) for d in report["days"]]
    limits = report["thresholds"]
    paths = []
    figure, axes = plt.subplots(figsize=(9, 5))
    for name in sorted(report["days"][0]["psi"]):
        if name != SCORE:
            axes.plot(
                days, [d["psi"].get(name, float("nan")) for d in report["days"]], marker=".", label=name
            )
    if limits["max_psi"] is not None:
        axes.axhline(limits["max_psi"], color="red", linestyle="--", label="threshold")
    axes.set(title="feature PSI per scored day (vs the training reference)", ylabel="PSI")
    axes.legend(fontsize=6, ncol=2)
    paths.append(_save(figure, os.path.join(out_dir, "feature_psi.png")))

    figure, (psi_axes, rate_axes) = plt.subplots(2, 1, figsize=(7, 6), sharex=True)
    psi_axes.plot(days, [d["score_psi"] for d in report["days"]], marker="o")
    if limits["max_psi"] is not None:
        psi_axes.axhline(limits["max_psi"], color="red", linestyle="--")
    psi_axes.set(title="score PSI", ylabel="PSI")
    rate_axes.plot(days, [d["alert_rate"] for d in report["days"]], marker="o")
    rate_axes.set(title="alert rate", ylabel="alerts / rows")
    paths.append(_save(figure, os.path.join(out_dir, "score_psi_and_alerts.png")))

    labelled = [d for d in report["days"] if d["labels"] is not None]
    if labelled:
        figure, axes = plt.subplots(figsize=(7, 4))
        x = [dt.date.fromisoformat(d["day"]) for d in labelled]
        for key in ("fnr", "fpr"):
            line = axes.plot(x, [d["labels"][key] for d in labelled], marker="o", label=key.upper())[0]
            if limits["max_" + key] is not None:
                axes.axhline(limits["max_" + key], color=line.get_color(), linestyle="--")
        axes.set(title="realised FNR / FPR (days whose labels arrived)", ylabel="rate")
        axes.legend()
        paths.append(_save(figure, os.path.join(out_dir, "realised_rates.png")))
    return paths
