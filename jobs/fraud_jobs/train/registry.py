"""Model registry: every registered version becomes `challenger`; it becomes `champion` only when it meets
the gates and beats the current champion's average precision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Tuple, Union

from fraud_jobs.train.evaluation import Metrics

CHALLENGER = "challenger"
CHAMPION = "champion"


@dataclass(frozen=True)
class Gates:
    min_auc_roc: float = 0.85
    min_average_precision: float = 0.50


def promotion_decision(metrics: Metrics, champion_ap: Optional[float], gates: Gates) -> Tuple[bool, str]:
    """(promote?, reason) from the challenger's metrics and the champion's average precision, if any."""
    failed = []
    if metrics["auc_roc"] < gates.min_auc_roc:
        failed.append("auc_roc {:.4f} < gate {:.4f}".format(metrics["auc_roc"], gates.min_auc_roc))
    if metrics["average_precision"] < gates.min_average_precision:
        failed.append(
            "average_precision {:.4f} < gate {:.4f}".format(
                metrics["average_precision"], gates.min_average_precision
            )
        )
    if failed:
        return False, "gates not met: " + "; ".join(failed)
    if champion_ap is None:
        return True, "gates met and there is no champion yet"
    if metrics["average_precision"] > champion_ap:
        return True, "gates met and average_precision {:.4f} beats the champion's {:.4f}".format(
            metrics["average_precision"], champion_ap
        )
    return False, "gates met but average_precision {:.4f} does not beat the champion's {:.4f}".format(
        metrics["average_precision"], champion_ap
    )


def register_and_decide(
    run_id: str, name: str, metrics: Metrics, gates: Gates
) -> Dict[str, Union[str, bool]]:
    """Registers runs:/<run_id>/model under `name`, sets the aliases and returns the decision."""
    import mlflow
    from mlflow.exceptions import MlflowException
    from mlflow.tracking import MlflowClient

    client = MlflowClient()
    version = mlflow.register_model(f"runs:/{run_id}/model", name).version
    try:
        champion = client.get_model_version_by_alias(name, CHAMPION)
    except MlflowException:
        champion = None
    champion_ap = None
    if champion is not None:
        champion_ap = client.get_run(champion.run_id).data.metrics.get("average_precision")
    promote, reason = promotion_decision(metrics, champion_ap, gates)
    client.set_registered_model_alias(name, CHALLENGER, version)
    if promote:
        client.set_registered_model_alias(name, CHAMPION, version)
    decision = {
        "model_name": name,
        "version": str(version),
        "promoted": promote,
        "reason": reason,
        "previous_champion": champion.version if champion is not None else "",
    }
    for key in ("promoted", "reason"):
        client.set_model_version_tag(name, version, "promotion_" + key, str(decision[key]))
    return decision
