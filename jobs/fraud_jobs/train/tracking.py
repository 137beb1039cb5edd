"""MLflow logging of one training run: parameters, metrics, the data-quality report, plots,
importances and the fitted pipeline (mlflow.spark) with its signature and input example.
Artifacts go through the tracking server (`mlflow-artifacts:`), so the driver needs no storage keys."""

from __future__ import annotations

import os
import tempfile
import zipfile
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Dict, Optional

from fraud_jobs.features import feature_columns
from fraud_jobs.train.champion import GateRule, Gates, run_gate
from fraud_jobs.train.pipeline import XGBOOST
from fraud_jobs.train.plots import render_plots
from fraud_jobs.train.registry import IDEMPOTENCY_TAG, register, tag_value
from fraud_jobs.train.run import TrainingConfig, TrainingResult
from fraud_jobs.train.search import log_trials, search_params

COMPARISON_ARTIFACT = "champion_comparison.json"
# The metrics file's champion_comparison when the run registers nothing.
NOT_COMPARED: Dict[str, Any] = {"status": "not compared: no --register", "promoted": None}


@dataclass(frozen=True)
class Registration:
    """--register NAME and the champion gate's settings."""

    name: str
    gates: Gates = Gates()
    rule: GateRule = GateRule()


def run_params(
    config: TrainingConfig, fraud_weight: float, code_version: str, input_path: str
) -> Dict[str, Any]:
    protocol = config.protocol
    params: Dict[str, Any] = {
        "input": input_path,
        "train_start": protocol.train_start.isoformat(),
        "train_days": protocol.train_days,
        "delay_days": protocol.delay_days,
        "test_days": protocol.test_days,
        "test_start": protocol.test_start.isoformat(),
        "model": config.model,
        "fraud_weight": fraud_weight,
        "validation_folds": config.validation_folds,
        "max_fpr": config.max_fpr,
        "threshold_lookback_days": config.threshold_lookback_days,
        "delay_sweep": ",".join(str(d) for d in config.delay_sweep),
        "known_compromised_policy": config.business.known_compromised_policy,
        "known_compromised_since": protocol.known_since.isoformat(),
        "population_rows_per_day": config.business.population_rows_per_day or "unknown",
        "code_version": code_version,
        "feature_set": config.feature_set,
        "undersample_ratio": config.undersample_ratio or "none",
    }
    params.update({"hp_" + key: value for key, value in config.hyperparameters.items()})
    return params


def package_directory(package: ModuleType, workdir: str) -> str:
    """A directory holding `package`'s source: its own when imported from files, else extracted into workdir
    from the zip it was imported from (on Data Proc, fraud_jobs comes from fraud_jobs.zip via --py-files)."""
    directory = os.path.dirname(package.__file__ or "")
    if os.path.isdir(directory):
        return directory
    archive = getattr(package.__loader__, "archive", None)
    if archive is None:
        raise ValueError(
            f"cannot find the source of {package.__name__} ({package.__file__}) to log with the model"
        )
    prefix = package.__name__ + "/"
    with zipfile.ZipFile(archive) as source:
        source.extractall(workdir, [name for name in source.namelist() if name.startswith(prefix)])
    return os.path.join(workdir, package.__name__)


def _model_extras(result: TrainingResult, workdir: str) -> Dict[str, Any]:
    """log_model arguments the xgboost pipeline needs to load elsewhere: its DecisionAtThreshold stage
    lives in fraud_jobs, and the estimator in xgboost-cpu (pinned as in jobs/requirements-dev.txt)."""
    if result.config.model != XGBOOST:
        return {}
    import fraud_jobs

    return {
        "code_paths": [package_directory(fraud_jobs, workdir)],
        "extra_pip_requirements": ["xgboost-cpu==2.1.4"],
    }


def numeric_metrics(metrics: Dict[str, Any], prefix: str = "") -> Dict[str, float]:
    """MLflow metrics: the numbers and verdicts, nested objects flattened (business_fnr,
    business_delay_sweep_1_fnr, ...); nulls (an unknown volume) and lists are left to metrics.json."""
    flat: Dict[str, float] = {}
    for key, value in metrics.items():
        if isinstance(value, dict):
            flat.update(numeric_metrics(value, prefix + key + "_"))
        elif isinstance(value, (bool, int, float)):
            flat[prefix + key] = float(value)
    return flat


def log_reference_histograms(reference: Dict[str, Any]) -> None:
    """Monitoring's drift reference, inside the logged model's folder (it travels with every registered
    version of it); called before registration."""
    import mlflow

    from fraud_jobs.monitor.reference import REFERENCE_ARTIFACT

    mlflow.log_dict(reference, REFERENCE_ARTIFACT)


