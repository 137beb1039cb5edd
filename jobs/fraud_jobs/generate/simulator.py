"""The handbook's transaction simulator (Le Borgne et al., chapter 3), vectorised one day at a time.

Customers and terminals live on a 100 x 100 square; a customer pays at terminals within `radius`.
Fraud scenarios: 1 = amount above 220; 2 = every transaction at a compromised terminal for 28 days;
3 = a third of a compromised customer's transactions for 14 days, amount x 5. A later scenario
overwrites the code of an earlier one, as in the book.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_STREAM_PROFILES, _STREAM_FRAUD, _STREAM_DAY = 0, 1, 2
_SECONDS_PER_DAY = 86_400
TERMINAL_COMPROMISE_DAYS = 28
CUSTOMER_COMPROMISE_DAYS = 14
SCENARIO_1_CENTS = 22_000  # amounts above 220.00
_INACTIVE = -(10**9)
# Bounds the (customers x terminals) distance matrix held at once while building terminal lists.
_DISTANCE_CELLS = 1_000_000


@dataclass
class Profiles:
    """Per-customer spending profile and reachable terminals (CSR: terminal_ids[offsets[c]:offsets[c+1]])."""

    mean_amount: np.ndarray
    transactions_per_day: np.ndarray
    terminal_offsets: np.ndarray
    terminal_ids: np.ndarray

    @property
    def terminal_counts(self) -> np.ndarray:
        return np.diff(self.terminal_offsets)


@dataclass
class DayRows:
    """One simulated day, ordered by customer (generation order within a customer)."""

    day: int
    customer_id: np.ndarray
    terminal_id: np.ndarray
    second_of_day: np.ndarray  # 1..86399
    amount_cents: np.ndarray
    scenario: np.ndarray

    def __len__(self) -> int:
        return len(self.customer_id)


def build_profiles(seed: int, customers: int, terminals: int, radius: float) -> Profiles:
    rng = np.random.default_rng([seed, _STREAM_PROFILES])
    customer_x = rng.uniform(0, 100, customers)
    customer_y = rng.uniform(0, 100, customers)
    mean_amount = rng.uniform(5, 100, customers)
    transactions_per_day = rng.uniform(0, 4, customers)
    terminal_x = rng.uniform(0, 100, terminals)
    terminal_y = rng.uniform(0, 100, terminals)
    offsets, ids = terminals_within_radius(customer_x, customer_y, terminal_x, terminal_y, radius)
    return Profiles(mean_amount, transactions_per_day, offsets, ids)


def terminals_within_radius(
    customer_x: np.ndarray,
    customer_y: np.ndarray,
    terminal_x: np.ndarray,
    terminal_y: np.ndarray,
    radius: float,
) -> tuple:
    """CSR lists of the terminals strictly within `radius` of each customer, in id order."""
    id_type = np.int16 if len(terminal_x) <= np.iinfo(np.int16).max else np.int32
    chunk = max(1, _DISTANCE_CELLS // max(1, len(terminal_x)))
    counts = np.zeros(len(customer_x), dtype=np.int64)
    parts = []
    for start in range(0, len(customer_x), chunk):
        stop = start + chunk
        dx = customer_x[start:stop, None] - terminal_x[None, :]
        dy = customer_y[start:stop, None] - terminal_y[None, :]
        within = dx * dx + dy * dy < radius * radius
        counts[start:stop] = within.sum(axis=1)
        parts.append(np.nonzero(within)[1].astype(id_type))
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return offsets, np.concatenate(parts) if parts else np.zeros(0, dtype=id_type)


class FraudSchedule:
    """Which terminals and customers are compromised on each day, advanced one day at a time."""

    def __init__(
        self,
        seed: int,
        customers: int,
        terminals: int,
        terminals_per_day: int,
        customers_per_day: float,
        warmup: bool,
    ) -> None:
        self._rng = np.random.default_rng([seed, _STREAM_FRAUD])
        self._customers = customers
        self._terminals = terminals
        self._terminals_per_day = terminals_per_day
        self._customers_per_day = customers_per_day
        self.terminal_until = np.full(terminals, _INACTIVE, dtype=np.int64)  # first day no longer compromised
        self.customer_until = np.full(customers, _INACTIVE, dtype=np.int64)
        self._customer_seen = np.zeros(customers, dtype=np.int64)  # transactions since compromised
        if warmup:
            # Compromises from before the first day, so the output starts at the steady fraud rate.
            for day in range(-TERMINAL_COMPROMISE_DAYS, 0):
                self.start_day(day)

    def start_day(self, day: int) -> None:
        picked = self._rng.choice(self._terminals, size=self._terminals_per_day, replace=False)
        self.terminal_until[picked] = np.maximum(self.terminal_until[picked], day + TERMINAL_COMPROMISE_DAYS)
        # A fractional daily count is rounded at random so the mean is kept at small scales.
        whole = int(self._customers_per_day)
        count = whole + int(self._rng.random() < self._customers_per_day - whole)
        if day < -CUSTOMER_COMPROMISE_DAYS:
            return
        picked = self._rng.choice(self._customers, size=count, replace=False)
        newly = picked[self.customer_until[picked] <= day]
        self._customer_seen[newly] = 0
        self.customer_until[picked] = np.maximum(self.customer_until[picked], day + CUSTOMER_COMPROMISE_DAYS)

    def label(
        self, day: int, customer_id: np.ndarray, terminal_id: np.ndarray, amount_cents: np.ndarray
    ) -> np.ndarray:
        """Scenario codes for the day's rows (sorted by customer); scales scenario-3 amounts in place."""
        scenario = np.zeros(len(customer_id), dtype=np.int8)
        scenario[amount_cents > SCENARIO_1_CENTS] = 1
        scenario[self.terminal_until[terminal_id] > day] = 2
        rows = np.flatnonzero(self.customer_until[customer_id] > day)
        if len(rows):
            customers = customer_id[rows]
            rank = np.arange(len(rows)) - np.searchsorted(customers, customers, side="left")
            # Every third transaction of the compromise window: floor(n / 3) of its n, as the book's sample.
            chosen = rows[(self._customer_seen[customers] + rank + 1) % 3 == 0]
            amount_cents[chosen] *= 5
            scenario[chosen] = 3
            unique, counts = np.unique(customers, return_counts=True)
            self._customer_seen[unique] += counts
        return scenario


