"""Scoring's DataFrame functions: input checks, the look-back rule and the scored rows."""

from __future__ import annotations

import datetime as dt

import pytest
from pyspark.ml import Pipeline
from pyspark.ml.classification import LogisticRegression
from pyspark.ml.feature import VectorAssembler
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructField, StructType

from fraud_jobs.common.schemas import CLEANED_SCHEMA
from fraud_jobs.features import EXTENDED, FEATURE_COLUMNS, HANDBOOK, add_features, feature_columns
from fraud_jobs.generate import generate, preset_config
from fraud_jobs.score.frame import (
    SCORES_SCHEMA,
    ScoringInputError,
    check_history,
    check_model_inputs,
    day_summary,
    days_to_score,
    history_days,
    schema_drift,
    score_rows,
)

D = dt.date


def test_schema_drift_names_missing_extra_and_retyped_columns():
    fields = [f for f in CLEANED_SCHEMA.fields if f.name not in ("tx_amount", "tx_fraud_scenario")]
    drifted = StructType(
        [*fields, StructField("tx_amount", StringType()), StructField("channel", StringType())]
    )
    problems = schema_drift(drifted)
    assert "missing column tx_fraud_scenario (int)" in problems
    assert "unexpected column channel" in problems
    assert "column tx_amount is string, expected double" in problems
    assert schema_drift(CLEANED_SCHEMA) == []


def test_model_inputs_must_be_the_features_of_this_code():
    check_model_inputs(FEATURE_COLUMNS, HANDBOOK)
    check_model_inputs(feature_columns(EXTENDED), EXTENDED)
    with pytest.raises(ScoringInputError, match="register a model trained with this feature code"):
        check_model_inputs(list(reversed(FEATURE_COLUMNS)), HANDBOOK)
    # The signature must match the set the model's metadata names, not just any set.
    with pytest.raises(ScoringInputError, match="for its feature set 'extended'"):
        check_model_inputs(FEATURE_COLUMNS, EXTENDED)
    with pytest.raises(ScoringInputError, match="feature_set metadata: unknown feature set 'wide'"):
        check_model_inputs(FEATURE_COLUMNS, "wide")


def test_history_is_the_label_delay_plus_the_longest_window():
    assert history_days(7) == 37
    days = [D(2019, 10, 1) + dt.timedelta(days=i) for i in range(60)]
    assert days_to_score(days, 2) == [D(2019, 11, 28), D(2019, 11, 29)]
    assert check_history(days, [D(2019, 11, 29)], 7) == D(2019, 10, 23)
    with pytest.raises(ScoringInputError, match="needs every day from 2019-09-24 .* lacks 7 day"):
        check_history(days, [D(2019, 10, 31)], 7)
    gap = [day for day in days if day != D(2019, 11, 1)]
    with pytest.raises(ScoringInputError, match="lacks 1 day.*2019-11-01"):
        check_history(gap, [D(2019, 11, 29)], 7)
    with pytest.raises(ScoringInputError, match="no transactions on the day"):
        check_history(days, [D(2019, 12, 5)], 7)
    with pytest.raises(ScoringInputError, match="holds no transactions"):
        days_to_score([], 1)


@pytest.fixture(scope="module")
def cleaned(spark, tmp_path_factory):
    from fraud_jobs.clean.cli import main as clean_main

    root = tmp_path_factory.mktemp("score-frame")
    generate(preset_config("handbook", seed=5, customers=120, terminals=60, days=42), str(root / "raw"))
    clean = ["--input", str(root / "raw"), "--output", str(root / "clean"), "--report", str(root / "r.json")]
    assert clean_main(clean) == 0
    return spark.read.parquet(str(root / "clean"))


def test_scored_rows_have_the_training_features_and_the_threshold_decision(cleaned):
    features = add_features(cleaned, 7)
    model = Pipeline(
        stages=[
            VectorAssembler(inputCols=FEATURE_COLUMNS, outputCol="features"),
            LogisticRegression(featuresCol="features", labelCol="tx_fraud", maxIter=5),
        ]
    ).fit(features)
    last = cleaned.agg(F.max("tx_date")).first()[0]
    days = [last - dt.timedelta(days=1), last]
    scored, thresholds = score_rows(model, cleaned, days, 7, 0.3, "fraud-test", "4", HANDBOOK)
    assert thresholds == {day: 0.3 for day in days}  # no operating point: the fixed threshold
    assert schema_drift(scored.schema, SCORES_SCHEMA) == []
    rows = scored.collect()
    # Same feature values as over the whole input: the look-back window cut before them changes nothing.
    expected = {
        r["transaction_id"]: r
        for r in features.filter(F.col("tx_date").isin(days))
        .select("transaction_id", *FEATURE_COLUMNS)
        .collect()
    }
    assert len(rows) == len(expected) > 0
    for row in rows:
        for name in FEATURE_COLUMNS:
            assert row[name] == pytest.approx(float(expected[row["transaction_id"]][name]), rel=1e-12), name
        assert all(row[name] is None for name in set(feature_columns(EXTENDED)) - set(FEATURE_COLUMNS))
        assert row["decision"] == int(row["score"] > 0.3)
        assert (row["model_name"], row["model_version"]) == ("fraud-test", "4")
    summary = day_summary(scored)
    assert [s["day"] for s in summary] == [d.isoformat() for d in days]
    assert sum(s["alerts"] for s in summary) == sum(r["decision"] for r in rows)


def test_scores_written_before_a_feature_set_added_columns_read_with_every_column(spark, tmp_path):
    """A release that adds feature columns appends days with a wider schema to the same table; monitoring
    must see one table with the current schema, the older days' new columns null."""
    from pyspark.sql import Row

    from fraud_jobs.features.terminal_fraud_age import TERMINAL_FRAUD_AGE_COLUMNS
    from fraud_jobs.score.frame import read_scores

    def day_row(day):
        values = {field.name: None for field in SCORES_SCHEMA.fields}
        values.update(transaction_id=1, customer_id=2, terminal_id=3, score=0.5, decision=1, tx_date=day)
        values.update({name: 4.0 for name in TERMINAL_FRAUD_AGE_COLUMNS})
        return Row(**values)

    older = StructType([f for f in SCORES_SCHEMA.fields if f.name not in TERMINAL_FRAUD_AGE_COLUMNS])
    table = str(tmp_path / "scores")
    for day, schema in ((D(2019, 10, 1), older), (D(2019, 10, 2), SCORES_SCHEMA)):
        row = day_row(day)
        frame = spark.createDataFrame([[row[f.name] for f in schema.fields]], schema)
        frame.write.mode("overwrite").option("partitionOverwriteMode", "dynamic").partitionBy(
            "tx_date"
        ).parquet(table)
    scores = read_scores(spark, table)
    assert schema_drift(scores.schema, SCORES_SCHEMA) == []
    by_day = {r["tx_date"]: r for r in scores.collect()}
    assert [by_day[D(2019, 10, 1)][name] for name in TERMINAL_FRAUD_AGE_COLUMNS] == [None] * 3
    assert [by_day[D(2019, 10, 2)][name] for name in TERMINAL_FRAUD_AGE_COLUMNS] == [4.0] * 3
