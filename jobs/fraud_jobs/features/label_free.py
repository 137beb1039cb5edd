"""Label-free features: computed from the transactions alone (never `tx_fraud`), so they react to a change
at a terminal or a card on the day it happens, while the terminal-risk features wait `delay` days for labels.

Every window ends at the current transaction (t, same-second ties included, like the customer windows) and
reaches back at most 30 days, so the history the handbook features need (protocol.history_start) covers them.
Ratios are taken on whole-cent integer sums, so Spark and the pandas reference agree bit for bit. Every
range total is a difference of running totals (`range_totals.py`): linear in a terminal's rows.

- terminal_recent_nb_tx_1day: the terminal's transactions over (t - 1 day, t], no label delay.
- terminal_activity_spike_1day: that count against the terminal's own daily rate over (t - 30 d, t - 1 d]:
  recent x 29 / (earlier + 1); about 1 for a steady terminal, large for a sudden burst.
- customer_terminal_is_new: 1 when the card used this terminal in none of the 21 days before t.
- terminal_new_customer_share_7day: the share of the terminal's transactions over (t - 7 d, t] made by a card
  new to it (the flag above); a skimmer or a fraud ring shows up as a wave of unfamiliar cards.
- terminal_amount_ratio_30day / customer_amount_ratio_30day: the amount against the terminal's / the card's
  average amount over [t - 30 d, t) (the current transaction and its same-second ties left out, so a burst
  of large amounts does not hide in its own average); 1.0 without history.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from fraud_jobs.features.customer import amount_cents
from fraud_jobs.features.range_totals import range_count, range_count_and_sum
from fraud_jobs.features.time_columns import SECONDS_PER_DAY, epoch_seconds

HISTORY_DAYS = 30
NOVELTY_DAYS = 21
SHARE_DAYS = 7

TERMINAL_RECENT_NB_TX = "terminal_recent_nb_tx_1day"
TERMINAL_ACTIVITY_SPIKE = "terminal_activity_spike_1day"
CUSTOMER_TERMINAL_IS_NEW = "customer_terminal_is_new"
TERMINAL_NEW_CUSTOMER_SHARE = f"terminal_new_customer_share_{SHARE_DAYS}day"
TERMINAL_AMOUNT_RATIO = f"terminal_amount_ratio_{HISTORY_DAYS}day"
CUSTOMER_AMOUNT_RATIO = f"customer_amount_ratio_{HISTORY_DAYS}day"

LABEL_FREE_COLUMNS = [
    TERMINAL_RECENT_NB_TX,
    TERMINAL_ACTIVITY_SPIKE,
    CUSTOMER_TERMINAL_IS_NEW,
    TERMINAL_NEW_CUSTOMER_SHARE,
    TERMINAL_AMOUNT_RATIO,
    CUSTOMER_AMOUNT_RATIO,
]
# The novelty flag looks NOVELTY_DAYS back from each transaction of the share window.
assert NOVELTY_DAYS + SHARE_DAYS <= HISTORY_DAYS, "label-free features must fit the 30-day history"

_SECONDS = "_event_seconds"
_CENTS = "_amount_cents"


def _days(days: int) -> int:
    return days * SECONDS_PER_DAY


def _amount_ratio(partition: str) -> Column:
    """Amount / the partition's average over [t - 30 d, t): cents x n / sum(cents); 1.0 without history."""
    ordered = Window.partitionBy(partition).orderBy(_SECONDS)
    count, total = range_count_and_sum(ordered, -_days(HISTORY_DAYS), -1, F.col(_CENTS))
    return F.when(count > 0, F.col(_CENTS) * count / total).otherwise(F.lit(1.0))


def add_label_free_features(df: DataFrame) -> DataFrame:
    out = df.withColumn(_SECONDS, epoch_seconds()).withColumn(_CENTS, amount_cents())
    terminal = Window.partitionBy("terminal_id").orderBy(_SECONDS)
    recent = range_count(terminal, -(_days(1) - 1), 0)
    # (t - 30 d, t - 1 d]: the 29 days before the recent day.
    earlier = range_count(terminal, -(_days(HISTORY_DAYS) - 1), -_days(1))
    pair = Window.partitionBy("customer_id", "terminal_id").orderBy(_SECONDS)
    seen_before = range_count(pair, -_days(NOVELTY_DAYS), -1)
    share_rows, new_customers = range_count_and_sum(
        terminal, -(_days(SHARE_DAYS) - 1), 0, F.col(CUSTOMER_TERMINAL_IS_NEW)
    )
    return (
        out.withColumn(TERMINAL_RECENT_NB_TX, recent)
        .withColumn(
            TERMINAL_ACTIVITY_SPIKE,
            F.col(TERMINAL_RECENT_NB_TX) * float(HISTORY_DAYS - 1) / (earlier + 1),
        )
        .withColumn(CUSTOMER_TERMINAL_IS_NEW, (seen_before == 0).cast("int"))
        .withColumn(
            TERMINAL_NEW_CUSTOMER_SHARE,
            new_customers / share_rows,
        )
        .withColumn(TERMINAL_AMOUNT_RATIO, _amount_ratio("terminal_id"))
        .withColumn(CUSTOMER_AMOUNT_RATIO, _amount_ratio("customer_id"))
        .drop(_SECONDS, _CENTS)
    )
