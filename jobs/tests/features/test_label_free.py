"""The label-free features: equal to the pandas reference, blind to labels, blind to the future, and
their window bounds on hand-made cases."""

from __future__ import annotations

import pytest
from pandas.testing import assert_frame_equal
from pandas_reference import reference_label_free_features
from pyspark.sql import functions as F

from fraud_jobs.features import EXTENDED, FEATURE_COLUMNS, add_features, feature_columns
from fraud_jobs.features.label_free import LABEL_FREE_COLUMNS, add_label_free_features

CUTOFF_SECONDS = 29 * 86400  # tx_time_seconds counts from 2018-04-01 in the fixtures


def label_free(df):
    features = add_label_free_features(df).select("transaction_id", "tx_time_seconds", *LABEL_FREE_COLUMNS)
    return features.toPandas().sort_values("transaction_id").reset_index(drop=True)


@pytest.mark.parametrize("sample", ["generated", "from_generator"])
def test_label_free_features_equal_the_pandas_reference_exactly(sample, request):
    pdf, sdf = request.getfixturevalue(sample)
    want = reference_label_free_features(pdf).sort_values("transaction_id").reset_index(drop=True)
    got = label_free(sdf)
    assert_frame_equal(got[LABEL_FREE_COLUMNS], want[LABEL_FREE_COLUMNS], check_dtype=False, check_exact=True)


def test_label_free_features_never_read_a_label(generated):
    _, sdf = generated
    flipped = sdf.withColumn("tx_fraud", 1 - F.col("tx_fraud"))
    assert_frame_equal(label_free(sdf), label_free(flipped), check_exact=True)


def test_label_free_features_use_only_past_transactions(generated):
    """Rewriting every transaction after the cutoff (amount, card, terminal) changes no feature of a
    transaction at or before it."""
    _, sdf = generated
    later = F.col("tx_time_seconds") > CUTOFF_SECONDS
    rewritten = (
        sdf.withColumn("tx_amount", F.when(later, F.col("tx_amount") * 7 + 1).otherwise(F.col("tx_amount")))
        .withColumn("terminal_id", F.when(later, F.col("terminal_id") % 3).otherwise(F.col("terminal_id")))
        .withColumn("customer_id", F.when(later, F.col("customer_id") % 4).otherwise(F.col("customer_id")))
    )
    before, after = label_free(sdf), label_free(rewritten)
    seen = before["tx_time_seconds"] <= CUTOFF_SECONDS
    assert_frame_equal(before.loc[seen], after.loc[seen], check_exact=True)
    # The rewrite must show up after the cutoff, or this test could not fail.
    assert not before.loc[~seen, LABEL_FREE_COLUMNS].equals(after.loc[~seen, LABEL_FREE_COLUMNS])


def by_id(df):
    return {row["transaction_id"]: row for row in add_label_free_features(df).collect()}


def test_activity_spike_and_novelty_on_hand_made_rows(cleaned_frame):
    rows = [
        (1, "2018-04-01 10:00:00", 1, 5, 10.00, 0),
        (2, "2018-04-10 10:00:00", 1, 5, 30.00, 0),  # same card and terminal 9 days later: not new
        (3, "2018-05-01 10:00:01", 1, 5, 20.00, 0),  # 21 days + 1 s after tx 2: out of [t - 21 d, t)
        (4, "2018-05-01 10:00:01", 2, 5, 20.00, 0),  # same second, another card: new, counts in the day
        (5, "2018-05-02 10:00:00", 3, 5, 80.00, 0),  # third in (t - 1 d, t]
    ]
    got = by_id(cleaned_frame(rows))
    assert got[1]["customer_terminal_is_new"] == 1
    assert got[2]["customer_terminal_is_new"] == 0
    assert got[3]["customer_terminal_is_new"] == 1
    assert got[4]["customer_terminal_is_new"] == 1
    assert got[3]["terminal_recent_nb_tx_1day"] == 2  # ties at the same second see each other
    assert got[5]["terminal_recent_nb_tx_1day"] == 3
    # Tx 5: 3 in the last day, 1 (tx 2) in (t - 30 d, t - 1 d]: 3 x 29 / (1 + 1).
    assert got[5]["terminal_activity_spike_1day"] == pytest.approx(43.5)
    assert got[1]["terminal_activity_spike_1day"] == pytest.approx(29.0)
    # Tx 5's 7-day window: txs 3, 4 and 5, all new to the terminal.
    assert got[5]["terminal_new_customer_share_7day"] == 1.0
    assert got[2]["terminal_new_customer_share_7day"] == 0.0  # (t - 7 d, t] holds tx 2 only: not new


def test_amount_ratios_leave_the_current_second_out(cleaned_frame):
    rows = [
        (1, "2018-04-01 10:00:00", 1, 5, 10.00, 0),
        (2, "2018-04-02 10:00:00", 1, 5, 30.00, 0),
        (3, "2018-04-03 10:00:00", 1, 6, 100.00, 0),  # card average before: 20 -> ratio 5
        (4, "2018-04-03 10:00:00", 2, 5, 40.00, 0),  # terminal 5 average before: 20 -> ratio 2
        (5, "2018-05-03 10:00:00", 1, 5, 7.00, 0),  # 30 days after tx 3: [t - 30 d, t) starts at tx 3
    ]
    got = by_id(cleaned_frame(rows))
    assert got[1]["customer_amount_ratio_30day"] == 1.0  # no history
    assert got[1]["terminal_amount_ratio_30day"] == 1.0
    assert got[3]["customer_amount_ratio_30day"] == pytest.approx(5.0)
    assert got[4]["terminal_amount_ratio_30day"] == pytest.approx(2.0)
    assert got[4]["customer_amount_ratio_30day"] == 1.0
    assert got[5]["customer_amount_ratio_30day"] == pytest.approx(7.0 / 100.0)
    # [t - 30 d, t) includes its first second: terminal 5's history is tx 4 alone.
    assert got[5]["terminal_amount_ratio_30day"] == pytest.approx(7.0 / 40.0)


def test_extended_set_is_the_handbook_set_then_the_label_free_columns(generated):
    _, sdf = generated
    assert feature_columns(EXTENDED) == FEATURE_COLUMNS + LABEL_FREE_COLUMNS
    columns = add_features(sdf, 7, EXTENDED).columns
    assert set(feature_columns(EXTENDED)) <= set(columns)
    with pytest.raises(ValueError, match="unknown feature set 'nope'"):
        feature_columns("nope")
