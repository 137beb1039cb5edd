"""Realised outcomes of the alerts raised on a scored day, once its labels have arrived, counted as the
training job's business view counts its test window: the same known-compromised rule and policy
(`flag_known_compromised`, `outcome_counts`, `outcome_rates`), recorded with the model that scored the day."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fraud_jobs.common.schemas import PARTITION_COLUMN
from fraud_jobs.features.time_columns import epoch_day
from fraud_jobs.score.frame import DECISION
from fraud_jobs.train.evaluation import KnownCompromisedRule, outcome_counts, outcome_rates
from fraud_jobs.train.protocol import day_number, flag_known_compromised


def day_outcomes(
    scores: DataFrame, cleaned: DataFrame, rule: KnownCompromisedRule, label_delay_days: int
) -> List[Dict[str, Any]]:
    """Per tx_date of `scores` (one model version's): frauds, alerts, missed frauds, false alerts, FNR, FPR
    and the missed-fraud amount (the damage of the decisions actually taken), from the labels in the cleaned
    data, under the version's known-compromised rule: under `blocked`, a card with a fraud labelled before
    the row (from `rule.since`, `label_delay_days` late) is blocked; its frauds are prevented, its other rows
    are no alerts."""
    labelled = cleaned.select("customer_id", epoch_day().alias("event_day"), "tx_fraud")
    rows = flag_known_compromised(
        scores.withColumn("event_day", epoch_day()).join(
            cleaned.select("transaction_id", "tx_fraud"), "transaction_id", "left"
        ),
        labelled,
        day_number(rule.since),
        label_delay_days,
    )
    counts = outcome_counts(rows, F.col(DECISION) == 1, rule.policy, PARTITION_COLUMN)
    unlabelled = dict(rows.filter(F.col("tx_fraud").isNull()).groupBy(PARTITION_COLUMN).count().collect())
    out = []
    for day_counts in counts:
        day: dt.date = day_counts.pop(PARTITION_COLUMN)
        values = {key: (float(v) if key == "missed_amount" else int(v)) for key, v in day_counts.items()}
        values["missed_fraud_amount"] = values.pop("missed_amount")
        out.append(
            {
                "day": day.isoformat(),
                **values,
                "unlabelled": int(unlabelled.get(day, 0)),
                **outcome_rates(values),
                "known_compromised_policy": rule.policy,
            }
        )
    return out
