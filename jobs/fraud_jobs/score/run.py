"""One scoring run: champion, input checks, scoring, one write (dynamic partition overwrite per tx_date)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Dict

from pyspark.sql import functions as F

from fraud_jobs.common.schemas import PARTITION_COLUMN
from fraud_jobs.score.champion import load_spark_model, resolve_champion
from fraud_jobs.score.frame import (
    available_days,
    check_history,
    check_model_inputs,
    check_schema,
    day_summary,
    days_to_score,
    score_rows,
)

LOG = logging.getLogger(__name__)


def score_newest_days(
    spark, input_path: str, output_path: str, newest_days: int, model_name: str, tracking_uri: str
) -> Dict[str, Any]:
    """Scores the `newest_days` most recent days of the cleaned input; raises before writing on bad input."""
    import mlflow

    mlflow.set_tracking_uri(tracking_uri)
    champion = resolve_champion(model_name)
    check_model_inputs(champion.inputs, champion.feature_set)
    LOG.info(
        "champion %s version %s, threshold %.6f, feature set %s",
        champion.name,
        champion.version,
        champion.threshold,
        champion.feature_set,
    )
    cleaned = spark.read.parquet(input_path)
    check_schema(cleaned)
    present = available_days(cleaned)
    days = days_to_score(present, newest_days)
    point = champion.operating_point
    lookback = point.lookback_days if point is not None else 0
    first_read = check_history(present, days, champion.delay_days, lookback)
    LOG.info("scoring %s .. %s (features read from %s)", days[0], days[-1], first_read)
    model = load_spark_model(champion)
    scored, thresholds = score_rows(
        model,
        cleaned,
        days,
        champion.delay_days,
        champion.threshold,
        champion.name,
        champion.version,
        champion.feature_set,
        point,
    )
    LOG.info("thresholds: %s", ", ".join(f"{day} {value:.6f}" for day, value in thresholds.items()))
    # Scored once into the output; the summary reads the written partitions back (a few aggregates).
    # Dynamic overwrite: only the scored days' tx_date partitions are replaced, the other days stay.
    scored.write.mode("overwrite").option("partitionOverwriteMode", "dynamic").partitionBy(
        PARTITION_COLUMN
    ).parquet(output_path)
    # Only `decision` and the partition are read back, which every release wrote: no footer merge needed.
    written = spark.read.parquet(output_path).filter(F.col(PARTITION_COLUMN).isin(list(days)))
    per_day = [
        dict(day, threshold=thresholds[dt.date.fromisoformat(day["day"])]) for day in day_summary(written)
    ]
    return {
        "model_name": champion.name,
        "model_version": champion.version,
        "model_run_id": champion.run_id,
        "threshold": champion.threshold,
        "threshold_lookback_days": lookback,
        "delay_days": champion.delay_days,
        "feature_set": champion.feature_set,
        "output": output_path,
        "days": [day.isoformat() for day in days],
        "rows_scored": sum(day["rows"] for day in per_day),
        "alerts": sum(day["alerts"] for day in per_day),
        "per_day": per_day,
    }