def simulate_day(profiles: Profiles, schedule: FraudSchedule, seed: int, day: int) -> DayRows:
    """Transactions of every customer for one day; call schedule.start_day(day) first."""
    rng = np.random.default_rng([seed, _STREAM_DAY, day])
    customers = len(profiles.mean_amount)
    per_customer = rng.poisson(profiles.transactions_per_day)
    customer_id = np.repeat(np.arange(customers, dtype=np.int64), per_customer)
    second = rng.normal(_SECONDS_PER_DAY / 2, 20_000, len(customer_id)).astype(np.int64)  # int() truncates
    reachable = profiles.terminal_counts[customer_id]
    keep = (second > 0) & (second < _SECONDS_PER_DAY) & (reachable > 0)
    customer_id, second, reachable = customer_id[keep], second[keep], reachable[keep]

    mean = profiles.mean_amount[customer_id]
    amount = rng.normal(mean, mean / 2)
    negative = np.flatnonzero(amount < 0)
    amount[negative] = rng.uniform(0, 2 * mean[negative])
    amount_cents = np.rint(amount * 100).astype(np.int64)
    pick = profiles.terminal_offsets[customer_id] + rng.integers(0, reachable)
    terminal_id = profiles.terminal_ids[pick].astype(np.int64)

    scenario = schedule.label(day, customer_id, terminal_id, amount_cents)
    return DayRows(day, customer_id, terminal_id, second, amount_cents, scenario)
