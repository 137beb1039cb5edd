"""MLflow side of the data-quality report: a check before the cleaning that the tracking server answers and
the experiment exists (or can be created), then one run per cleaning run (metrics per rule, the reports and
plots as artifacts, uploaded through the server: the driver needs no storage keys)."""

from __future__ import annotations

import tempfile
from typing import Any, Dict, Mapping

from fraud_jobs.clean.quality import quality_metrics
from fraud_jobs.clean.quality_plots import render_quality_plots

REPORT_ARTIFACT = "data_quality.json"
CLEAN_REPORT_ARTIFACT = "clean_report.json"
PLOTS_FOLDER = "plots"


class TrackingError(Exception):
    """The tracking server cannot be used; the message names --mlflow-uri and the fix, never a credential."""


def check_tracking(tracking_uri: str, experiment: str) -> str:
    """Before any data is written: the server answers, the login works and the experiment is usable.
    Returns the experiment id."""
    import mlflow

    try:
        mlflow.set_tracking_uri(tracking_uri)
        return mlflow.set_experiment(experiment).experiment_id
    except Exception as error:  # connection refused, HTTP 401/403, a deleted experiment: all stop the run
        raise TrackingError(
            f"--mlflow-uri {tracking_uri}: cannot use experiment {experiment!r} ({type(error).__name__}: "
            f"{_first_line(error)}); start the tracking server or fix --mlflow-uri / --mlflow-credentials / "
            "--experiment, or leave out --mlflow-uri to write the reports only"
        ) from None


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:300] if text else "no message"


def log_quality_run(
    tracking_uri: str,
    experiment: str,
    report: Mapping[str, Any],
    clean_report: Mapping[str, Any],
    params: Mapping[str, Any],
    run_name: str,
) -> Dict[str, str]:
    """One MLflow run: params, metrics per rule and column, both reports and the plots as artifacts."""
    import mlflow

    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_experiment(experiment)
    with mlflow.start_run(run_name=run_name) as run:
        mlflow.set_tags({"job": "clean", "report": "data-quality"})
        mlflow.log_params(dict(params))
        mlflow.log_metrics(quality_metrics(report))
        mlflow.log_dict(dict(report), REPORT_ARTIFACT)
        mlflow.log_dict(dict(clean_report), CLEAN_REPORT_ARTIFACT)
        with tempfile.TemporaryDirectory() as plots_dir:
            render_quality_plots(report, plots_dir)
            mlflow.log_artifacts(plots_dir, PLOTS_FOLDER)
        return {"run_id": run.info.run_id, "experiment": experiment}
