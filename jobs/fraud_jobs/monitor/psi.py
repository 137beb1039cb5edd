"""Population stability index between a reference histogram and a day's counts over the same bins."""

from __future__ import annotations

from typing import Sequence

import numpy as np

# Empty bins get this share: without it one empty bin makes the index infinite.
EMPTY_BIN_SHARE = 1e-4


def psi(reference_fractions: Sequence[float], counts: Sequence[int]) -> float:
    """sum (actual - expected) * ln(actual / expected); 0.1-0.2 is a moderate shift, > 0.2 a large one."""
    expected = np.maximum(np.asarray(reference_fractions, dtype="float64"), EMPTY_BIN_SHARE)
    counts = np.asarray(counts, dtype="float64")
    if counts.shape != expected.shape:
        raise ValueError(f"{len(counts)} counts for {len(expected)} reference bins")
    total = counts.sum()
    if total == 0:
        raise ValueError("no rows to compare with the reference")
    actual = np.maximum(counts / total, EMPTY_BIN_SHARE)
    return float(np.sum((actual - expected) * np.log(actual / expected)))
