"""The DAG folder imports with zero errors, for each rendered pipeline.json."""

from __future__ import annotations

import pytest
from airflow.dag_processing.dagbag import DagBag
from conftest import DAGS, RENDERED, rendered_config


@pytest.mark.parametrize("mode", ["persistent", "ephemeral", "local"])
def test_dag_folder_imports_without_errors(mode, monkeypatch):
    rendered_config(mode)  # fails with a clear message when the samples were not rendered
    monkeypatch.setenv("FRAUD_PIPELINE_CONFIG", str(RENDERED / f"pipeline-{mode}.json"))
    bag = DagBag(dag_folder=str(DAGS))
    assert bag.import_errors == {}
    assert sorted(bag.dag_ids) == ["fraud_pipeline"]
    assert mode in bag.dags["fraud_pipeline"].tags


def test_missing_config_is_an_import_error_naming_the_variable(monkeypatch):
    monkeypatch.delenv("FRAUD_PIPELINE_CONFIG", raising=False)
    bag = DagBag(dag_folder=str(DAGS))
    assert len(bag.import_errors) == 1
    assert "FRAUD_PIPELINE_CONFIG" in next(iter(bag.import_errors.values()))
