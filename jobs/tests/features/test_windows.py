"""Feature values on hand-made cases: window bounds, the label delay and the calendar flags."""

from __future__ import annotations

import re

import pytest

from fraud_jobs.features import FEATURE_COLUMNS, add_features


def by_id(df):
    return {row["transaction_id"]: row for row in df.collect()}


def test_fifteen_features_in_handbook_order():
    assert len(FEATURE_COLUMNS) == 15
    assert FEATURE_COLUMNS[:3] == ["tx_amount", "tx_during_weekend", "tx_during_night"]


def test_customer_windows_include_current_and_exclude_exactly_n_days_ago(cleaned_frame):
    rows = [
        (1, "2018-04-01 10:00:00", 7, 1, 10.00, 0),
        (
            2,
            "2018-04-02 10:00:00",
            7,
            1,
            20.00,
            0,
        ),  # exactly 1 day after tx 1: tx 1 is out of its 1-day window
        (3, "2018-04-02 10:00:00", 7, 2, 31.00, 0),  # same second as tx 2: both see each other
        (4, "2018-04-02 09:59:59", 8, 1, 5.55, 0),  # another customer
    ]
    got = by_id(add_features(cleaned_frame(rows)))
    assert got[1]["customer_nb_tx_1day"] == 1
    assert got[1]["customer_avg_amount_1day"] == 10.0
    assert got[2]["customer_nb_tx_1day"] == 2
    assert got[2]["customer_avg_amount_1day"] == 25.5
    assert got[3]["customer_nb_tx_1day"] == 2
    assert got[2]["customer_nb_tx_7day"] == 3
    assert got[2]["customer_avg_amount_7day"] == pytest.approx(61.0 / 3)
    assert got[4]["customer_nb_tx_30day"] == 1


def test_terminal_features_use_only_labels_older_than_the_delay(cleaned_frame):
    rows = [
        (1, "2018-04-01 12:00:00", 1, 5, 10.0, 1),  # a fraud at t0
        (2, "2018-04-08 11:59:59", 2, 5, 10.0, 0),  # t0 + 7 days - 1 s: the fraud is inside the delay
        (3, "2018-04-08 12:00:00", 3, 5, 10.0, 0),  # t0 + 7 days: [t - d - N, t - d) excludes t0 exactly
        (4, "2018-04-08 12:00:01", 4, 5, 10.0, 0),  # t0 + 7 days + 1 s: now the fraud is known
        (
            5,
            "2018-04-09 12:00:01",
            5,
            5,
            10.0,
            0,
        ),  # t0 + 8 days + 1 s: out of the 1-day window, in the 7-day one
    ]
    got = by_id(add_features(cleaned_frame(rows), delay_days=7))
    for tx in (1, 2, 3):
        assert got[tx]["terminal_nb_tx_30day"] == 0
        assert got[tx]["terminal_risk_30day"] == 0.0
    assert got[4]["terminal_nb_tx_1day"] == 1
    assert got[4]["terminal_risk_1day"] == 1.0
    assert got[5]["terminal_nb_tx_1day"] == 0
    assert got[5]["terminal_risk_1day"] == 0.0
    assert got[5]["terminal_nb_tx_7day"] == 1
    assert got[5]["terminal_risk_7day"] == 1.0


def test_terminal_delay_is_configurable(cleaned_frame):
    rows = [
        (1, "2018-04-01 12:00:00", 1, 5, 10.0, 1),
        (2, "2018-04-02 12:00:01", 2, 5, 10.0, 0),
        (3, "2018-04-02 12:00:02", 3, 5, 10.0, 0),
    ]
    got = by_id(add_features(cleaned_frame(rows), delay_days=1))
    assert got[2]["terminal_nb_tx_1day"] == 1
    assert got[3]["terminal_risk_1day"] == 1.0  # tx 2 (legit) is still inside tx 3's delay


def test_negative_delay_is_rejected(cleaned_frame):
    with pytest.raises(ValueError, match="delay_days"):
        add_features(cleaned_frame([(1, "2018-04-01 12:00:00", 1, 5, 10.0, 0)]), delay_days=-1)


def test_weekend_and_night_flags_in_utc(cleaned_frame):
    rows = [
        (1, "2018-04-06 06:59:59", 1, 1, 1.0, 0),  # Friday, night (hour 6)
        (2, "2018-04-07 07:00:00", 1, 1, 1.0, 0),  # Saturday, day
        (3, "2018-04-08 00:00:00", 1, 1, 1.0, 0),  # Sunday, night
        (4, "2018-04-09 23:59:59", 1, 1, 1.0, 0),  # Monday, day
    ]
    got = by_id(add_features(cleaned_frame(rows)))
    flags = {tx: (got[tx]["tx_during_weekend"], got[tx]["tx_during_night"]) for tx in got}
    assert flags == {1: (0, 1), 2: (1, 0), 3: (1, 1), 4: (0, 0)}


@pytest.mark.parametrize("feature_set", ["handbook", "extended", "extended_fraud_age"])
def test_every_window_frame_runs_from_unbounded_preceding(cleaned_frame, feature_set):
    """Spark recomputes a frame with two moving bounds for every row (rows x frame rows: a 30-day terminal
    frame stalled the 20 M-row benchmark); frames from UNBOUNDED PRECEDING are updated incrementally."""
    rows = [(1, "2018-04-01 10:00:00", 7, 1, 10.00, 0), (2, "2018-04-02 10:00:00", 7, 1, 20.00, 1)]
    plan = (
        add_features(cleaned_frame(rows), feature_set=feature_set)
        ._jdf.queryExecution()
        .executedPlan()
        .toString()
    )
    frames = re.findall(r"specifiedwindowframe\((\w+), ([^,]+), ([^)]+)\)", plan, flags=re.IGNORECASE)
    assert frames, plan
    assert all(lower.startswith("unboundedpreceding") for _, lower, _ in frames), frames
