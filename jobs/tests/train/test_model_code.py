"""The source logged with an xgboost model (its DecisionAtThreshold stage) is found whether the package was
imported from files or, as on Data Proc, from a --py-files zip."""

from __future__ import annotations

import importlib
import os
import sys
import zipfile

import fraud_jobs
from fraud_jobs.train.tracking import package_directory


def test_package_imported_from_files_is_used_in_place(tmp_path):
    assert package_directory(fraud_jobs, str(tmp_path)) == os.path.dirname(fraud_jobs.__file__)
    assert not list(tmp_path.iterdir())


def test_package_imported_from_a_zip_is_extracted(tmp_path, monkeypatch):
    archive = tmp_path / "zipped_pkg.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("zipped_pkg/__init__.py", "VALUE = 1\n")
        out.writestr("zipped_pkg/stage.py", "NAME = 'decision'\n")
        out.writestr("other/__init__.py", "")
    monkeypatch.syspath_prepend(str(archive))
    package = importlib.import_module("zipped_pkg")
    try:
        directory = package_directory(package, str(tmp_path / "work"))
    finally:
        sys.modules.pop("zipped_pkg", None)
    assert directory == str(tmp_path / "work" / "zipped_pkg")
    assert sorted(os.listdir(directory)) == ["__init__.py", "stage.py"]
    assert not (tmp_path / "work" / "other").exists()
