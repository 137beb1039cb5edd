"""The label-delayed terminal fraud ages: equal to the pandas reference, blind to labels and transactions
from t - delay on, and their window bounds on hand-made cases."""

from __future__ import annotations

import datetime as dt

import pytest
from pandas.testing import assert_frame_equal
from pandas_reference import reference_terminal_fraud_age_features
from pyspark.sql import functions as F

from fraud_jobs.features import (
    EXTENDED,
    EXTENDED_FRAUD_AGE,
    HANDBOOK,
    add_features,
    feature_columns,
)
from fraud_jobs.features.terminal_fraud_age import (
    TERMINAL_FRAUD_AGE_COLUMNS,
    add_terminal_fraud_age_features,
)

ORIGIN = dt.datetime(2018, 4, 1)  # tx_time_seconds counts from here in the fixtures
CUTOFF_SECONDS = 29 * 86400
DELAY_DAYS = 7
EDGE_SECONDS = CUTOFF_SECONDS - DELAY_DAYS * 86400  # labels and rows from here on are unknown at CUTOFF


def fraud_ages(df, delay_days=DELAY_DAYS):
    features = add_terminal_fraud_age_features(df, delay_days)
    selected = features.select("transaction_id", "tx_time_seconds", *TERMINAL_FRAUD_AGE_COLUMNS)
    return selected.toPandas().sort_values("transaction_id").reset_index(drop=True)


@pytest.mark.parametrize(
    "sample, delay_days", [("generated", 7), ("generated", 1), ("generated", 0), ("from_generator", 7)]
)
def test_terminal_fraud_ages_equal_the_pandas_reference_exactly(sample, delay_days, request):
    pdf, sdf = request.getfixturevalue(sample)
    want = reference_terminal_fraud_age_features(pdf, delay_days)
    want = want.sort_values("transaction_id").reset_index(drop=True)
    got = fraud_ages(sdf, delay_days)
    assert_frame_equal(
        got[TERMINAL_FRAUD_AGE_COLUMNS], want[TERMINAL_FRAUD_AGE_COLUMNS], check_dtype=False, check_exact=True
    )
    # Both states occur, or the comparison could pass on a column of -1.
    assert (got[TERMINAL_FRAUD_AGE_COLUMNS[0]] == -1).any() and (got[TERMINAL_FRAUD_AGE_COLUMNS[0]] > 0).any()


def with_clean_terminals(sdf):
    """The sample with no fraud at the odd terminals until 3 days before EDGE_SECONDS: rows at or before
    CUTOFF see terminals with and without a known fraud (a leak from later frauds shows on the latter)."""
    clean = (F.col("terminal_id") % 2 == 1) & (F.col("tx_time_seconds") < EDGE_SECONDS - 3 * 86400)
    return sdf.withColumn("tx_fraud", F.when(clean, F.lit(0)).otherwise(F.col("tx_fraud")))


def assert_unchanged_through_cutoff(before, after):
    seen = before["tx_time_seconds"] <= CUTOFF_SECONDS
    known = before.loc[seen, TERMINAL_FRAUD_AGE_COLUMNS[0]]
    assert (known == -1).any() and (known > 0).any()
    assert_frame_equal(before.loc[seen], after.loc[seen], check_exact=True)
    # The change must show up later, or this test could not fail.
    assert not before.loc[~seen].equals(after.loc[~seen])


def test_labels_at_or_after_t_minus_delay_never_change_the_ages(generated):
    sdf = with_clean_terminals(generated[1])
    late = F.col("tx_time_seconds") >= EDGE_SECONDS
    flipped = sdf.withColumn("tx_fraud", F.when(late, 1 - F.col("tx_fraud")).otherwise(F.col("tx_fraud")))
    assert_unchanged_through_cutoff(fraud_ages(sdf), fraud_ages(flipped))


def test_transactions_at_or_after_t_minus_delay_never_change_the_ages(generated):
    """Added transactions from CUTOFF - delay on (copies of the later rows with the label flipped, and a
    fraud and a legit one at every terminal exactly at CUTOFF - delay) change no age of a row up to CUTOFF."""
    sdf = with_clean_terminals(generated[1])
    edge = EDGE_SECONDS
    added_id = F.col("transaction_id") + 1_000_000
    copies = (
        sdf.where(F.col("tx_time_seconds") >= edge)
        .withColumn("transaction_id", added_id)
        .withColumn("tx_fraud", 1 - F.col("tx_fraud"))
    )
    at_edge = [
        sdf.dropDuplicates(["terminal_id"])
        .withColumn("transaction_id", added_id + 1_000_000 * (2 + label))
        .withColumn("tx_datetime", F.lit(ORIGIN + dt.timedelta(seconds=edge)))
        .withColumn("tx_time_seconds", F.lit(edge).cast("long"))
        .withColumn("tx_fraud", F.lit(label))
        for label in (0, 1)
    ]
    extended = sdf.unionByName(copies).unionByName(at_edge[0]).unionByName(at_edge[1])
    before = fraud_ages(sdf)
    after = fraud_ages(extended)
    after = after[after["transaction_id"] < 1_000_000].reset_index(drop=True)
    assert_unchanged_through_cutoff(before, after)


