"""A deliberately plain pandas/numpy implementation of the 15 features, written from the handbook's
definitions, to check the Spark window functions against (row by row, no windows, no sorting tricks)."""

from __future__ import annotations

import numpy as np
import pandas as pd

DAY = 86400


def reference_features(cleaned: pd.DataFrame, delay_days: int) -> pd.DataFrame:
    out = cleaned.copy()
    # Through numpy: pandas 1.x (image 2.1) ignores astype("datetime64[s]") and would give nanoseconds.
    seconds = out["tx_datetime"].to_numpy().astype("datetime64[s]").astype("int64")
    cents = np.round(out["tx_amount"].to_numpy() * 100).astype("int64")
    fraud = out["tx_fraud"].to_numpy().astype("int64")
    out["tx_during_weekend"] = (out["tx_datetime"].dt.weekday >= 5).astype("int32")
    out["tx_during_night"] = (out["tx_datetime"].dt.hour <= 6).astype("int32")
    customers = out["customer_id"].to_numpy()
    terminals = out["terminal_id"].to_numpy()
    for days in (1, 7, 30):
        nb_tx = np.zeros(len(out), dtype="int64")
        avg = np.zeros(len(out))
        t_nb_tx = np.zeros(len(out), dtype="int64")
        risk = np.zeros(len(out))
        for i, t in enumerate(seconds):
            mine = (customers == customers[i]) & (seconds > t - days * DAY) & (seconds <= t)
            nb_tx[i] = mine.sum()
            avg[i] = cents[mine].sum() / nb_tx[i] / 100.0
            delay = delay_days * DAY
            seen = (terminals == terminals[i]) & (seconds >= t - delay - days * DAY) & (seconds < t - delay)
            t_nb_tx[i] = seen.sum()
            risk[i] = fraud[seen].sum() / t_nb_tx[i] if t_nb_tx[i] > 0 else 0.0
        out[f"customer_nb_tx_{days}day"] = nb_tx
        out[f"customer_avg_amount_{days}day"] = avg
        out[f"terminal_nb_tx_{days}day"] = t_nb_tx
        out[f"terminal_risk_{days}day"] = risk
    return out


def reference_label_free_features(cleaned: pd.DataFrame) -> pd.DataFrame:
    """The six label-free features (fraud_jobs/features/label_free.py), row by row; never reads tx_fraud."""
    out = cleaned.copy()
    seconds = out["tx_datetime"].to_numpy().astype("datetime64[s]").astype("int64")
    cents = np.round(out["tx_amount"].to_numpy() * 100).astype("int64")
    customers = out["customer_id"].to_numpy()
    terminals = out["terminal_id"].to_numpy()
    n = len(out)
    recent = np.zeros(n, dtype="int64")
    spike = np.zeros(n)
    is_new = np.zeros(n, dtype="int64")
    terminal_ratio = np.ones(n)
    customer_ratio = np.ones(n)
    for i, t in enumerate(seconds):
        at_terminal = terminals == terminals[i]
        recent[i] = (at_terminal & (seconds > t - DAY) & (seconds <= t)).sum()
        earlier = (at_terminal & (seconds > t - 30 * DAY) & (seconds <= t - DAY)).sum()
        spike[i] = recent[i] * 29.0 / (earlier + 1)
        pair = at_terminal & (customers == customers[i])
        is_new[i] = int((pair & (seconds >= t - 21 * DAY) & (seconds < t)).sum() == 0)
        for same, ratio in ((at_terminal, terminal_ratio), (customers == customers[i], customer_ratio)):
            before = same & (seconds >= t - 30 * DAY) & (seconds < t)
            if before.sum() > 0:
                ratio[i] = cents[i] * before.sum() / cents[before].sum()
    share = np.zeros(n)
    for i, t in enumerate(seconds):
        window = (terminals == terminals[i]) & (seconds > t - 7 * DAY) & (seconds <= t)
        share[i] = is_new[window].sum() / window.sum()
    out["terminal_recent_nb_tx_1day"] = recent
    out["terminal_activity_spike_1day"] = spike
    out["customer_terminal_is_new"] = is_new
    out["terminal_new_customer_share_7day"] = share
    out["terminal_amount_ratio_30day"] = terminal_ratio
    out["customer_amount_ratio_30day"] = customer_ratio
    return out


def reference_terminal_fraud_age_features(cleaned: pd.DataFrame, delay_days: int) -> pd.DataFrame:
    """The three terminal fraud ages (fraud_jobs/features/terminal_fraud_age.py), row by row: the frauds
    known at t are the terminal's over [t - delay - 30 d, t - delay); -1 when there is none."""
    out = cleaned.copy()
    seconds = out["tx_datetime"].to_numpy().astype("datetime64[s]").astype("int64")
    fraud = out["tx_fraud"].to_numpy() == 1
    terminals = out["terminal_id"].to_numpy()
    n = len(out)
    first_age = np.full(n, -1.0)
    last_age = np.full(n, -1.0)
    legit_since = np.full(n, -1, dtype="int64")
    delay = delay_days * DAY
    for i, t in enumerate(seconds):
        at_terminal = terminals == terminals[i]
        known = at_terminal & fraud & (seconds >= t - delay - 30 * DAY) & (seconds < t - delay)
        if not known.any():
            continue
        first, last = seconds[known].min(), seconds[known].max()
        first_age[i] = (t - first) / DAY
        last_age[i] = (t - last) / DAY
        legit_since[i] = (at_terminal & ~fraud & (seconds > last) & (seconds < t - delay)).sum()
    out["terminal_first_known_fraud_age_days"] = first_age
    out["terminal_last_known_fraud_age_days"] = last_age
    out["terminal_legit_tx_since_known_fraud"] = legit_since
    return out
