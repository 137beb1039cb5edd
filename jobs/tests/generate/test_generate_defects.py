"""Defect injection against the manifest, row by row, and against a defect-free twin of the same seed."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np
import pytest
from generated_text import datetime_seconds, is_malformed, read_lines, reference_clean

from fraud_jobs.generate import generate, preset_config
from fraud_jobs.generate.defects import (
    DEFECT_NAMES,
    MALFORMATIONS,
    NO_MALFORMATION,
    OUT_OF_RANGE_TERMINALS,
    RawRows,
)
from fraud_jobs.generate.writer import render_lines

EPOCH = dt.date(2019, 8, 22)
SETTINGS = {"seed": 11, "customers": 400, "days": 45}


@pytest.fixture(scope="module")
def twins(tmp_path_factory):
    """The same seed with defects (scaled up so a small sample shows every kind) and without."""
    dirty_dir = tmp_path_factory.mktemp("dirty")
    clean_dir = tmp_path_factory.mktemp("clean")
    dirty_config = preset_config("course", defect_scale=200, defect_rates={"malformed": 0.004}, **SETTINGS)
    dirty = generate(dirty_config, str(dirty_dir), str(dirty_dir.parent / "dirty-manifest.json"))
    clean = generate(preset_config("course", defects=False, **SETTINGS), str(clean_dir))
    return dirty, read_lines(str(dirty_dir)), clean, read_lines(str(clean_dir))


def test_every_defect_kind_is_present_and_each_row_has_at_most_one(twins):
    dirty, _, _, _ = twins
    ids = {name: dirty.defects[name] for name in DEFECT_NAMES if name != "malformed"}
    for name in DEFECT_NAMES:
        assert len(dirty.defects[name]) >= 3, name
    flat = [i for name in ids for i in set(ids[name])]
    assert len(flat) == len(set(flat))


def test_manifest_totals_match_the_files_and_an_independent_cleaning(twins):
    dirty, lines, _, _ = twins
    assert dirty.data_lines == len(lines) == sum(f["data_lines"] for f in dirty.files)
    result = reference_clean(lines, max_terminal_id=999)
    expected = {name: len(dirty.defects[name]) for name in result["dropped"]}
    assert result["dropped"] == expected
    assert len(result["kept"]) == dirty.clean_rows


def test_malformed_entries_are_exactly_the_unparsable_lines(twins):
    dirty, lines, _, _ = twins
    listed = {(entry["file"], entry["line"]) for entry in dirty.defects["malformed"]}
    found = {(line.file, line.number) for line in lines if is_malformed(line.fields)}
    assert listed == found


def test_defect_rows_differ_from_their_clean_twin_only_as_listed(twins):
    dirty, dirty_lines, clean, clean_lines = twins
    assert clean.data_lines == len(clean_lines)
    twin = {int(line.fields[0]): line.fields for line in clean_lines}
    kind = {i: name for name in DEFECT_NAMES[1:] for i in dirty.defects[name]}
    malformed_at = {(e["file"], e["line"]) for e in dirty.defects["malformed"]}
    copies = Counter()
    malformed_ids = set(twin)
    for line in dirty_lines:
        if (line.file, line.number) in malformed_at:
            continue
        fields = line.fields
        tx_id = int(fields[0])
        malformed_ids.discard(tx_id)
        copies[tx_id] += 1
        original = twin[tx_id]
        changed = {i for i in range(9) if fields[i] != original[i]}
        name = kind.get(tx_id)
        if name in (None, "duplicate"):
            # Natural zero amounts are listed as non_positive_amount in both runs.
            assert changed == set(), line
        elif name == "unknown_customer":
            assert changed == {2} and fields[2] == "-999999", line
        elif name == "unknown_terminal":
            assert changed == {3} and fields[3] in ("", "Err"), line
        elif name == "terminal_out_of_range":
            assert changed == {3} and int(fields[3]) in OUT_OF_RANGE_TERMINALS, line
            assert original[8] != "2", "a corrupt terminal is never a compromised terminal"
        elif name == "non_positive_amount":
            assert fields[4] == "0.00" and changed <= {4}, line
        elif name == "midnight":
            day = int(fields[6])
            assert changed == {1, 5}, line
            assert fields[1] == f"{EPOCH + dt.timedelta(days=day)} 24:00:00", line
            assert int(fields[5]) == (day + 1) * 86_400 == datetime_seconds(fields[1], EPOCH), line
        elif name == "seconds":
            assert changed == {5}, line
            shift = int(fields[5]) - int(original[5])
            assert shift in (
                (EPOCH - dt.date(1970, 1, 1)).days * 86_400,
                (EPOCH - dt.date(2018, 4, 1)).days * 86_400,
            )
    # Ids of malformed lines are exactly the ids missing from the well-formed lines.
    assert len(malformed_ids) == len(malformed_at)
    assert sorted(i for i, n in copies.items() if n == 2) == sorted(dirty.defects["duplicate"])
    assert set(copies.values()) == {1, 2}


def test_duplicate_copies_follow_their_original(twins):
    _, lines, _, _ = twins
    for before, after in zip(lines, lines[1:]):
        if before.fields[0] == after.fields[0]:
            assert before.text == after.text


def test_default_rates_are_the_real_shares(tmp_path):
    config = preset_config("course")
    rates = config.defect_rates
    assert rates["terminal_out_of_range"] == pytest.approx(575_157 / 1_879_794_138)
    assert rates["midnight"] == pytest.approx(3_805 / 1_879_794_138)
    assert rates["malformed"] == 0
    # Natural 0.00 amounts already give the real share; scaling adds injected ones.
    assert rates["non_positive_amount"] == 0
    scaled = preset_config("course", defect_scale=10).defect_rates
    assert scaled["duplicate"] == pytest.approx(10 * rates["duplicate"])
    assert scaled["non_positive_amount"] == pytest.approx(10 * 35_260 / 1_879_794_138 - 1.883e-5)
    explicit = preset_config("course", defect_scale=10, defect_rates={"seconds": 0.5}).defect_rates
    assert explicit["seconds"] == 0.5


def test_natural_zero_amounts_match_the_real_share(tmp_path):
    """The simulator rounds about 1.9e-5 of amounts to 0.00, as many as the real data holds."""
    config = preset_config("course", customers=5_000, days=60, defects=False)
    manifest = generate(config, str(tmp_path))
    share = len(manifest.defects["non_positive_amount"]) / manifest.data_lines
    assert 0.9e-5 < share < 3.5e-5


@pytest.mark.parametrize("name", MALFORMATIONS)
def test_each_malformation_breaks_exactly_one_parse_rule(name):
    rows = RawRows(
        transaction_id=np.array([5, 6]),
        datetime_day=np.array([1, 1]),
        datetime_second=np.array([3723, 86_400]),
        customer_id=np.array([0, 12]),
        terminal_id=np.array([0, 999]),
        terminal_text=np.array([0, 0], dtype=np.int8),
        amount_cents=np.array([5, 123456]),
        seconds=np.array([90123, 172_800]),
        days=np.array([1, 1]),
        fraud=np.array([0, 1]),
        scenario=np.array([0, 2]),
        malformation=np.array([NO_MALFORMATION, MALFORMATIONS.index(name)], dtype=np.int8),
        copies=np.array([1, 1]),
    )
    good, bad = render_lines(rows, EPOCH).decode().splitlines()
    assert good == "5,2019-08-23 01:02:03,0,0,0.05,90123,1,0,0"
    assert is_malformed(bad.split(",")), bad
    fine = "6,2019-08-23 24:00:00,12,999,1234.56,172800,1,1,2".split(",")
    differing = [i for i, (a, b) in enumerate(zip(bad.split(","), fine)) if a != b]
    assert len(differing) <= 1, bad
    assert not is_malformed(fine)
