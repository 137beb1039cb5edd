"""Same seed, same bytes; a different seed changes the data; a re-run replaces its own files."""

from __future__ import annotations

import filecmp
import json
import os

from fraud_jobs.generate import generate, preset_config

SETTINGS = {"customers": 300, "days": 35, "defect_scale": 300, "defect_rates": {"malformed": 0.01}}


def _run(directory, seed=3, **overrides):
    settings = dict(SETTINGS, **overrides)
    manifest = generate(preset_config("course", seed=seed, **settings), str(directory))
    return manifest.to_dict()


def _same_files(left, right) -> bool:
    names = sorted(os.listdir(left))
    match, mismatch, errors = filecmp.cmpfiles(left, right, names, shallow=False)
    return names == sorted(os.listdir(right)) and not mismatch and not errors


def test_same_seed_gives_byte_identical_files_and_manifest(tmp_path):
    first = _run(tmp_path / "a")
    second = _run(tmp_path / "b")
    assert _same_files(tmp_path / "a", tmp_path / "b")
    assert json.dumps(first) == json.dumps(second)


def test_different_seed_gives_different_data(tmp_path):
    _run(tmp_path / "a", seed=3)
    _run(tmp_path / "b", seed=4)
    assert not _same_files(tmp_path / "a", tmp_path / "b")


def test_rerun_into_the_same_directory_replaces_its_files(tmp_path):
    first = _run(tmp_path / "a")
    again = _run(tmp_path / "a")
    assert first == again
    assert sorted(os.listdir(tmp_path / "a")) == ["2019-08-22.txt", "2019-09-21.txt"]
