"""check_monitoring: passes on the verdict "ok", fails with the breaches and the run link otherwise."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from fraud_pipeline_lib import mlflow_link, monitoring_check
from fraud_pipeline_lib.scoring_plan import VERDICT_TAG

DAG_RUN = SimpleNamespace(start_date=dt.datetime(2026, 11, 27, tzinfo=dt.timezone.utc), queued_at=None)


def run_with(tags):
    return {
        "info": {"experiment_id": "3", "run_id": "abc"},
        "data": {"tags": [{"key": key, "value": value} for key, value in tags.items()]},
    }


@pytest.fixture()
def found(monkeypatch):
    runs = {}

    def latest_run(uri, experiment, started_after_ms):
        assert started_after_ms == int(DAG_RUN.start_date.timestamp() * 1000)
        return runs.get(experiment)

    monkeypatch.setattr(mlflow_link, "latest_run", latest_run)
    return runs


def check():
    return monitoring_check.check_monitoring("http://mlflow", "http://ui", "mon", DAG_RUN)


def test_ok_passes_and_returns_the_link(found):
    found["mon"] = run_with({VERDICT_TAG: "ok"})
    assert check() == "http://ui/#/experiments/3/runs/abc"


def test_a_breach_fails_with_its_text_and_the_link(found):
    found["mon"] = run_with({VERDICT_TAG: "breach: 2019-10-10: PSI of tx_amount is 1.2 > 0.2"})
    with pytest.raises(monitoring_check.MonitoringBreach, match=r"PSI of tx_amount .*runs/abc"):
        check()


def test_no_run_or_no_verdict_fails(found):
    with pytest.raises(RuntimeError, match="the monitor task did not log"):
        check()
    found["mon"] = run_with({"other": "x"})
    with pytest.raises(RuntimeError, match=f"has no {VERDICT_TAG} tag"):
        check()
