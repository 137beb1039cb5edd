"""Plots (PNG, matplotlib, no display) of the data-quality report, drawn from its aggregates only."""

from __future__ import annotations

import os
from typing import Any, List, Mapping

import matplotlib
import numpy as np

matplotlib.use("Agg")  # headless drivers have no display
import matplotlib.pyplot as plt  # noqa: E402

from fraud_jobs.clean.rules import DROP_RULES, FIXES  # noqa: E402

PER_MILLION = 1e6


def _save(figure, out_dir: str, name: str) -> str:
    path = os.path.join(out_dir, name)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def rule_shares_per_file(report: Mapping[str, Any], out_dir: str) -> str:
    """Heat map of rows per million read, per file (rows) and rule (columns); each cell shows its count."""
    files = report["per_file"]
    rules = [*DROP_RULES, *FIXES]
    counts = np.array([[entry["dropped"].get(r, entry["fixed"].get(r, 0)) for r in rules] for entry in files])
    read = np.array([max(entry["rows_read"], 1) for entry in files], dtype=float)
    shares = PER_MILLION * counts / read[:, None] if len(files) else np.zeros((0, len(rules)))
    figure, axes = plt.subplots(figsize=(1.2 * len(rules) + 3, 0.35 * len(files) + 2))
    shade = np.log10(1 + shares)
    image = axes.imshow(shade, aspect="auto", cmap="Reds")
    axes.set_xticks(range(len(rules)))
    labels = [f"{rule}\n({'fix' if rule in FIXES else 'drop'})" for rule in rules]
    axes.set_xticklabels(labels, rotation=30, ha="right")
    axes.set_yticks(range(len(files)))
    axes.set_yticklabels([entry["file"] for entry in files])
    if len(files) <= 60:  # labels stay legible up to a few dozen files (the real data has 40)
        dark = image.norm(shade) > 0.6  # white labels on the darkest cells
        for (row, column), count in np.ndenumerate(counts):
            color = "white" if dark[row, column] else "black"
            axes.text(column, row, str(count), ha="center", va="center", fontsize=7, color=color)
    figure.colorbar(image, ax=axes, label="log10(1 + rows per\nmillion read)")
    axes.set_title("Rows per rule and input file (label: count)")
    return _save(figure, out_dir, "rule_counts_per_file.png")


def column_distributions(report: Mapping[str, Any], out_dir: str) -> str:
    """The approximate CDF (percentiles 0..100) of each column that has one (QUANTILE_COLUMNS)."""
    numeric = {name: stats for name, stats in report["cleaned"]["columns"].items() if stats.get("cdf")}
    panels = max(len(numeric), 1)
    cols = min(panels, 4)
    rows = (panels + cols - 1) // cols
    figure, grid = plt.subplots(rows, cols, figsize=(5 * cols, 3.5 * rows), squeeze=False)
    levels = np.linspace(0, 100, 101)
    for axes, (name, stats) in zip(grid.flat, numeric.items()):
        axes.plot(stats["cdf"], levels)
        if stats["cdf"][0] > 0:  # amounts span 4 orders of magnitude; the fraud tail would squash the rest
            axes.set_xscale("log")
        axes.set(title=f"{name} (p50 {stats['quantiles']['p50']})", xlabel="value", ylabel="percentile")
        axes.grid(alpha=0.3)
    for axes in list(grid.flat)[len(numeric) :]:
        axes.axis("off")
    figure.suptitle("Cleaned columns: approximate CDF (written partitions)")
    return _save(figure, out_dir, "column_distributions.png")


def rows_per_day(report: Mapping[str, Any], out_dir: str) -> str:
    """Cleaned rows per day and the fraud share per day (written partitions)."""
    days = report["rows_per_day"]
    dates = np.array([day["date"] for day in days], dtype="datetime64[D]")
    rows = np.array([day["rows"] for day in days], dtype=float)
    fraud = np.array([day["fraud_rows"] for day in days], dtype=float)
    figure, axes = plt.subplots(figsize=(10, 4))
    axes.plot(dates, rows, color="tab:blue")
    axes.set_ylabel("cleaned rows", color="tab:blue")
    share = axes.twinx()
    share.plot(dates, 100 * fraud / np.maximum(rows, 1), color="tab:red")
    share.set_ylabel("fraud share, %", color="tab:red")
    axes.set_title("Cleaned rows and fraud share per day")
    figure.autofmt_xdate()
    return _save(figure, out_dir, "rows_per_day.png")


def render_quality_plots(report: Mapping[str, Any], out_dir: str) -> List[str]:
    return [plot(report, out_dir) for plot in (rule_shares_per_file, column_distributions, rows_per_day)]
