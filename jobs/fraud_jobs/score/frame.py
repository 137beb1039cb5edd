"""Scoring as DataFrame -> DataFrame functions: input checks, the look-back window, the scored rows.

The features come from `fraud_jobs.features.add_features`, the function training uses, with the feature set
the champion was trained on (its model metadata), over the scored days plus the history their windows read:
(delay + 30) days before the first scored day, and before the look-back days whose scores set its
threshold."""

from __future__ import annotations

import datetime as dt
from typing import Dict, List, Optional, Sequence, Tuple

from pyspark.ml import PipelineModel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import DateType, DoubleType, IntegerType, StringType, StructField, StructType

from fraud_jobs.common.schemas import CLEANED_DATA_SCHEMA, CLEANED_SCHEMA, PARTITION_COLUMN
from fraud_jobs.features import ALL_FEATURE_COLUMNS, add_features, feature_columns
from fraud_jobs.features.customer import WINDOW_DAYS
from fraud_jobs.features.time_columns import epoch_day
from fraud_jobs.train.evaluation import judged
from fraud_jobs.train.operating_point import DAY, SCORE, OperatingPoint, day_thresholds, decision
from fraud_jobs.train.pipeline import fraud_score
from fraud_jobs.train.protocol import day_number, flag_known_compromised

DECISION = "decision"

IDENTIFYING_COLUMNS = ("transaction_id", "tx_datetime", "customer_id", "terminal_id")
# The stored scores: who and what was scored, the exact model inputs (monitoring compares their
# distribution with the training reference), the score, the decision, the model, then the partition.
SCORES_SCHEMA = StructType(
    [
        *[CLEANED_DATA_SCHEMA[name] for name in IDENTIFYING_COLUMNS],
        # Every model input as the double the pipeline's VectorAssembler reads: the columns of every feature
        # set, null where the scoring model's set has none (one table schema whichever set the champion uses).
        *[StructField(name, DoubleType(), True) for name in ALL_FEATURE_COLUMNS],
        StructField(SCORE, DoubleType(), True),
        StructField(DECISION, IntegerType(), True),
        StructField("model_name", StringType(), True),
        StructField("model_version", StringType(), True),
        StructField(PARTITION_COLUMN, DateType(), True),
    ]
)
SCORES_COLUMNS = [field.name for field in SCORES_SCHEMA.fields]


def read_scores(spark: SparkSession, path: str) -> DataFrame:
    """The scores table as written by every release: a day scored before a feature set added its columns
    lacks them, so the Parquet footers are merged (those columns read as null there). Without the merge Spark
    takes one file's schema, and monitoring would see a column missing or hide a newer one. The merge reads
    every file's footer (a parallel Spark job over the table's files)."""
    return spark.read.option("mergeSchema", "true").parquet(path)


class ScoringInputError(ValueError):
    """The input cannot be scored as asked; the message names the problem and the fix."""


def schema_drift(actual: StructType, expected: StructType = CLEANED_SCHEMA) -> List[str]:
    """Differences in column names and types (nullability aside: Parquet reports every column nullable)."""
    have = {field.name: field.dataType for field in actual.fields}
    want = {field.name: field.dataType for field in expected.fields}
    problems = [
        f"missing column {name} ({kind.simpleString()})" for name, kind in want.items() if name not in have
    ]
    problems += [f"unexpected column {name}" for name in have if name not in want]
    problems += [
        f"column {name} is {have[name].simpleString()}, expected {kind.simpleString()}"
        for name, kind in want.items()
        if name in have and have[name] != kind
    ]
    return problems


def check_schema(cleaned: DataFrame) -> None:
    problems = schema_drift(cleaned.schema)
    if problems:
        raise ScoringInputError(
            "the cleaned input does not have the cleaned schema (fraud_jobs.common.schemas.CLEANED_SCHEMA): "
            + "; ".join(problems)
            + ". Fix: score data written by this version of the cleaning job, or re-clean it"
        )


def check_model_inputs(model_inputs: Sequence[str], feature_set: str) -> None:
    """The champion's signature must name the features this code computes for its feature set, in order."""
    try:
        computed = feature_columns(feature_set)
    except ValueError as error:
        raise ScoringInputError(
            f"the champion's feature_set metadata: {error}. Fix: register a model trained by this version "
            "of the training job"
        ) from None
    if list(model_inputs) != computed:
        raise ScoringInputError(
            "the champion was trained on the inputs [{}] but this code computes [{}] for its feature set "
            "{!r}: register a model trained with this feature code before scoring".format(
                ", ".join(model_inputs), ", ".join(computed), feature_set
            )
        )


def history_days(delay_days: int) -> int:
    """Days before a scored day its features read: terminal windows end `delay` days back."""
    return delay_days + max(WINDOW_DAYS)


def days_to_score(available: Sequence[dt.date], newest: int) -> List[dt.date]:
    """The `newest` most recent days present in the input."""
    if not available:
        raise ScoringInputError(
            "the cleaned input holds no transactions. Fix: check the cleaning job's output"
        )
    return sorted(available)[-newest:]


