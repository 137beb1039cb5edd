"""Realised outcomes of the alerts raised on a scored day, once its labels have arrived."""

from __future__ import annotations

from typing import Any, Dict, List

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from fraud_jobs.common.schemas import PARTITION_COLUMN


def day_outcomes(scores: DataFrame, cleaned: DataFrame) -> List[Dict[str, Any]]:
    """Per tx_date of `scores`: frauds, alerts, missed frauds, false alerts, FNR, FPR and the missed-fraud
    amount (the damage of the decisions actually taken), from the labels in the cleaned data."""
    labels = cleaned.select("transaction_id", "tx_fraud")
    fraud = F.col("tx_fraud") == 1
    alert = F.col("decision") == 1

    def count(condition):
        return F.sum(F.when(condition, 1).otherwise(0))

    rows = (
        scores.join(labels, "transaction_id", "left")
        .groupBy(PARTITION_COLUMN)
        .agg(
            F.count(F.lit(1)).alias("rows"),
            count(F.col("tx_fraud").isNull()).alias("unlabelled"),
            count(fraud).alias("frauds"),
            count(F.col("tx_fraud") == 0).alias("legit"),
            count(alert).alias("alerts"),
            count(fraud & ~alert).alias("missed_frauds"),
            count((F.col("tx_fraud") == 0) & alert).alias("false_alerts"),
            F.sum(F.when(fraud & ~alert, F.col("tx_amount")).otherwise(0.0)).alias("missed_fraud_amount"),
        )
        .orderBy(PARTITION_COLUMN)
        .collect()
    )
    out = []
    for row in rows:
        values = row.asDict()
        day = values.pop(PARTITION_COLUMN)
        values = {key: (float(v) if key == "missed_fraud_amount" else int(v)) for key, v in values.items()}
        values["fnr"] = values["missed_frauds"] / values["frauds"] if values["frauds"] else 0.0
        values["fpr"] = values["false_alerts"] / values["legit"] if values["legit"] else 0.0
        out.append({"day": day.isoformat(), **values})
    return out
