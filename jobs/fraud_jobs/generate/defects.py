"""Data defects of the real course dataset: default rates and their injection into one day of rows.

Each generated row carries at most one defect, so a cleaning report can be checked against the
manifest list by list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Dict, Mapping, Tuple

import numpy as np

from fraud_jobs.common.cleaning_rules import DROPPED_TRANSACTIONS, REAL_COUNTS, RULE_NAMES

from .simulator import DayRows

# The catalogue's order is the manifest order; it is also the order of the probability thresholds of one draw.
DEFECT_NAMES = RULE_NAMES
# Defects whose rows a correct cleaning drops; `midnight` and `seconds` rows are kept and fixed.
DROPPED_DEFECTS = DROPPED_TRANSACTIONS

# Rows of the full dataset (shared/reference/dataset.md); the per-rule counts are in the catalogue.
REAL_ROWS = 1_879_794_138

UNKNOWN_CUSTOMER_ID = -999999
EMPTY_TERMINAL_SHARE = 13_060 / 40_312  # the rest is the text `Err`
# Real corrupt terminal ids and how often each occurs.
OUT_OF_RANGE_TERMINALS = np.array([89518096, 21861, 618230, 22225, 436002], dtype=np.int64)
OUT_OF_RANGE_WEIGHTS = np.array([513_023, 59_066, 2_643, 333, 90], dtype=np.float64)
# `seconds` rows count from one of these wrong origins (Unix time; the handbook's start date).
WRONG_ORIGINS = (dt.date(1970, 1, 1), dt.date(2018, 4, 1))

TERMINAL_NUMBER, TERMINAL_EMPTY, TERMINAL_ERR = 0, 1, 2
NO_MALFORMATION = -1
# Ways a line is malformed (writer.py renders them); each breaks exactly one cleaning parse rule.
MALFORMATIONS = (
    "missing_field",
    "extra_field",
    "bad_transaction_id",
    "bad_datetime",
    "bad_customer_id",
    "bad_amount",
    "bad_seconds",
    "bad_days",
    "bad_fraud",
    "fraud_out_of_set",
    "bad_scenario",
    "scenario_out_of_range",
)
_STREAM_DEFECTS = 3
_OUT_OF_RANGE = "terminal_out_of_range"
_SECONDS_PER_DAY = 86_400


# The simulator itself rounds about 1.88e-5 of amounts to 0.00: N(m, m/2) or U(0, 2m) below 0.005,
# averaged over m ~ U(5, 100). That matches the real 35,260 / 1,879,794,138 = 1.876e-5, so the real
# zero amounts are the simulator's own and the injected share is what the natural one leaves.
NATURAL_ZERO_AMOUNT_RATE = 1.883e-5


def default_rates(scale: float = 1.0) -> Dict[str, float]:
    """Injected per-row rates giving `scale` times the real data's share of each defect."""
    rates = {name: scale * REAL_COUNTS[name] / REAL_ROWS for name in DEFECT_NAMES}
    rates["non_positive_amount"] = max(0.0, rates["non_positive_amount"] - NATURAL_ZERO_AMOUNT_RATE)
    return rates


def out_of_range_possible(terminals: int) -> bool:
    """Whether some real corrupt id lies outside the simulated terminal ids 0..terminals-1."""
    return bool((OUT_OF_RANGE_TERMINALS >= terminals).any())


@dataclass
class RawRows:
    """One day of rows as they will be written, defects applied (numpy arrays of equal length)."""

    transaction_id: np.ndarray
    datetime_day: np.ndarray  # day index of the printed date
    datetime_second: np.ndarray  # printed time of day; 86400 prints as 24:00:00
    customer_id: np.ndarray
    terminal_id: np.ndarray
    terminal_text: np.ndarray  # TERMINAL_NUMBER, TERMINAL_EMPTY or TERMINAL_ERR
    amount_cents: np.ndarray
    seconds: np.ndarray
    days: np.ndarray
    fraud: np.ndarray
    scenario: np.ndarray
    malformation: np.ndarray  # NO_MALFORMATION or an index into MALFORMATIONS
    copies: np.ndarray  # 1, or 2 for a row written twice (exact duplicate)

    def __len__(self) -> int:
        return len(self.transaction_id)


