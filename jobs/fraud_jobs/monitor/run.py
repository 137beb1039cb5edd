"""One monitoring run over the scored days of a look-back window: drift of every model input and of the
score against the scoring version's training reference, and realised outcomes of the days whose labels
have arrived (older than the label delay, counted from the newest cleaned day)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Callable, Dict, List

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fraud_jobs.common.schemas import PARTITION_COLUMN
from fraud_jobs.monitor.checks import DATE_DETERMINED_FEATURES, Thresholds, day_breaches
from fraud_jobs.monitor.outcomes import day_outcomes
from fraud_jobs.monitor.psi import psi
from fraud_jobs.monitor.reference import SCORE, bin_counts
from fraud_jobs.monitor.references import MissingReferenceError
from fraud_jobs.score.frame import (
    SCORES_SCHEMA,
    ScoringInputError,
    available_days,
    check_schema,
    schema_drift,
)
from fraud_jobs.train.evaluation import KNOWN_COMPROMISED_RULE, KnownCompromisedRule, outcome_rates

LOG = logging.getLogger(__name__)


def model_column():
    """ "<registered name>/<version>": the model that scored a row."""
    return F.concat_ws("/", F.col("model_name"), F.col("model_version"))


Reference = Dict[str, Any]


def monitored_days(scored_days: List[dt.date], as_of: dt.date, lookback_days: int) -> List[dt.date]:
    first = as_of - dt.timedelta(days=lookback_days - 1)
    return [day for day in sorted(scored_days) if first <= day <= as_of]


def labelled(day: dt.date, as_of: dt.date, label_delay_days: int) -> bool:
    """A day's labels are known once `label_delay_days` have passed (the features' own rule)."""
    return day <= as_of - dt.timedelta(days=label_delay_days)


def drift_by_day(scores: DataFrame, reference: Reference) -> Dict[str, Dict[str, float]]:
    """{day: {column: PSI}} for the days in `scores` (all scored by the version of `reference`)."""
    columns = reference["columns"]
    counts = bin_counts(scores, {name: columns[name]["edges"] for name in columns}, PARTITION_COLUMN)
    out: Dict[str, Dict[str, float]] = {}
    for (day, name), day_counts in counts.items():
        out.setdefault(day.isoformat(), {})[name] = psi(columns[name]["fractions"], day_counts)
    return out


def known_compromised_rule(reference: Reference, version: str) -> KnownCompromisedRule:
    """The business view's rule the version was evaluated with (recorded in its training reference)."""
    if KNOWN_COMPROMISED_RULE not in reference:
        raise MissingReferenceError(
            f"the training reference of {version} has no {KNOWN_COMPROMISED_RULE}: it was trained before the "
            "rule was recorded. Fix: promote a version trained by this code"
        )
    return KnownCompromisedRule.from_dict(reference[KNOWN_COMPROMISED_RULE])


def merged_outcomes(per_version: List[List[Dict[str, Any]]]) -> Dict[str, Dict[str, Any]]:
    """{day: outcomes}; a day scored by several versions sums their counts (each under its own rule)."""
    merged: Dict[str, Dict[str, Any]] = {}
    for outcomes in per_version:
        for day in outcomes:
            if day["day"] not in merged:
                merged[day["day"]] = dict(day)
                continue
            total = merged[day["day"]]
            for key, value in day.items():
                if isinstance(value, (int, float)) and key not in ("fnr", "fpr"):
                    total[key] += value
            policies = {*total["known_compromised_policy"].split(","), day["known_compromised_policy"]}
            total["known_compromised_policy"] = ",".join(sorted(policies))
            total.update(outcome_rates(total))
    return merged


def monitor_scores(
    scores: DataFrame,
    cleaned: DataFrame,
    reference_of: Callable[[str], Reference],
    lookback_days: int,
    label_delay_days: int,
    thresholds: Thresholds,
) -> Dict[str, Any]:
    """The monitoring report (a dict ready for JSON). `reference_of("<name>/<version>")` loads that model
    version's training reference."""
    drift = schema_drift(scores.schema, SCORES_SCHEMA)
    if drift:
        raise ScoringInputError("the scores do not have the scoring job's schema: " + "; ".join(drift))
    check_schema(cleaned)
    as_of = max(available_days(cleaned))
    days = monitored_days(available_days(scores), as_of, lookback_days)
    if not days:
        raise ScoringInputError(
            f"no scored day in the {lookback_days} days up to {as_of} (the newest cleaned day). Fix: run the "
            "scoring job first"
        )
    window = scores.filter(F.col(PARTITION_COLUMN).isin(days))
    per_day = {
        row[PARTITION_COLUMN].isoformat(): row
        for row in window.groupBy(PARTITION_COLUMN)
        .agg(
            F.count(F.lit(1)).alias("rows"),
            F.sum("decision").alias("alerts"),
            F.collect_set(model_column()).alias("versions"),
        )
        .collect()
    }
    psi_by_day: Dict[str, Dict[str, float]] = {}
    for version in sorted({v for row in per_day.values() for v in row["versions"]}):
        LOG.info("drift against the training reference of version %s", version)
        psi_by_day.update(drift_by_day(window.filter(model_column() == version), reference_of(version)))
    with_labels = [day for day in days if labelled(day, as_of, label_delay_days)]
    outcomes = {}
    if with_labels:
        LOG.info("realised outcomes of %s .. %s (labels arrived)", with_labels[0], with_labels[-1])
        labelled_scores = window.filter(F.col(PARTITION_COLUMN).isin(with_labels))
        versions = sorted({v for day in with_labels for v in per_day[day.isoformat()]["versions"]})
        outcomes = merged_outcomes(
            [
                day_outcomes(
                    labelled_scores.filter(model_column() == version),
                    cleaned,
                    known_compromised_rule(reference_of(version), version),
                    label_delay_days,
                )
                for version in versions
            ]
        )
    report_days = []
    for day in days:
        key, row = day.isoformat(), per_day[day.isoformat()]
        day_psi = psi_by_day[key]
        judged = {name: value for name, value in day_psi.items() if name not in DATE_DETERMINED_FEATURES}
        features = {name: value for name, value in judged.items() if name != SCORE}
        worst = max(features, key=features.get)
        entry: Dict[str, Any] = {
            "day": key,
            "model": ",".join(sorted(row["versions"])),
            "rows": int(row["rows"]),
            "alerts": int(row["alerts"] or 0),
            "alert_rate": (row["alerts"] or 0) / row["rows"],
            "psi": day_psi,
            "score_psi": day_psi[SCORE],
            "max_feature_psi": features[worst],
            "max_feature_psi_column": worst,
            "labels": outcomes.get(key),
        }
        entry["breaches"] = day_breaches(entry, thresholds)
        report_days.append(entry)
    breaches = [b for entry in report_days for b in entry["breaches"]]
    return {
        "as_of": as_of.isoformat(),
        "models": sorted({v for row in per_day.values() for v in row["versions"]}),
        "lookback_days": lookback_days,
        "label_delay_days": label_delay_days,
        "thresholds": thresholds.as_dict(),
        "not_judged": list(DATE_DETERMINED_FEATURES),
        "days": report_days,
        "status": "breach" if breaches else "ok",
        "breaches": breaches,
    }
