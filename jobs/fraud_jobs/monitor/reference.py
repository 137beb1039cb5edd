"""Reference histograms of the model inputs and the score, and the same bins counted on scored days.

Bins are cut at the deciles of the training window (unique values only: a binary flag gets two bins);
bin i holds edges[i-1] < x <= edges[i]. Everything is counted in Spark with column expressions; only
counts per (group, column, bin) reach the driver."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from fraud_jobs.features import FEATURE_COLUMNS

SCORE = "score"
MONITORED_COLUMNS = [*FEATURE_COLUMNS, SCORE]
# Stored inside the logged model's folder, so it travels with the model version.
REFERENCE_ARTIFACT = "model/reference_histograms.json"
DECILES = [i / 10.0 for i in range(1, 10)]


def bin_index(column: Column, edges: Sequence[float]) -> Column:
    """0 .. len(edges): how many edges the value lies above."""
    index: Column = F.lit(0)
    for edge in edges:
        index = index + (column > F.lit(float(edge))).cast("int")
    return index


def bin_counts(
    df: DataFrame, edges: Dict[str, List[float]], group: Optional[str] = None
) -> Dict[Tuple[Any, str], np.ndarray]:
    """{(group value or None, column): counts per bin} in one Spark pass over df."""
    pairs = F.explode(
        F.array(
            *[
                F.struct(F.lit(name).alias("column"), bin_index(F.col(name), cut).alias("bin"))
                for name, cut in edges.items()
            ]
        )
    )
    keys = [F.col(group).alias("group")] if group else [F.lit(None).alias("group")]
    rows = (
        df.select(*keys, pairs.alias("pair"))
        .groupBy("group", F.col("pair.column").alias("column"), F.col("pair.bin").alias("bin"))
        .count()
        .collect()
    )
    counts: Dict[Tuple[Any, str], np.ndarray] = {}
    for row in rows:
        key = (row["group"], row["column"])
        if key not in counts:
            counts[key] = np.zeros(len(edges[row["column"]]) + 1, dtype="int64")
        counts[key][row["bin"]] += row["count"]
    return counts


def reference_histograms(
    df: DataFrame, columns: Sequence[str] = MONITORED_COLUMNS, relative_error: float = 1e-3
) -> Dict[str, Any]:
    """{"rows", "columns": {name: {"edges", "fractions"}}} of df (a training window with its scores)."""
    quantiles = df.approxQuantile(list(columns), DECILES, relative_error)
    edges = {name: sorted({float(v) for v in cut}) for name, cut in zip(columns, quantiles)}
    counts = bin_counts(df, edges)
    rows = int(sum(counts[(None, columns[0])])) if (None, columns[0]) in counts else 0
    if rows == 0:
        raise ValueError("no rows to compute the reference histograms from")
    return {
        "rows": rows,
        "binning": "bin i: edges[i-1] < x <= edges[i] (deciles of the training window, duplicates merged)",
        "columns": {
            name: {"edges": edges[name], "fractions": (counts[(None, name)] / rows).tolist()}
            for name in columns
        },
    }


def training_reference(
    model, train_features: DataFrame, feature_columns: Sequence[str] = FEATURE_COLUMNS
) -> Dict[str, Any]:
    """The reference of a fitted pipeline: its inputs (the model's feature set) and its score on the
    training window."""
    from fraud_jobs.train.pipeline import fraud_score

    scored = model.transform(train_features).select(
        *[F.col(name).cast("double").alias(name) for name in feature_columns], fraud_score().alias(SCORE)
    )
    return reference_histograms(scored, [*feature_columns, SCORE])
