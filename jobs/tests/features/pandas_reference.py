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