def log_training_run(
    spark,
    result: TrainingResult,
    params: Dict[str, Any],
    tracking_uri: str,
    experiment: str,
    quality_report: Optional[Dict[str, Any]],
    registration: Optional[Registration],
    idempotency_key: Optional[str] = None,
) -> Dict[str, Any]:
    import mlflow
    import mlflow.spark
    from mlflow.models import infer_signature

    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_experiment(experiment)
    with mlflow.start_run(tags={IDEMPOTENCY_TAG: idempotency_key} if idempotency_key else None) as run:
        if result.search is not None:
            params = {**params, **search_params(result.search)}
            log_trials(result.search)
        mlflow.log_params(params)
        mlflow.log_metrics(numeric_metrics(result.metrics))
        for step, day in enumerate(result.metrics["business"]["per_day"]):
            mlflow.log_metrics({"business_day_fnr": day["fnr"], "business_day_fpr": day["fpr"]}, step=step)
        mlflow.log_dict(result.metrics, "metrics.json")
        mlflow.log_dict(result.importances, "feature_importances.json")
        if quality_report is not None:
            mlflow.log_dict(quality_report, "data_quality/clean_report.json")
        with tempfile.TemporaryDirectory() as plots_dir:
            render_plots(result.handbook, result.business, plots_dir)
            mlflow.log_artifacts(plots_dir, "plots")
        example = result.input_example
        feature_set = result.config.feature_set
        # The model's `prediction` is the decision at the tuned threshold (run.py sets it on the classifier);
        # the score is probability[1] of the Spark flavour; pyfunc returns the decision.
        predictions = result.model.transform(spark.createDataFrame(example)).select("prediction").toPandas()
        with tempfile.TemporaryDirectory() as code_dir:
            mlflow.spark.log_model(
                result.model,
                "model",
                signature=infer_signature(example, predictions["prediction"]),
                input_example=example,
                metadata={
                    "decision_threshold": result.metrics["business"]["threshold"],
                    "decision": "prediction = 1.0 when probability[1] > decision_threshold",
                    # Scorers re-set the threshold daily from it (train/operating_point.py); null: fixed.
                    "operating_point": (
                        result.operating_point.as_dict() if result.operating_point is not None else None
                    ),
                    "score": "probability[1]",
                    # A scorer computes these inputs: features.add_features(df, delay, feature_set).
                    "feature_set": feature_set,
                    "feature_columns": feature_columns(feature_set),
                },
                **_model_extras(result, code_dir),
            )
        log_reference_histograms(result.reference)
        outcome: Dict[str, Any] = {"run_id": run.info.run_id, "experiment": experiment}
        if registration is not None:
            _register(run.info.run_id, result, registration, idempotency_key, outcome)
    return outcome


def _register(
    run_id: str,
    result: TrainingResult,
    registration: Registration,
    idempotency_key: Optional[str],
    outcome: Dict[str, Any],
) -> None:
    """The champion gate, its decision and comparison on the run, then the version and its aliases."""
    import mlflow
    from mlflow.tracking import MlflowClient

    decision = run_gate(registration.name, result, registration.gates, registration.rule)
    mlflow.log_dict(decision.comparison, COMPARISON_ARTIFACT)
    mlflow.set_tags(
        {
            "champion_gate_status": decision.comparison["status"],
            "champion_gate_promoted": str(decision.promote),
            "champion_gate_compared_with": decision.comparison["champion_version"] or "",
            "champion_gate_reasons": tag_value(decision.reason),
        }
    )
    registered = register(MlflowClient(), run_id, registration.name, decision, idempotency_key)
    mlflow.set_tags({"registry_" + key: tag_value(str(value)) for key, value in registered.items()})
    mlflow.log_dict(registered, "registry_decision.json")
    outcome["registry"] = registered
    outcome["champion_comparison"] = decision.comparison


def earlier_metrics(earlier: Dict[str, Any]) -> Dict[str, Any]:
    """The metrics file of an earlier attempt (`registry.earlier_attempt`'s answer), from its run."""
    import mlflow

    run_id = earlier["run_id"]
    metrics = mlflow.artifacts.load_dict(f"runs:/{run_id}/metrics.json")
    metrics["champion_comparison"] = (
        mlflow.artifacts.load_dict(f"runs:/{run_id}/{COMPARISON_ARTIFACT}")
        if "registry" in earlier
        else NOT_COMPARED
    )
    return metrics