def inject_defects(
    rows: DayRows, first_id: int, epoch: dt.date, rates: Mapping[str, float], seed: int, terminals: int
) -> Tuple[RawRows, Dict[str, np.ndarray]]:
    """Apply at most one defect per row; returns the rows to write and {defect name: row indices}.

    Draws come from a stream of their own, so the same seed gives the same transactions with or
    without defects."""
    n = len(rows)
    day = rows.day
    rng = np.random.default_rng([seed, _STREAM_DEFECTS, day])
    thresholds = np.cumsum([rates[name] for name in DEFECT_NAMES])
    kind = np.searchsorted(thresholds, rng.random(n), side="right")  # len(DEFECT_NAMES) means none
    none = len(DEFECT_NAMES)
    # A corrupt terminal cannot belong to a compromised terminal: real such rows are almost never fraud.
    kind[(kind == DEFECT_NAMES.index(_OUT_OF_RANGE)) & (rows.scenario == 2)] = none
    # Amounts that round to 0.00 occur naturally; cleaning drops them, so they are listed too.
    kind[rows.amount_cents <= 0] = DEFECT_NAMES.index("non_positive_amount")
    at = {name: np.flatnonzero(kind == i) for i, name in enumerate(DEFECT_NAMES)}

    datetime_second = rows.second_of_day.copy()
    datetime_second[at["midnight"]] = _SECONDS_PER_DAY  # next day 00:00:00, printed as 24:00:00
    seconds = day * _SECONDS_PER_DAY + datetime_second
    origin_shift = np.array(
        [(epoch - origin).days * _SECONDS_PER_DAY for origin in WRONG_ORIGINS if origin < epoch]
    )
    seconds[at["seconds"]] += rng.choice(origin_shift, size=len(at["seconds"]))

    customer_id = rows.customer_id.copy()
    customer_id[at["unknown_customer"]] = UNKNOWN_CUSTOMER_ID
    terminal_id = rows.terminal_id.copy()
    terminal_text = np.zeros(n, dtype=np.int8)
    unknown = at["unknown_terminal"]
    terminal_text[unknown] = np.where(
        rng.random(len(unknown)) < EMPTY_TERMINAL_SHARE, TERMINAL_EMPTY, TERMINAL_ERR
    )
    out_of_range = at[_OUT_OF_RANGE]
    if len(out_of_range):
        weights = np.where(OUT_OF_RANGE_TERMINALS >= terminals, OUT_OF_RANGE_WEIGHTS, 0.0)
        terminal_id[out_of_range] = rng.choice(
            OUT_OF_RANGE_TERMINALS, size=len(out_of_range), p=weights / weights.sum()
        )
    amount_cents = rows.amount_cents.copy()
    amount_cents[at["non_positive_amount"]] = 0
    malformation = np.full(n, NO_MALFORMATION, dtype=np.int8)
    malformation[at["malformed"]] = rng.integers(0, len(MALFORMATIONS), size=len(at["malformed"]))
    copies = np.ones(n, dtype=np.int64)
    copies[at["duplicate"]] = 2

    raw = RawRows(
        transaction_id=first_id + np.arange(n, dtype=np.int64),
        datetime_day=np.full(n, day, dtype=np.int64),
        datetime_second=datetime_second,
        customer_id=customer_id,
        terminal_id=terminal_id,
        terminal_text=terminal_text,
        amount_cents=amount_cents,
        seconds=seconds,
        days=np.full(n, day, dtype=np.int64),
        fraud=(rows.scenario > 0).astype(np.int64),
        scenario=rows.scenario.astype(np.int64),
        malformation=malformation,
        copies=copies,
    )
    return raw, at
