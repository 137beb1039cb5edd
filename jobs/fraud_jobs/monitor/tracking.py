"""MLflow logging of a monitoring run: one metric history step per scored day (step = the day's number
since 1970-01-01, timestamp = its midnight UTC), the report as JSON, the history plots, and the verdict
as a tag the caller names (the DAG's check task reads it): "ok", or "breach: " and the breaches."""

from __future__ import annotations

import datetime as dt
import tempfile
from typing import Any, Dict, Optional

from fraud_jobs.monitor.plots import render_history

PASSED = "ok"
# MLflow keeps tag values up to 5000 characters; the full list is in the report artifact.
_TAG_LIMIT = 4000
_BATCH = 1000  # metrics per log_batch request (the REST API's limit)


def day_metrics(day: Dict[str, Any]) -> Dict[str, float]:
    metrics = {
        "rows": float(day["rows"]),
        "alerts": float(day["alerts"]),
        "alert_rate": day["alert_rate"],
        "score_psi": day["score_psi"],
        "max_feature_psi": day["max_feature_psi"],
    }
    metrics.update({"psi_" + name: value for name, value in day["psi"].items()})
    if day["labels"] is not None:
        labels = day["labels"]
        metrics.update(
            {
                "fnr": labels["fnr"],
                "fpr": labels["fpr"],
                "missed_frauds": float(labels["missed_frauds"]),
                "false_alerts": float(labels["false_alerts"]),
                "missed_fraud_amount": labels["missed_fraud_amount"],
                "prevented_frauds": float(labels["prevented_frauds"]),
            }
        )
    return metrics


def verdict(report: Dict[str, Any]) -> str:
    return PASSED if not report["breaches"] else ("breach: " + "; ".join(report["breaches"]))[:_TAG_LIMIT]


def log_monitoring_run(
    report: Dict[str, Any],
    tracking_uri: str,
    experiment: str,
    params: Optional[Dict[str, Any]] = None,
    verdict_tag: Optional[str] = None,
) -> str:
    import mlflow
    from mlflow.entities import Metric
    from mlflow.tracking import MlflowClient

    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_experiment(experiment)
    with mlflow.start_run(run_name="monitor-" + report["as_of"]) as run:
        mlflow.log_params({**(params or {}), "as_of": report["as_of"], "models": ",".join(report["models"])})
        history = []
        for day in report["days"]:
            date = dt.date.fromisoformat(day["day"])
            midnight = dt.datetime(date.year, date.month, date.day, tzinfo=dt.timezone.utc)
            step, timestamp = (date - dt.date(1970, 1, 1)).days, int(midnight.timestamp() * 1000)
            history += [Metric(key, value, timestamp, step) for key, value in day_metrics(day).items()]
        client = MlflowClient()
        for start in range(0, len(history), _BATCH):
            client.log_batch(run.info.run_id, metrics=history[start : start + _BATCH])
        mlflow.log_dict(report, "monitoring_report.json")
        with tempfile.TemporaryDirectory() as plots_dir:
            render_history(report, plots_dir)
            mlflow.log_artifacts(plots_dir, "plots")
        mlflow.set_tag("monitoring_status", report["status"])
        if verdict_tag:
            mlflow.set_tag(verdict_tag, verdict(report))
        return run.info.run_id
