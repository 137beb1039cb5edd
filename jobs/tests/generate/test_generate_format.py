"""Raw format: header, 9 fields, 2-decimal amounts, order, ids, seconds/days, 30-day files."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from generated_text import datetime_seconds, read_lines

from fraud_jobs.generate import generate, preset_config

EPOCH = dt.date(2019, 8, 22)


@pytest.fixture(scope="module")
def course_clean(tmp_path_factory):
    out = tmp_path_factory.mktemp("course_clean")
    config = preset_config("course", seed=7, customers=300, days=45, defects=False)
    manifest = generate(config, str(out))
    return out, manifest, read_lines(str(out))


def test_files_hold_30_days_named_by_their_first_date(course_clean):
    out, manifest, lines = course_clean
    assert sorted(p.name for p in out.iterdir()) == ["2019-08-22.txt", "2019-09-21.txt"]
    for line in lines:
        first = dt.date.fromisoformat(line.file[:10])
        day = dt.date.fromisoformat(line.fields[1][:10])
        assert first <= day < first + dt.timedelta(days=30), line
    days_per_file = {
        name: {ln.fields[6] for ln in lines if ln.file == name}
        for name in ("2019-08-22.txt", "2019-09-21.txt")
    }
    assert len(days_per_file["2019-08-22.txt"]) == 30
    assert len(days_per_file["2019-09-21.txt"]) == 15
    assert manifest.files == [
        {"name": name, "data_lines": sum(1 for ln in lines if ln.file == name)}
        for name in ("2019-08-22.txt", "2019-09-21.txt")
    ]


def test_every_line_has_the_real_field_formats(course_clean):
    _, _, lines = course_clean
    pattern = re.compile(r"^\d+,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+,\d+,\d+\.\d\d,\d+,\d+,[01],[0-3]$")
    bad = [line for line in lines if not pattern.match(line.text)]
    assert not bad, bad[:3]


def test_rows_are_ordered_by_day_then_customer_with_ids_in_that_order(course_clean):
    _, _, lines = course_clean
    keys = [(int(line.fields[6]), int(line.fields[2])) for line in lines]
    assert keys == sorted(keys)
    assert [int(line.fields[0]) for line in lines] == list(range(len(lines)))
    # Within a customer's day the rows are not time ordered, as in the real data.
    times = [(k, line.fields[1]) for k, line in zip(keys, lines)]
    assert any(a[0] == b[0] and a[1] > b[1] for a, b in zip(times, times[1:]))


def test_seconds_days_fraud_and_terminals_agree(course_clean):
    _, manifest, lines = course_clean
    assert manifest.epoch == EPOCH.isoformat()
    for line in lines:
        _, datetime, _, terminal, _, seconds, days, fraud, scenario = line.fields
        assert int(seconds) == datetime_seconds(datetime, EPOCH), line
        assert int(days) == int(seconds) // 86_400, line
        assert 0 < int(seconds) % 86_400, line
        assert fraud == ("1" if scenario != "0" else "0"), line
        assert 0 <= int(terminal) <= 999, line


def test_all_scenarios_occur_and_scenario_1_is_every_amount_above_220(course_clean):
    _, _, lines = course_clean
    scenarios = {line.fields[8] for line in lines}
    assert scenarios == {"0", "1", "2", "3"}
    for line in lines:
        # Scenarios 2 and 3 overwrite scenario 1, so only rows left at 0 or 1 tell.
        if line.fields[8] in ("0", "1"):
            assert (float(line.fields[4]) > 220) == (line.fields[8] == "1"), line


def test_handbook_preset_starts_on_the_books_date(tmp_path):
    config = preset_config("handbook", customers=50, terminals=200, days=3, defects=False)
    generate(config, str(tmp_path))
    lines = read_lines(str(tmp_path))
    assert [p.name for p in tmp_path.iterdir()] == ["2018-04-01.txt"]
    assert lines[0].fields[1].startswith("2018-04-01 ")
    assert {line.fields[6] for line in lines} == {"0", "1", "2"}