def by_id(df, delay_days):
    return {row["transaction_id"]: row for row in add_terminal_fraud_age_features(df, delay_days).collect()}


def test_known_fraud_window_bounds_and_legit_count_on_hand_made_rows(cleaned_frame):
    rows = [
        (1, "2018-04-01 12:00:00", 1, 5, 10.0, 1),  # a fraud at t0
        (2, "2018-04-01 12:00:00", 2, 5, 10.0, 0),  # legit at the fraud's second: not "after" it
        (3, "2018-04-02 12:00:00", 3, 5, 10.0, 1),  # a second fraud at t0 + 1 d
        (4, "2018-04-03 12:00:00", 4, 5, 10.0, 0),  # legit after it
        (5, "2018-04-08 11:59:59", 5, 5, 10.0, 0),  # t0 + 7 d - 1 s: t0 still inside the delay
        (6, "2018-04-08 12:00:00", 6, 5, 10.0, 0),  # t0 + 7 d: [t - d - 30 d, t - d) ends just before t0
        (7, "2018-04-08 12:00:01", 7, 5, 10.0, 0),  # t0 + 7 d + 1 s: t0 is known
        (8, "2018-04-12 12:00:00", 8, 5, 10.0, 0),  # t0 + 11 d: both frauds and tx 4 known
        (9, "2018-04-12 12:00:00", 9, 6, 10.0, 0),  # another terminal: nothing known
        (10, "2018-05-08 12:00:00", 1, 5, 10.0, 0),  # t0 + 37 d: t - d - 30 d = t0, still in
        (11, "2018-05-08 12:00:01", 1, 5, 10.0, 0),  # t0 + 37 d + 1 s: t0 out, t0 + 1 d the first
        (12, "2018-05-09 12:00:01", 1, 5, 10.0, 0),  # t0 + 38 d + 1 s: no fraud left in the window
    ]
    got = by_id(cleaned_frame(rows), delay_days=7)

    def ages(tx):
        row = got[tx]
        return [row[name] for name in TERMINAL_FRAUD_AGE_COLUMNS]

    for tx in (1, 2, 3, 4, 5, 6, 9, 12):
        assert ages(tx) == [-1.0, -1.0, -1], tx
    day = 86400.0
    assert ages(7) == [(7 * day + 1) / day, (7 * day + 1) / day, 0]
    assert ages(8) == [11.0, 10.0, 1]  # tx 4 only: tx 2 shares the first fraud's second
    assert ages(10) == [37.0, 36.0, 5]  # txs 4 .. 8: legit, after t0 + 1 d, before t - d
    assert ages(11) == [(36 * day + 1) / day, (36 * day + 1) / day, 5]


def test_delay_zero_reads_labels_up_to_the_previous_second(cleaned_frame):
    rows = [(1, "2018-04-01 12:00:00", 1, 5, 10.0, 1), (2, "2018-04-01 12:00:01", 2, 5, 10.0, 0)]
    got = by_id(cleaned_frame(rows), delay_days=0)
    assert got[1]["terminal_last_known_fraud_age_days"] == -1.0  # its own label is not known at t
    assert got[2]["terminal_last_known_fraud_age_days"] == 1 / 86400.0


def test_negative_delay_is_rejected(cleaned_frame):
    with pytest.raises(ValueError, match="delay_days"):
        add_terminal_fraud_age_features(cleaned_frame([(1, "2018-04-01 12:00:00", 1, 5, 10.0, 0)]), -1)


def test_extended_fraud_age_set_is_the_extended_set_then_the_ages(generated):
    _, sdf = generated
    assert feature_columns(EXTENDED_FRAUD_AGE) == feature_columns(EXTENDED) + TERMINAL_FRAUD_AGE_COLUMNS
    computed = add_features(sdf, DELAY_DAYS, EXTENDED_FRAUD_AGE)
    assert set(feature_columns(EXTENDED_FRAUD_AGE)) <= set(computed.columns)
    # The other sets neither list nor compute them.
    for other in (HANDBOOK, EXTENDED):
        assert not set(TERMINAL_FRAUD_AGE_COLUMNS) & set(add_features(sdf, DELAY_DAYS, other).columns)
    # Through add_features they honour the delay given to it: equal to the function's own output.
    direct = fraud_ages(sdf, 3)
    through = add_features(sdf, 3, EXTENDED_FRAUD_AGE).select(
        "transaction_id", "tx_time_seconds", *TERMINAL_FRAUD_AGE_COLUMNS
    )
    through = through.toPandas().sort_values("transaction_id").reset_index(drop=True)
    assert_frame_equal(direct, through, check_exact=True)
