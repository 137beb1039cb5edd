"""Each cleaning rule on small hand-made lines: what it drops, what it keeps, and rule precedence."""

from __future__ import annotations

import datetime as dt

from fraud_jobs.clean.parse import data_lines

GOOD = "0,2019-08-22 06:51:03,0,711,70.91,24663,0,0,0"
HEADER = (
    "# tranaction_id | tx_datetime | customer_id | terminal_id | tx_amount | tx_time_seconds | tx_time_days"
)


def line(tx_id=5, when="2019-08-23 01:00:00", customer="1", terminal="5", amount="10.00", seconds="90000",
         days="1", fraud="0", scenario="0"):  # fmt: skip
    return ",".join(str(v) for v in (tx_id, when, customer, terminal, amount, seconds, days, fraud, scenario))


def test_header_and_blank_lines_are_not_data_and_no_data_row_is_lost(lines_frame):
    frame = lines_frame([HEADER, GOOD, "", "   ", line(1)])
    assert [row.value for row in data_lines(frame).collect()] == [GOOD, line(1)]


MALFORMED = [
    (line()[: line().rindex(",")], "expected 9 fields, got 8"),
    (line() + ",0", "expected 9 fields, got 10"),
    (line(tx_id="n/a"), "transaction_id does not parse"),
    (line(tx_id="1.5"), "transaction_id does not parse"),
    (line(when="n/a"), "tx_datetime does not parse"),
    (line(when="2019-08-23"), "tx_datetime does not parse"),
    (line(when="2019-02-30 01:00:00"), "tx_datetime does not parse"),
    (line(when="2019-08-23 24:30:00"), "tx_datetime does not parse"),
    (line(customer="x"), "customer_id does not parse"),
    (line(amount="n/a"), "tx_amount does not parse"),
    (line(amount="NaN"), "tx_amount does not parse"),
    (line(seconds=""), "tx_time_seconds does not parse"),
    (line(days="1.0"), "tx_time_days does not parse"),
    (line(fraud="yes"), "tx_fraud does not parse"),
    (line(fraud="2"), "tx_fraud outside {0,1}"),
    (line(scenario="n/a"), "tx_fraud_scenario does not parse"),
    (line(scenario="4"), "tx_fraud_scenario outside 0..3"),
    (line(scenario="-1"), "tx_fraud_scenario outside 0..3"),
]


def test_malformed_lines_are_dropped_with_their_reason(clean_lines):
    # One Spark run for the whole table (same id everywhere: malformed rows never count as duplicates).
    rows = clean_lines([text for text, _ in MALFORMED])
    got = [(rows[key]["drop_reason"], rows[key]["malformed"]) for key in range(len(MALFORMED))]
    assert got == [("malformed", reason) for _, reason in MALFORMED]


def test_not_malformed_midnight_and_non_numeric_terminal(clean_lines):
    rows = clean_lines([line(1, "2019-08-22 24:00:00", seconds="86400", days="0"), line(2, terminal="Err")])
    assert rows[0]["drop_reason"] is None and rows[0]["malformed"] is None
    assert rows[1]["drop_reason"] == "unknown_terminal" and rows[1]["malformed"] is None


def test_duplicate_keeps_the_first_copy_and_ignores_malformed_copies(clean_lines):
    rows = clean_lines([line(tx_id=7), line(tx_id=8), line(tx_id=7), line(tx_id=8, fraud="9"), line(tx_id=7)])
    assert [rows[key]["drop_reason"] for key in range(5)] == [
        None,
        None,
        "duplicate",
        "malformed",
        "duplicate",
    ]


DROPPED = [
    (line(1, customer="-999999"), "unknown_customer"),
    (line(2, customer="-1"), "unknown_customer"),
    (line(3, terminal=""), "unknown_terminal"),
    (line(4, terminal="Err"), "unknown_terminal"),
    (line(5, terminal="12.5"), "unknown_terminal"),
    (line(6, terminal="89518096"), "terminal_out_of_range"),
    (line(7, terminal="1000"), "terminal_out_of_range"),
    (line(8, terminal="-3"), "terminal_out_of_range"),
    (line(9, amount="0.00"), "non_positive_amount"),
    (line(10, amount="-5.10"), "non_positive_amount"),
    (line(11, terminal="999", amount="0.01"), None),
]


def test_drop_rules(clean_lines):
    rows = clean_lines([text for text, _ in DROPPED])
    assert [rows[key]["drop_reason"] for key in range(len(DROPPED))] == [reason for _, reason in DROPPED]


def test_each_drop_counts_under_the_first_rule_in_order(clean_lines):
    texts = [
        line(tx_id=1),
        line(tx_id=1, customer="-999999", terminal="Err", amount="0"),  # duplicate first
        line(tx_id=2, customer="-999999", terminal="Err", amount="0"),
        line(tx_id=3, terminal="Err", amount="0"),
        line(tx_id=4, terminal="5000", amount="0"),
        line(tx_id=5, customer="x", terminal="Err"),  # malformed before everything
    ]
    rows = clean_lines(texts)
    reasons = [rows[key]["drop_reason"] for key in range(len(texts))]
    assert reasons == [None, "duplicate", "unknown_customer", "unknown_terminal", "terminal_out_of_range",
                       "malformed"]  # fmt: skip


def test_max_terminal_id_is_configurable(clean_lines):
    rows = clean_lines([line(terminal="1000"), line(tx_id=6, terminal="1001")], max_terminal_id=1000)
    assert [rows[0]["drop_reason"], rows[1]["drop_reason"]] == [None, "terminal_out_of_range"]


def test_legitimate_zeros_and_large_amounts_survive(clean_lines):
    texts = [GOOD, line(tx_id=9, customer="0", terminal="0", amount="1999999.99", fraud="1", scenario="1")]
    rows = clean_lines(texts)
    assert [rows[0]["drop_reason"], rows[1]["drop_reason"]] == [None, None]
    assert (rows[0]["transaction_id"], rows[0]["customer_id"]) == (0, 0)
    assert (rows[1]["terminal_id"], rows[1]["tx_amount"]) == (0, 1999999.99)


def test_midnight_becomes_next_day_and_days_are_recomputed(clean_lines):
    row = clean_lines([line(when="2019-08-22 24:00:00", seconds="86400", days="0")])[0]
    assert row["tx_datetime"] == dt.datetime(2019, 8, 23, 0, 0, 0)
    assert (row["tx_time_seconds"], row["tx_time_days"]) == (86400, 1)
    assert (row["fixed_midnight"], row["fixed_seconds"]) == (True, False)


def test_seconds_from_a_wrong_origin_are_recomputed_from_the_datetime(clean_lines):
    row = clean_lines([line(when="2019-08-23 01:00:00", seconds=str(1566522000), days="1")])[0]
    assert (row["tx_time_seconds"], row["tx_time_days"]) == (90000, 1)
    assert (row["fixed_midnight"], row["fixed_seconds"]) == (False, True)


def test_a_correct_row_is_kept_unchanged(clean_lines):
    row = clean_lines([GOOD])[0]
    assert row["tx_datetime"] == dt.datetime(2019, 8, 22, 6, 51, 3)
    assert (row["terminal_id"], row["tx_amount"], row["tx_time_seconds"], row["tx_time_days"]) == (
        711,
        70.91,
        24663,
        0,
    )
    assert (row["fixed_midnight"], row["fixed_seconds"], row["drop_reason"]) == (False, False, None)
