"""The full `handbook` preset against the book's dataset (Le Borgne et al., chapter 3):
1,754,155 transactions, 14,681 frauds (0.837 %); scenario 1 = 973, 2 = 9,077, 3 = 4,631."""

from __future__ import annotations

import glob

import pandas as pd
import pytest

from fraud_jobs.generate import generate, preset_config

BOOK_TRANSACTIONS = 1_754_155
BOOK_FRAUDS = 14_681
BOOK_SCENARIOS = {1: 973, 2: 9_077, 3: 4_631}


@pytest.fixture(scope="module")
def handbook(tmp_path_factory):
    out = tmp_path_factory.mktemp("handbook")
    manifest = generate(preset_config("handbook", defects=False), str(out))
    frames = [
        pd.read_csv(path, header=None, skiprows=1, usecols=[6, 7, 8], names=["days", "fraud", "scenario"])
        for path in sorted(glob.glob(str(out / "*.txt")))
    ]
    return manifest, pd.concat(frames, ignore_index=True)


def test_shape_is_the_books(handbook):
    manifest, data = handbook
    assert manifest.data_lines == len(data)
    assert data["days"].min() == 0 and data["days"].max() == 182
    # One run of the simulator; ten seeds gave 1.748-1.796 M transactions (the book's is one draw too).
    assert len(data) == pytest.approx(BOOK_TRANSACTIONS, rel=0.04)


def test_fraud_rate_and_scenario_mix_are_the_books(handbook):
    _, data = handbook
    frauds = int(data["fraud"].sum())
    assert frauds == pytest.approx(BOOK_FRAUDS, rel=0.06)
    assert frauds / len(data) == pytest.approx(BOOK_FRAUDS / BOOK_TRANSACTIONS, rel=0.05)
    counts = data.loc[data["fraud"] == 1, "scenario"].value_counts().to_dict()
    assert set(counts) == {1, 2, 3}
    for scenario, book in BOOK_SCENARIOS.items():
        # Share of all frauds within 2 percentage points of the book's mix.
        assert counts[scenario] / frauds == pytest.approx(book / BOOK_FRAUDS, abs=0.02), scenario
    # Scenario 1 hinges on the few customers with mean amounts near 100 (ten seeds: 887-1,066).
    assert counts[1] == pytest.approx(BOOK_SCENARIOS[1], rel=0.15)
    assert counts[2] == pytest.approx(BOOK_SCENARIOS[2], rel=0.08)
    assert counts[3] == pytest.approx(BOOK_SCENARIOS[3], rel=0.08)
