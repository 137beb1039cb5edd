"""Streaming: chunk boundaries change nothing, memory does not grow with days, no partial files."""

from __future__ import annotations

import os
import tracemalloc

import numpy as np
import pytest

from fraud_jobs.generate import generate, preset_config
from fraud_jobs.generate import run as run_module
from fraud_jobs.generate import writer as writer_module
from fraud_jobs.generate.defects import RawRows
from fraud_jobs.generate.writer import HEADER, RawFileWriter

SETTINGS = {"customers": 300, "days": 35, "defect_scale": 300, "defect_rates": {"malformed": 0.01}}


def _run(directory, **overrides):
    return generate(preset_config("course", seed=3, **dict(SETTINGS, **overrides)), str(directory)).to_dict()


def _contents(directory):
    return {name: (directory / name).read_bytes() for name in sorted(os.listdir(directory))}


def test_small_write_chunks_give_the_same_bytes_and_line_numbers(tmp_path, monkeypatch):
    whole = _run(tmp_path / "a")
    monkeypatch.setattr(writer_module, "_CHUNK_ROWS", 97)
    chunked = _run(tmp_path / "b")
    assert _contents(tmp_path / "a") == _contents(tmp_path / "b")
    assert chunked == whole
    assert len(whole["defects"]["malformed"]) > 20


def test_peak_memory_does_not_grow_with_the_number_of_days(tmp_path):
    peaks = []
    for days in (30, 120):
        tracemalloc.start()
        manifest = generate(preset_config("course", customers=3_000, days=days), str(tmp_path / str(days)))
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert manifest.data_lines > days * 5_000
    assert peaks[1] < peaks[0] * 1.2, peaks


def test_a_period_without_rows_still_gets_its_file(tmp_path):
    empty = RawRows(**{name: np.zeros(0, dtype=np.int64) for name in RawRows.__dataclass_fields__})
    writer = RawFileWriter(str(tmp_path), preset_config("course").start)
    writer.write_day(0, empty)
    writer.write_day(30, empty)
    assert writer.close() == [
        {"name": "2019-08-22.txt", "data_lines": 0},
        {"name": "2019-09-21.txt", "data_lines": 0},
    ]
    assert (tmp_path / "2019-09-21.txt").read_bytes() == HEADER


def test_an_interrupted_run_leaves_no_partial_file(tmp_path, monkeypatch):
    real_simulate_day = run_module.simulate_day

    def failing_simulate_day(profiles, schedule, seed, day):
        if day == 31:
            raise RuntimeError("disk full")
        return real_simulate_day(profiles, schedule, seed, day)

    monkeypatch.setattr(run_module, "simulate_day", failing_simulate_day)
    with pytest.raises(RuntimeError):
        _run(tmp_path)
    # The first 30-day file was complete and stays; the second was being written and is removed.
    assert os.listdir(tmp_path) == ["2019-08-22.txt"]