def check_history(
    available: Sequence[dt.date], days: Sequence[dt.date], delay_days: int, threshold_lookback_days: int = 0
) -> dt.date:
    """Every scored day and every day of its look-back must be present (the features' history before the
    first day whose scores set a threshold); returns the first day read."""
    present = set(available)
    missing_scored = [day for day in days if day not in present]
    if missing_scored:
        raise ScoringInputError(
            "no transactions on the day(s) to score {}. Fix: clean those days first or choose days the "
            "input holds ({} .. {})".format(
                ", ".join(str(d) for d in missing_scored), min(available), max(available)
            )
        )
    first = min(days) - dt.timedelta(days=threshold_lookback_days + history_days(delay_days))
    needed = [first + dt.timedelta(days=i) for i in range((max(days) - first).days + 1)]
    missing = [day for day in needed if day not in present]
    if missing:
        raise ScoringInputError(
            "scoring {} .. {} needs every day from {} (the threshold is re-set from the scores of the {} "
            "days before each day, and the features look {} days back: the {}-day label delay + {} days) "
            "but the input lacks {} day(s): {}{}. Fix: score later days, or clean the missing days "
            "first".format(
                min(days),
                max(days),
                first,
                threshold_lookback_days,
                history_days(delay_days),
                delay_days,
                max(WINDOW_DAYS),
                len(missing),
                ", ".join(str(d) for d in missing[:5]),
                " ..." if len(missing) > 5 else "",
            )
        )
    return first


def score_rows(
    model: PipelineModel,
    cleaned: DataFrame,
    days: Sequence[dt.date],
    delay_days: int,
    threshold: float,
    model_name: str,
    model_version: str,
    feature_set: str,
    operating_point: Optional[OperatingPoint] = None,
) -> Tuple[DataFrame, Dict[dt.date, float]]:
    """(The scored rows of `days` (SCORES_SCHEMA), each day's threshold): the model's feature set over the
    days plus their history, the champion's score, and its decision: score above the day's threshold, re-set
    from its scores of the look-back days before (`operating_point`, train/operating_point.py, as training
    evaluated it), or its own fixed threshold without one. With a look-back the scored rows are cached: the
    thresholds and the write both read them."""
    lookback = operating_point.lookback_days if operating_point is not None else 0
    first_scored = min(days) - dt.timedelta(days=lookback)
    first = first_scored - dt.timedelta(days=history_days(delay_days))
    window = cleaned.filter(
        (F.col(PARTITION_COLUMN) >= F.lit(first)) & (F.col(PARTITION_COLUMN) <= F.lit(max(days)))
    )
    features = add_features(window, delay_days, feature_set).filter(
        (F.col(PARTITION_COLUMN) >= F.lit(first_scored)) & (F.col(PARTITION_COLUMN) <= F.lit(max(days)))
    )
    scored = model.transform(features).withColumn(SCORE, fraud_score()).withColumn(DAY, epoch_day())
    population = scored
    if operating_point is not None and lookback:
        scored = scored.cache()
        # The rows the thresholds count: those judged under the model's known-compromised rule (frauds
        # known `delay` days before the row, since the training start; the read window bounds the labels).
        since = day_number(dt.date.fromisoformat(operating_point.known_compromised_since))
        labelled = window.withColumn(DAY, epoch_day())
        flagged = flag_known_compromised(scored, labelled, since, delay_days)
        population = flagged.filter(judged(operating_point.known_compromised_policy))
    by_day = day_thresholds(population, [day_number(d) for d in days], operating_point, float(threshold))
    thresholds = {d: by_day[day_number(d)] for d in days}
    scored = scored.filter(F.col(PARTITION_COLUMN).isin(list(days)))
    inputs = set(feature_columns(feature_set))
    computed = {
        **{name: F.lit(None) for name in ALL_FEATURE_COLUMNS if name not in inputs},
        DECISION: decision(by_day).cast("int"),
        "model_name": F.lit(model_name),
        "model_version": F.lit(str(model_version)),
    }
    columns = [computed.get(f.name, F.col(f.name)).cast(f.dataType) for f in SCORES_SCHEMA.fields]
    return scored.select(*[c.alias(f.name) for c, f in zip(columns, SCORES_SCHEMA.fields)]), thresholds


def day_summary(scored: DataFrame) -> List[Dict[str, object]]:
    """Rows and alerts per scored day (a few rows reach the driver)."""
    rows = (
        scored.groupBy(PARTITION_COLUMN)
        .agg(F.count(F.lit(1)).alias("rows"), F.sum(DECISION).alias("alerts"))
        .orderBy(PARTITION_COLUMN)
        .collect()
    )
    return [
        {
            "day": row[PARTITION_COLUMN].isoformat(),
            "rows": int(row["rows"]),
            "alerts": int(row["alerts"] or 0),
        }
        for row in rows
    ]


def available_days(cleaned: DataFrame) -> List[dt.date]:
    """The days present in the input, from the partition column (Spark lists them without reading data
    when the input is partitioned by tx_date)."""
    return sorted(row[0] for row in cleaned.select(PARTITION_COLUMN).distinct().collect())
