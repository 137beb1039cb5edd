"""MLflow logging of one training run: parameters, metrics, the data-quality report, plots,
importances and the fitted pipeline (mlflow.spark) with its signature and input example.
Artifacts go through the tracking server (`mlflow-artifacts:`), so the driver needs no storage keys."""

from __future__ import annotations

import tempfile
from typing import Any, Dict, Optional

from fraud_jobs.train.plots import render_plots
from fraud_jobs.train.registry import Gates, register_and_decide
from fraud_jobs.train.run import TrainingConfig, TrainingResult


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
        "delay_sweep": ",".join(str(d) for d in config.delay_sweep),
        "known_compromised_policy": config.business.known_compromised_policy,
        "population_rows_per_day": config.business.population_rows_per_day or "unknown",
        "code_version": code_version,
    }
    params.update({"hp_" + key: value for key, value in config.hyperparameters.items()})
    return params


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
    register_name: Optional[str],
    gates: Gates,
) -> Dict[str, Any]:
    import mlflow
    import mlflow.spark
    from mlflow.models import infer_signature

    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_experiment(experiment)
    with mlflow.start_run() as run:
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
        # The model's `prediction` is the decision at the tuned threshold (run.py sets it on the classifier);
        # the score is probability[1] of the Spark flavour; pyfunc returns the decision.
        predictions = result.model.transform(spark.createDataFrame(example)).select("prediction").toPandas()
        mlflow.spark.log_model(
            result.model,
            "model",
            signature=infer_signature(example, predictions["prediction"]),
            input_example=example,
            metadata={
                "decision_threshold": result.metrics["business"]["threshold"],
                "decision": "prediction = 1.0 when probability[1] > decision_threshold",
                "score": "probability[1]",
            },
        )
        log_reference_histograms(result.reference)
        outcome: Dict[str, Any] = {"run_id": run.info.run_id, "experiment": experiment}
        if register_name:
            decision = register_and_decide(run.info.run_id, register_name, result.metrics, gates)
            mlflow.set_tags({"registry_" + key: str(value) for key, value in decision.items()})
            mlflow.log_dict(decision, "registry_decision.json")
            outcome["registry"] = decision
    return outcome
