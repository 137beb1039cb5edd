"""How far along a terminal's KNOWN compromise is: the age of its first and of its last known fraud and the
legitimate transactions since that last one. Labels arrive `delay` days late, so like the terminal risk
(terminal.py) these read only labels from [t - delay - 30 days, t - delay); every other row is ignored.

A compromised terminal turns every transaction fraudulent for 28 days: a first known fraud 20 days ago and
a last one just behind the delay says the compromise is most likely still running; a last known fraud long
before the delay, followed by many legitimate transactions, says it is over.

- terminal_first_known_fraud_age_days: (t - the first fraud in the window) in days; -1 when the window
  holds no fraud.
- terminal_last_known_fraud_age_days: (t - the last fraud in the window) in days; -1 likewise.
- terminal_legit_tx_since_known_fraud: the terminal's legitimate transactions after that last fraud's second
  and before t - delay; -1 likewise.

Every frame runs from UNBOUNDED PRECEDING (Spark updates those incrementally, see range_totals.py). The first
fraud is the minimum fraud time at or after t - delay - 30 d, taken over the terminal's rows in reverse time
order; it is kept only when it falls before t - delay, so a later label or transaction never shows through.
"""

from __future__ import annotations

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from fraud_jobs.features.time_columns import SECONDS_PER_DAY, epoch_seconds

KNOWN_FRAUD_DAYS = 30

TERMINAL_FIRST_KNOWN_FRAUD_AGE = "terminal_first_known_fraud_age_days"
TERMINAL_LAST_KNOWN_FRAUD_AGE = "terminal_last_known_fraud_age_days"
TERMINAL_LEGIT_SINCE_KNOWN_FRAUD = "terminal_legit_tx_since_known_fraud"
TERMINAL_FRAUD_AGE_COLUMNS = [
    TERMINAL_FIRST_KNOWN_FRAUD_AGE,
    TERMINAL_LAST_KNOWN_FRAUD_AGE,
    TERMINAL_LEGIT_SINCE_KNOWN_FRAUD,
]
NO_KNOWN_FRAUD = -1

_SECONDS = "_event_seconds"
_SECONDS_BACK = "_event_seconds_back"
_LEGIT_THROUGH = "_legit_through"


def add_terminal_fraud_age_features(df: DataFrame, delay_days: int) -> DataFrame:
    if delay_days < 0:
        raise ValueError(f"delay_days must be >= 0, got {delay_days}")
    delay = delay_days * SECONDS_PER_DAY
    reach = delay + KNOWN_FRAUD_DAYS * SECONDS_PER_DAY
    fraud = F.col("tx_fraud") == 1
    legit_row = F.when(~fraud, F.lit(1))
    fraud_seconds = F.when(fraud, F.col(_SECONDS))
    in_time = Window.partitionBy("terminal_id").orderBy(_SECONDS)
    # Integer seconds: "before t - delay" is "through t - delay - 1 s".
    known = in_time.rangeBetween(Window.unboundedPreceding, -delay - 1)
    # Ordered by -seconds, "from UNBOUNDED PRECEDING through +reach" is every row at or after t - reach.
    from_reach = (
        Window.partitionBy("terminal_id")
        .orderBy(_SECONDS_BACK)
        .rangeBetween(Window.unboundedPreceding, reach)
    )
    last = F.max(fraud_seconds).over(known)
    first = F.min(fraud_seconds).over(from_reach)
    # The legit count through a row's second never decreases with time, so its maximum over the known
    # frauds is its value at the last known fraud.
    legit_since = F.count(legit_row).over(known) - F.max(F.when(fraud, F.col(_LEGIT_THROUGH))).over(known)
    has_known_fraud = F.coalesce(last >= F.col(_SECONDS) - reach, F.lit(False))

    def age_days(fraud_time):
        return F.when(has_known_fraud, (F.col(_SECONDS) - fraud_time) / float(SECONDS_PER_DAY)).otherwise(
            F.lit(float(NO_KNOWN_FRAUD))
        )

    return (
        df.withColumn(_SECONDS, epoch_seconds())
        .withColumn(_SECONDS_BACK, -F.col(_SECONDS))
        .withColumn(
            _LEGIT_THROUGH, F.count(legit_row).over(in_time.rangeBetween(Window.unboundedPreceding, 0))
        )
        .withColumn(TERMINAL_FIRST_KNOWN_FRAUD_AGE, age_days(first))
        .withColumn(TERMINAL_LAST_KNOWN_FRAUD_AGE, age_days(last))
        .withColumn(
            TERMINAL_LEGIT_SINCE_KNOWN_FRAUD,
            F.when(has_known_fraud, legit_since).otherwise(F.lit(NO_KNOWN_FRAUD).cast("long")),
        )
        .drop(_SECONDS, _SECONDS_BACK, _LEGIT_THROUGH)
    )
