"""The daily operating point: each day's threshold re-set from the model's scores of the days just before it.

A threshold fixed on the training week misses the FPR target by up to 1.1 pp on the next weeks of generated
data: how many legitimate transactions fall on terminals with recent labelled frauds changes week to week,
and shifts the legitimate scores (README "The operating point"). Labels of the recent days are not known
yet, their scores are: the model's scores, calibrated to fraud probabilities on its training window
(isotonic regression), tell how many of the recent days' alerts are expected to be legitimate. Each day's
threshold is the score above which the expected share of the previous `lookback_days` days' legitimate
transactions is at most `max_fpr`. Training's evaluation, the champion gate and the scoring job all use
`day_thresholds`, so the alerts the evaluation counts are the ones the scorer raises.

Scores are binned on their logit (width 1/OPERATING_BINS_PER_UNIT) in Spark; only the bins reach the
driver. The threshold is the highest score of the first bin left unflagged, so the flagged rows are exactly
those of the flagged bins."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from fraud_jobs.train import metrics as m

SCORE = "score"
DAY = "event_day"
# Days of scores each day's threshold is re-set from; 0 keeps the training window's fixed threshold.
# 3 measured best of 1-14 on five generator seeds (README "The operating point").
DEFAULT_LOOKBACK_DAYS = 3
OPERATING_BINS_PER_UNIT = 1000
_CLAMP = 1e-12


@dataclass(frozen=True)
class OperatingPoint:
    """How the decision threshold follows the days: the FPR target, the look-back, and the calibration
    (score knots and fraud probabilities, interpolated linearly as scikit-learn's isotonic model does)."""

    max_fpr: float
    lookback_days: int
    score_knots: Tuple[float, ...]
    fraud_probabilities: Tuple[float, ...]
    # The rows whose scores count (the FPR population): those judged under this known-compromised policy,
    # cards flagged by frauds known since this day (evaluation.KnownCompromisedRule; the training start).
    known_compromised_policy: str = "scored"
    known_compromised_since: str = "1970-01-01"

    def as_dict(self) -> Dict[str, Any]:
        return {
            "max_fpr": self.max_fpr,
            "lookback_days": self.lookback_days,
            "score_knots": list(self.score_knots),
            "fraud_probabilities": list(self.fraud_probabilities),
            "known_compromised_policy": self.known_compromised_policy,
            "known_compromised_since": self.known_compromised_since,
        }

    @classmethod
    def from_dict(cls, values: Optional[Dict[str, Any]]) -> Optional[OperatingPoint]:
        """None for a model logged before daily operating points existed (it keeps its fixed threshold)."""
        if not values:
            return None
        return cls(
            float(values["max_fpr"]),
            int(values["lookback_days"]),
            tuple(float(v) for v in values["score_knots"]),
            tuple(float(v) for v in values["fraud_probabilities"]),
            str(values["known_compromised_policy"]),
            str(values["known_compromised_since"]),
        )

    def fraud_probability(self, scores: np.ndarray) -> np.ndarray:
        return np.interp(scores, self.score_knots, self.fraud_probabilities)


def calibrate(
    histogram: m.ScoreHistogram,
    max_fpr: float,
    lookback_days: int,
    known_compromised_policy: str,
    known_compromised_since: dt.date,
) -> OperatingPoint:
    """Isotonic fraud probability of the score, fitted on a labelled window's score histogram of the rows
    judged under the policy (one point per bin: a score of the bin, its fraud share, weighted by its
    rows)."""
    from sklearn.isotonic import IsotonicRegression

    rows = histogram.frauds + histogram.legit
    keep = rows > 0
    if not keep.any():
        raise ValueError("no scored rows to calibrate the operating point on")
    isotonic = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
    isotonic.fit(histogram.low_score[keep], histogram.frauds[keep] / rows[keep], sample_weight=rows[keep])
    return OperatingPoint(
        max_fpr,
        lookback_days,
        tuple(float(v) for v in isotonic.X_thresholds_),
        tuple(float(v) for v in isotonic.y_thresholds_),
        known_compromised_policy,
        known_compromised_since.isoformat(),
    )


def iso_day(event_day: int) -> str:
    return (dt.date(1970, 1, 1) + dt.timedelta(days=int(event_day))).isoformat()


def logit_bin(bins_per_unit: int) -> Column:
    """The score's bin of width 1/bins_per_unit on its logit (scores clamped to [1e-12, 1 - 1e-12]): fine
    where scores crowd near 0 or 1; the evaluation's histograms use it too."""
    p = F.least(F.greatest(F.col(SCORE), F.lit(_CLAMP)), F.lit(1.0 - _CLAMP))
    return F.floor((F.log(p) - F.log1p(-p)) * bins_per_unit)


Bins = Dict[int, List[float]]  # bin -> [rows, lowest score, highest score]


def _day_bins(scored: DataFrame, first_day: int, end_day: int) -> Dict[int, Bins]:
    rows = (
        scored.filter((F.col(DAY) >= first_day) & (F.col(DAY) < end_day))
        .groupBy(DAY, logit_bin(OPERATING_BINS_PER_UNIT).alias("bin"))
        .agg(F.count(F.lit(1)).alias("rows"), F.min(SCORE).alias("low"), F.max(SCORE).alias("high"))
        .collect()
    )
    days: Dict[int, Bins] = defaultdict(dict)
    for row in rows:
        days[row[DAY]][row["bin"]] = [row["rows"], row["low"], row["high"]]
    return days


def threshold_from_bins(bins: Bins, point: OperatingPoint) -> Optional[float]:
    """The score above which the expected legitimate share is at most max_fpr: bins flagged from the top
    while the expected legitimate rows flagged stay within max_fpr of all expected legitimate rows; the
    threshold is the highest score of the first bin left unflagged (0.0 when every bin is flagged)."""
    keys = sorted(bins, reverse=True)
    counts = np.array([bins[k][0] for k in keys], dtype="float64")
    low = np.array([bins[k][1] for k in keys], dtype="float64")
    high = np.array([bins[k][2] for k in keys], dtype="float64")
    cumulative = np.cumsum(counts * (1.0 - point.fraud_probability(low)))
    total = cumulative[-1]  # the same sum as the last cumulative value: max_fpr 1 flags every bin
    if total <= 0:
        return None  # every row expected to be fraud: nothing to hold the FPR on
    flagged = int(np.searchsorted(cumulative, point.max_fpr * total, side="right"))
    return float(high[flagged]) if flagged < len(keys) else 0.0


def day_thresholds(
    scored: DataFrame, days: Sequence[int], point: Optional[OperatingPoint], fixed_threshold: float
) -> Dict[int, float]:
    """Each day's threshold from `scored` (event_day, score: the model's scores of `days` and of the
    look-back days before them, of the rows judged under the point's known-compromised policy). Without an
    operating point, or with a 0-day look-back: the fixed threshold every day; a day whose look-back holds
    no such row keeps the fixed threshold too."""
    if point is None or point.lookback_days == 0:
        return {day: fixed_threshold for day in days}
    lookback = point.lookback_days
    by_day = _day_bins(scored, min(days) - lookback, max(days))
    thresholds = {}
    for day in days:
        merged: Bins = {}
        for d in range(day - lookback, day):
            for key, (rows, low, high) in by_day.get(d, {}).items():
                kept = merged.setdefault(key, [0, low, high])
                kept[0] += rows
                kept[1], kept[2] = min(kept[1], low), max(kept[2], high)
        # No judged row in the look-back (every card blocked, or no traffic): no evidence to move it.
        value = threshold_from_bins(merged, point) if merged else None
        thresholds[day] = fixed_threshold if value is None else value
    return thresholds


# Each day's threshold (event_day -> threshold), or one threshold for every day.
Thresholds = Union[float, Dict[int, float]]


def decision(thresholds: Thresholds) -> Column:
    """score > the threshold of the row's day (rows of days without one: null, never flagged by `when`)."""
    if not isinstance(thresholds, dict):
        return F.col(SCORE) > F.lit(float(thresholds))
    items = []
    for day, threshold in sorted(thresholds.items()):
        items += [F.lit(int(day)).cast("long"), F.lit(float(threshold))]
    return F.col(SCORE) > F.create_map(*items)[F.col(DAY)]
