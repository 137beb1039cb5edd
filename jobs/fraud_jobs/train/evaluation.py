"""Evaluation of a scored test window in Spark; only aggregates (score bins, per-day counts, each day's top
cards) reach the driver, so the test window may hold any number of rows.

Two views of the same scored rows:
- handbook: the book's protocol, cards already known to be compromised removed (for comparison with it);
- business: every test transaction; cards already known to be compromised follow an explicit policy.
The business targets are judged on the business view only, with damage and alert load scaled from the
sample to the real volume."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import numpy as np
from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from fraud_jobs.train import metrics as m
from fraud_jobs.train.operating_point import SCORE, Thresholds, decision, iso_day, logit_bin
from fraud_jobs.train.protocol import KNOWN_COMPROMISED

Metrics = Dict[str, Any]

# Scored rows: event_day, customer_id, tx_fraud, tx_amount, score (SCORE), known_compromised.
# Bins of width 1/LOGIT_BINS_PER_UNIT on the logit of the score: fine where scores crowd near 0 or 1, at most
# ~2 * 28 * 2000 bins (scores are clamped to [1e-12, 1 - 1e-12]). The error bounds are reported per run.
LOGIT_BINS_PER_UNIT = 10000

# Policies for the transactions of cards already known to be compromised (business view).
BLOCKED = "blocked"  # the card is blocked: its frauds are prevented, its other transactions are no alerts
SCORED = "scored"  # nothing is known: every transaction is judged by the model's decision alone
POLICIES = (BLOCKED, SCORED)
# The real data: 1,879,794,138 transactions over 1,200 days (reference dataset.md), about 1.57 M a day.
REAL_ROWS_PER_DAY = 1_566_495.0
DAYS_PER_MONTH = 30.0


@dataclass(frozen=True)
class BusinessSettings:
    known_compromised_policy: str = BLOCKED
    # Transactions a day in the real traffic the sample stands for; None: unknown, damage not judged.
    population_rows_per_day: Optional[float] = REAL_ROWS_PER_DAY


@dataclass(frozen=True)
class KnownCompromisedRule:
    """How the business view treats the cards already known to be compromised: the policy and the first day
    whose frauds count as known (the training start: the book's rule). Recorded in the model's training
    reference (KNOWN_COMPROMISED_RULE), so monitoring counts each version's realised outcomes the same way."""

    policy: str
    since: dt.date

    def as_dict(self) -> Dict[str, str]:
        return {"policy": self.policy, "since": self.since.isoformat()}

    @classmethod
    def from_dict(cls, values: Dict[str, str]) -> KnownCompromisedRule:
        rule = cls(values["policy"], dt.date.fromisoformat(values["since"]))
        _blocked(rule.policy)  # the one check of a policy name
        return rule


# Key of the rule in the model's training reference (monitor/reference.py's REFERENCE_ARTIFACT).
KNOWN_COMPROMISED_RULE = "known_compromised_rule"


def _blocked(policy: str) -> Column:
    if policy not in POLICIES:
        raise ValueError(f"unknown known-compromised policy {policy!r}: use one of {', '.join(POLICIES)}")
    return F.col(KNOWN_COMPROMISED) if policy == BLOCKED else F.lit(False)


def judged(policy: str) -> Column:
    """The rows the model's decision judges under the policy (under `blocked`, not those of cards known to be
    compromised): the FPR population of the business view, of monitoring and of the operating point."""
    return ~_blocked(policy)


def handbook_rows(scored: DataFrame) -> DataFrame:
    return scored.filter(~F.col(KNOWN_COMPROMISED))


def score_histogram(scored: DataFrame, policy: str = SCORED) -> m.ScoreHistogram:
    """Rows binned on the logit of their score, in Spark; under the blocked policy, frauds of blocked cards
    become `prevented_frauds` and their legitimate rows are left out."""
    blocked = _blocked(policy)
    fraud = F.col("tx_fraud") == 1
    bin_key = F.when(blocked, F.lit(None)).otherwise(_score_bin())
    rows = scored.filter(~blocked | fraud).groupBy(bin_key.alias("bin")).agg(*_bin_sums()).collect()
    prevented = [r for r in rows if r["bin"] is None]
    return _histogram(
        [r for r in rows if r["bin"] is not None],
        prevented_frauds=int(prevented[0]["frauds"]) if prevented else 0,
        prevented_amount=float(prevented[0]["fraud_amount"]) if prevented else 0.0,
    )


def _score_bin() -> Column:
    return logit_bin(LOGIT_BINS_PER_UNIT)


def _bin_sums() -> List[Column]:
    fraud = F.col("tx_fraud") == 1
    return [
        F.sum(F.when(fraud, 1).otherwise(0)).alias("frauds"),
        F.sum(F.when(fraud, 0).otherwise(1)).alias("legit"),
        F.sum(F.when(fraud, F.col("tx_amount")).otherwise(0.0)).alias("fraud_amount"),
        F.min(SCORE).alias("low_score"),
    ]


def _histogram(rows: List[Any], prevented_frauds: int = 0, prevented_amount: float = 0.0) -> m.ScoreHistogram:
    ranked = sorted(rows, key=lambda r: -r["bin"])

    def column(name: str, dtype: str) -> np.ndarray:
        return np.array([r[name] for r in ranked], dtype=dtype)

    return m.ScoreHistogram(
        frauds=column("frauds", "int64"),
        legit=column("legit", "int64"),
        fraud_amount=column("fraud_amount", "float64"),
        low_score=column("low_score", "float64"),
        prevented_frauds=prevented_frauds,
        prevented_amount=prevented_amount,
    )


def daily_average_precision(scored: DataFrame) -> Dict[int, Optional[float]]:
    """Average precision of each day's rows (same logit bins as `score_histogram`, one groupBy in Spark);
    None for a day without both classes, where it is undefined."""
    rows = scored.groupBy("event_day", _score_bin().alias("bin")).agg(*_bin_sums()).collect()
    by_day: Dict[int, List[Any]] = {}
    for row in rows:
        by_day.setdefault(row["event_day"], []).append(row)
    result: Dict[int, Optional[float]] = {}
    for day, day_rows in sorted(by_day.items()):
        histogram = _histogram(day_rows)
        both_classes = histogram.frauds.sum() > 0 and histogram.legit.sum() > 0
        result[day] = m.average_precision(histogram) if both_classes else None
    return result


def daily_counts(scored: DataFrame, thresholds: Thresholds, policy: str = SCORED) -> List[Dict[str, Any]]:
    """Exact counts per test day at each day's threshold (flagged: score strictly above it), in Spark."""
    return outcome_counts(scored, decision(thresholds), policy, "event_day")


def outcome_counts(rows: DataFrame, decision: Column, policy: str, by: str) -> List[Dict[str, Any]]:
    """Exact counts per value of `by` (a day) of the alerts `decision` raised, under the known-compromised
    policy; the one definition of the business view's and monitoring's FNR / FPR / missed damage (with
    `outcome_rates`). Rows without a label (`tx_fraud` null) count in `rows` only."""
    blocked = _blocked(policy)
    fraud, legit = F.col("tx_fraud") == 1, F.col("tx_fraud") == 0
    flagged = ~blocked & decision
    missed = ~blocked & ~flagged & fraud

    def count(condition: Column) -> Column:
        return F.sum(F.when(condition, 1).otherwise(0))

    grouped = (
        rows.groupBy(by)
        .agg(
            F.count(F.lit(1)).alias("rows"),
            count(fraud).alias("frauds"),
            count(legit).alias("legit"),
            count(blocked & fraud).alias("prevented_frauds"),
            count(blocked & legit).alias("blocked_legit"),
            count(flagged).alias("alerts"),
            count(flagged & legit).alias("false_alerts"),
            count(missed).alias("missed_frauds"),
            F.sum(F.when(missed, F.col("tx_amount")).otherwise(0.0)).alias("missed_amount"),
        )
        .orderBy(by)
        .collect()
    )
    return [row.asDict() for row in grouped]


def card_precision_at_k(scored: DataFrame, k: int = 100) -> float:
    """Handbook's CP@k: each day, rank cards by their highest score (ties by card id), take the top k, count
    the compromised ones (any fraud that day), divide by k; cards detected on an earlier day are left out of
    later days; the mean over days. The per-day top k is taken in Spark: on day i at most k * i cards were
    detected before, so the top k * (i + 1) cards of each day hold the answer; only those reach the driver."""
    cards = scored.groupBy("event_day", "customer_id").agg(
        F.max(SCORE).alias(SCORE), F.max("tx_fraud").alias("fraud")
    )
    day_rank = F.dense_rank().over(Window.orderBy("event_day"))
    card_rank = F.row_number().over(
        Window.partitionBy("event_day").orderBy(F.desc(SCORE), F.asc("customer_id"))
    )
    days = cards.select("event_day").distinct().withColumn("day_index", day_rank)
    candidates = (
        cards.withColumn("rank", card_rank)
        .join(days, "event_day")
        .filter(F.col("rank") <= F.col("day_index") * k)
        .collect()
    )
    if not candidates:
        raise ValueError("no scored transactions: card precision needs at least one test day")
    detected: set = set()
    per_day = []
    for day in sorted({r["event_day"] for r in candidates}):
        ranked = sorted((r for r in candidates if r["event_day"] == day), key=lambda r: r["rank"])
        top = [r for r in ranked if r["customer_id"] not in detected][:k]
        found = {r["customer_id"] for r in top if r["fraud"] == 1}
        per_day.append(len(found) / float(k))
        detected |= found
    return float(np.mean(per_day))


def legit_score_quantile(scored: DataFrame, fraction: float, relative_error: float = 1e-4) -> float:
    """Score with `fraction` of the legitimate rows at or below it (Spark's Greenwald-Khanna sketch: the
    rank is off by at most relative_error x rows)."""
    legit = scored.filter(F.col("tx_fraud") == 0)
    values = legit.approxQuantile(SCORE, [fraction], relative_error)
    if not values:
        raise ValueError("no legitimate transactions to choose the threshold on")
    return float(values[0])


def _totals(days: List[Dict[str, Any]]) -> Dict[str, float]:
    return {key: sum(day[key] for day in days) for key in days[0] if key != "event_day"}


def outcome_rates(counts: Dict[str, float]) -> Dict[str, float]:
    """FNR over every fraud (prevented ones are not missed); FPR over the legitimate rows the model judged."""
    judged_legit = counts["legit"] - counts["blocked_legit"]
    return {
        "fnr": counts["missed_frauds"] / counts["frauds"] if counts["frauds"] else 0.0,
        "fpr": counts["false_alerts"] / judged_legit if judged_legit else 0.0,
    }


@dataclass
class ViewResult:
    metrics: Metrics
    histogram: m.ScoreHistogram
    days: List[Dict[str, Any]]


def handbook_view(
    scored: DataFrame, threshold: float, test_days: int, thresholds: Optional[Dict[int, float]] = None
) -> ViewResult:
    """The book's metrics on the test rows without the cards already known to be compromised; FNR and FPR
    at each day's threshold (`thresholds`, from operating_point.day_thresholds; None: the model's own
    `threshold`, from its training window, every day)."""
    rows = handbook_rows(scored)
    histogram = score_histogram(rows)
    days = daily_counts(rows, threshold if thresholds is None else thresholds)
    totals = _totals(days)
    rates = outcome_rates(totals)
    metrics: Metrics = {
        "auc_roc": m.auc_roc(histogram),
        "auc_roc_error_bound": m.auc_roc_error_bound(histogram),
        "average_precision": m.average_precision(histogram),
        "average_precision_error_bound": m.average_precision_error_bound(histogram),
        "card_precision_at_100": card_precision_at_k(rows, 100),
        "threshold": threshold,
        "fnr": rates["fnr"],
        "fpr": rates["fpr"],
        # Unscaled sample damage of the reduced set: for the book comparison, not for the target.
        "monthly_damage": totals["missed_amount"] * DAYS_PER_MONTH / test_days,
        "test_transactions": int(totals["rows"]),
        "test_frauds": int(totals["frauds"]),
    }
    return ViewResult(metrics, histogram, days)


def business_view(
    scored: DataFrame,
    threshold: float,
    test_days: int,
    settings: BusinessSettings,
    thresholds: Optional[Dict[int, float]] = None,
) -> ViewResult:
    """Every test transaction at each day's threshold (`thresholds`; None: the model's own `threshold` every
    day); damage and alerts per day scaled to the real volume when it is known. `fixed_threshold` gives FNR
    and FPR had the model's own threshold (from its training window) been kept every day, for comparison."""
    policy = settings.known_compromised_policy
    histogram = score_histogram(scored, policy)
    days = daily_counts(scored, threshold if thresholds is None else thresholds, policy)
    totals = _totals(days)
    rates = outcome_rates(totals)
    fixed = rates if thresholds is None else outcome_rates(_totals(daily_counts(scored, threshold, policy)))
    sample_rows_per_day = totals["rows"] / test_days
    scale = (
        settings.population_rows_per_day / sample_rows_per_day
        if settings.population_rows_per_day and sample_rows_per_day
        else None
    )
    sample_damage = totals["missed_amount"] * DAYS_PER_MONTH / test_days
    damage = sample_damage * scale if scale is not None else None
    sample_alerts = totals["alerts"] / test_days
    curves = m.error_curves(histogram)
    metrics: Metrics = {
        "policy": settings.known_compromised_policy,
        "rows": int(totals["rows"]),
        "frauds": int(totals["frauds"]),
        "known_compromised_rows": int(totals["prevented_frauds"] + totals["blocked_legit"]),
        "prevented_frauds": int(totals["prevented_frauds"]),
        "threshold": threshold,
        "fnr": rates["fnr"],
        "fpr": rates["fpr"],
        "fixed_threshold": fixed,
        "sample_rows_per_day": sample_rows_per_day,
        "population_rows_per_day": settings.population_rows_per_day,
        "volume_scale": scale,
        "sample_monthly_damage": sample_damage,
        "monthly_damage": damage,
        "sample_alerts_per_day": sample_alerts,
        "alerts_per_day": sample_alerts * scale if scale is not None else None,
        "meets_fnr_target": rates["fnr"] < m.MAX_FNR,
        "meets_fpr_target": rates["fpr"] < m.MAX_FPR,
        # Never judged on an unscaled sample: null when the real volume is unknown.
        "meets_damage_target": damage < m.MAX_MONTHLY_DAMAGE if damage is not None else None,
        "fnr_at_fpr_5pct": m.fnr_at_fpr(curves, 0.05),
        "fpr_at_fnr_2pct": m.fpr_at_fnr(curves, 0.02),
        "per_day": [
            {
                "day": iso_day(day["event_day"]),
                **outcome_rates(day),
                "alerts": int(day["alerts"]),
                "threshold": threshold if thresholds is None else thresholds[day["event_day"]],
            }
            for day in days
        ],
    }
    return ViewResult(metrics, histogram, days)
