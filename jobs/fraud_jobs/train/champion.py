"""The champion gate: the current champion is scored on the challenger's exact test window (the same rows,
features, label delay and known-compromised policy), each model at its own decision threshold, and the two
are compared day by day, paired.

Promotion needs (besides the absolute gates of registry.Gates):
- better: the mean daily gain in average precision (handbook rows) has a one-sided lower bound, at
  `confidence`, above `min_ap_gain` (paired bootstrap: test days resampled with replacement);
- no business constraint worse (business view): for FNR, FPR and missed-fraud damage the lower bound of
  (challenger - champion) is not above 0 (the challenger is not confidently worse), and no target the
  champion meets on the test window is missed by the challenger.
The bootstrap is written on numpy: scipy.stats.bootstrap needs scipy 1.7, Data Proc image 2.1 has 1.6.2.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, replace
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from fraud_jobs.train import metrics as m
from fraud_jobs.train.evaluation import DAYS_PER_MONTH

NO_CHAMPION = "no champion yet"
UNLOADABLE = "champion unloadable"
COMPARED = "compared"
CHAMPION = "champion"


@dataclass(frozen=True)
class Gates:
    """The challenger's own minimum quality (handbook view), whatever the champion."""

    min_auc_roc: float = 0.85
    min_average_precision: float = 0.50


@dataclass(frozen=True)
class GateRule:
    """The paired comparison's parameters (the CLI's --gate-* options take their defaults from here)."""

    confidence: float = 0.95  # of the one-sided bootstrap bounds
    min_ap_gain: float = 0.0  # the mean daily AP gain's lower bound must exceed it
    min_days: int = 3  # test days with both classes needed to compare average precision
    resamples: int = 2000
    replace_unloadable: bool = False  # an unscorable champion is replaced only when this allows it
    seed: int = 0  # of the bootstrap: the same inputs give the same decision


@dataclass(frozen=True)
class DayScores:
    """One model on one test day: AP of the handbook rows, business counts at the model's own threshold."""

    day: str
    average_precision: Optional[float]  # None: the day lacks one of the classes
    frauds: int
    missed_frauds: int
    missed_amount: float
    judged_legit: int
    false_alerts: int


@dataclass(frozen=True)
class ChampionScores:
    status: str  # NO_CHAMPION, UNLOADABLE or COMPARED
    version: str = ""
    threshold: Optional[float] = None
    problem: str = ""  # why an UNLOADABLE champion could not be scored
    days: Tuple[DayScores, ...] = ()
    # Its model's operating_point metadata (train/operating_point.py); None: its fixed threshold every day.
    operating_point: Optional[Dict[str, Any]] = None


@dataclass(frozen=True)
class GateDecision:
    promote: bool
    reasons: Tuple[str, ...]
    comparison: Dict[str, Any]

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def unloadable(version: str, problem: str) -> ChampionScores:
    return ChampionScores(UNLOADABLE, version, problem=problem)


def _pooled(numerator: np.ndarray, denominator: np.ndarray, days: np.ndarray) -> np.ndarray:
    """sum(numerator) / sum(denominator) over the chosen days (0 where the denominator is 0)."""
    top, bottom = numerator[days].sum(axis=-1), denominator[days].sum(axis=-1)
    return np.divide(top, bottom, out=np.zeros(np.shape(top)), where=bottom > 0)


def _lower_bound(values: np.ndarray, confidence: float) -> float:
    return float(np.quantile(values, 1.0 - confidence))


def compare_days(
    challenger: Sequence[DayScores],
    champion: Sequence[DayScores],
    rule: GateRule,
    volume_scale: Optional[float],
) -> Dict[str, Any]:
    """Point values, paired differences and bootstrap lower bounds of AP, FNR, FPR and damage."""
    if [d.day for d in challenger] != [d.day for d in champion] or not challenger:
        raise ValueError("the champion and the challenger must be scored on the same, non-empty test days")
    rng = np.random.default_rng(rule.seed)
    n = len(challenger)
    every_day, resampled = np.arange(n), rng.integers(0, n, size=(rule.resamples, n))

    def column(days: Sequence[DayScores], name: str) -> np.ndarray:
        return np.array([getattr(d, name) for d in days], dtype="float64")

    paired = [
        i for i in range(n) if None not in (challenger[i].average_precision, champion[i].average_precision)
    ]
    ap_new = np.array([challenger[i].average_precision for i in paired], dtype="float64")
    ap_old = np.array([champion[i].average_precision for i in paired], dtype="float64")
    gains = ap_new - ap_old
    ap_days = rng.integers(0, len(paired), size=(rule.resamples, len(paired))) if paired else None
    result: Dict[str, Any] = {
        "average_precision": {
            "challenger": float(ap_new.mean()) if paired else None,
            "champion": float(ap_old.mean()) if paired else None,
            "difference": float(gains.mean()) if paired else None,
            "lower_bound": _lower_bound(gains[ap_days].mean(axis=1), rule.confidence) if paired else None,
            "days": len(paired),
        }
    }
    rates = {"fnr": ("missed_frauds", "frauds"), "fpr": ("false_alerts", "judged_legit")}
    for name, (top, bottom) in rates.items():
        new = (column(challenger, top), column(challenger, bottom))
        old = (column(champion, top), column(champion, bottom))
        point_new, point_old = float(_pooled(*new, every_day)), float(_pooled(*old, every_day))
        result[name] = {
            "challenger": point_new,
            "champion": point_old,
            "difference": point_new - point_old,
            "lower_bound": _lower_bound(_pooled(*new, resampled) - _pooled(*old, resampled), rule.confidence),
        }
    # Damage: the mean daily missed-fraud amount of the sample; a month at the real volume when it is known.
    missed_new, missed_old = column(challenger, "missed_amount"), column(champion, "missed_amount")
    to_month = DAYS_PER_MONTH * volume_scale if volume_scale else None
    result["daily_missed_amount"] = {
        "challenger": float(missed_new.mean()),
        "champion": float(missed_old.mean()),
        "difference": float(missed_new.mean() - missed_old.mean()),
        "lower_bound": _lower_bound(
            (missed_new[resampled] - missed_old[resampled]).mean(axis=1), rule.confidence
        ),
        "monthly_damage_challenger": float(missed_new.mean() * to_month) if to_month else None,
        "monthly_damage_champion": float(missed_old.mean() * to_month) if to_month else None,
    }
    return result


def _percent(value: float) -> str:
    return f"{value:.2%}"


def _targets(values: Dict[str, Any], side: str) -> Dict[str, Optional[bool]]:
    damage = values["daily_missed_amount"][f"monthly_damage_{side}"]
    return {
        f"FNR < {m.MAX_FNR:.0%}": values["fnr"][side] < m.MAX_FNR,
        f"FPR < {m.MAX_FPR:.0%}": values["fpr"][side] < m.MAX_FPR,
        f"damage < {m.MAX_MONTHLY_DAMAGE:,.0f} a month": (
            None if damage is None else damage < m.MAX_MONTHLY_DAMAGE
        ),
    }


def comparison_failures(values: Dict[str, Any], rule: GateRule, champion_version: str) -> List[str]:
    """Why the challenger may not replace the champion; empty when it may."""
    failures = []
    ap = values["average_precision"]
    level = f"{rule.confidence:.0%} lower bound"
    if ap["days"] < rule.min_days:
        failures.append(
            f"only {ap['days']} test day(s) with both classes to compare average precision on, "
            f"{rule.min_days} needed (--gate-min-days)"
        )
    elif ap["lower_bound"] <= rule.min_ap_gain:
        failures.append(
            f"average precision not better than champion version {champion_version}: mean daily gain "
            f"{ap['difference']:+.4f}, {level} {ap['lower_bound']:+.4f} <= {rule.min_ap_gain:.4f} "
            "(--gate-min-ap-gain)"
        )
    for name, label, shown in (
        ("fnr", "FNR", _percent),
        ("fpr", "FPR", _percent),
        ("daily_missed_amount", "missed-fraud amount a day (sample)", "{:,.0f}".format),
    ):
        value = values[name]
        if value["lower_bound"] > 0:
            failures.append(
                f"{label} worse: {shown(value['challenger'])} against the champion's "
                f"{shown(value['champion'])} ({level} of the increase {shown(value['lower_bound'])} > 0)"
            )
    champion_meets, challenger_meets = _targets(values, "champion"), _targets(values, "challenger")
    for target, met in champion_meets.items():
        if met and challenger_meets[target] is False:
            failures.append(f"target {target} met by the champion but not by the challenger")
    return failures


def gate_failures(metrics: Dict[str, Any], gates: Gates) -> List[str]:
    failed = []
    for key, minimum in (("auc_roc", gates.min_auc_roc), ("average_precision", gates.min_average_precision)):
        if metrics[key] < minimum:
            failed.append(f"{key} {metrics[key]:.4f} < gate {minimum:.4f}")
    return failed


def decide(
    metrics: Dict[str, Any],
    gate_failed: Sequence[str],
    champion: ChampionScores,
    challenger_days: Sequence[DayScores],
    rule: GateRule,
) -> GateDecision:
    """Promote or not, with the reasons and the per-day comparison (JSON-ready)."""
    comparison: Dict[str, Any] = {
        "status": champion.status,
        "champion_version": champion.version or None,
        "champion_threshold": champion.threshold,
        "challenger_threshold": metrics["business"]["threshold"],
        "rule": asdict(rule),
    }
    reasons = ["gates not met: " + "; ".join(gate_failed)] if gate_failed else []
    if champion.status == NO_CHAMPION:
        decision = GateDecision(
            not reasons, tuple(reasons or ["gates met and there is no champion yet"]), comparison
        )
    elif champion.status == UNLOADABLE:
        comparison["problem"] = champion.problem
        note = (
            f"champion version {champion.version} cannot be scored on this test window ({champion.problem})"
        )
        if reasons:
            decision = GateDecision(False, (*reasons, note), comparison)
        elif rule.replace_unloadable:
            decision = GateDecision(
                True, (note + ": replaced, as --gate-replace-unloadable-champion allows",), comparison
            )
        else:
            kept = note + ": kept; --gate-replace-unloadable-champion replaces it"
            decision = GateDecision(False, (kept,), comparison)
    else:
        values = compare_days(challenger_days, champion.days, rule, metrics["business"]["volume_scale"])
        comparison["metrics"] = values
        comparison["per_day"] = [
            {"day": new.day, "challenger": _day_json(new), "champion": _day_json(old)}
            for new, old in zip(challenger_days, champion.days)
        ]
        reasons += comparison_failures(values, rule, champion.version)
        ap = values["average_precision"]
        better = (
            f"gates met and better than champion version {champion.version}: average precision "
            f"{ap['difference']:+.4f} a day ({rule.confidence:.0%} lower bound {ap['lower_bound']:+.4f} > "
            f"{rule.min_ap_gain:.4f}), no business constraint worse"
        )
        decision = GateDecision(not reasons, tuple(reasons or [better]), comparison)
    decision.comparison.update(promoted=decision.promote, reasons=list(decision.reasons))
    return decision


def _day_json(day: DayScores) -> Dict[str, Any]:
    values = asdict(day)
    del values["day"]
    values["fnr"] = day.missed_frauds / day.frauds if day.frauds else 0.0
    values["fpr"] = day.false_alerts / day.judged_legit if day.judged_legit else 0.0
    return values


# --- Spark and MLflow: scoring both models on the test window, loading the champion ---------------------


def day_scores(
    model, threshold: float, operating_point, test_window, lookback_window, policy: str
) -> Tuple[DayScores, ...]:
    """Per-day AP and business counts of `model` on the test window at its own daily thresholds (from its
    scores of `lookback_window` and the test days: operating_point.day_thresholds), in Spark (only
    aggregates collected)."""
    from fraud_jobs.train.evaluation import daily_average_precision, daily_counts, handbook_rows
    from fraud_jobs.train.operating_point import OperatingPoint, day_thresholds
    from fraud_jobs.train.protocol import KNOWN_COMPROMISED
    from fraud_jobs.train.run import score, threshold_population

    scored = score(model, test_window, KNOWN_COMPROMISED).cache()
    try:
        ap = daily_average_precision(handbook_rows(scored))
        days = sorted(row[0] for row in scored.select("event_day").distinct().collect())
        population = threshold_population(model, lookback_window, scored, policy)
        thresholds = day_thresholds(population, days, OperatingPoint.from_dict(operating_point), threshold)
        counts = daily_counts(scored, thresholds, policy)
    finally:
        scored.unpersist()
    return tuple(
        DayScores(
            day=(dt.date(1970, 1, 1) + dt.timedelta(days=int(c["event_day"]))).isoformat(),
            average_precision=ap.get(c["event_day"]),
            frauds=int(c["frauds"]),
            missed_frauds=int(c["missed_frauds"]),
            missed_amount=float(c["missed_amount"]),
            judged_legit=int(c["legit"] - c["blocked_legit"]),
            false_alerts=int(c["false_alerts"]),
        )
        for c in counts
    )


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return "{}: {}".format(type(error).__name__, text[0] if text else "")


def registered_model(client, name: str):
    """The registered model, or None when it does not exist yet (any other registry error propagates: an
    unreachable registry is not 'no champion')."""
    from mlflow.exceptions import MlflowException

    try:
        return client.get_registered_model(name)
    except MlflowException as error:
        if error.error_code == "RESOURCE_DOES_NOT_EXIST":
            return None
        raise


def current_champion(client, name: str) -> Optional[str]:
    """The version the champion alias points to; None without the model or the alias."""
    model = registered_model(client, name)
    version = model.aliases.get(CHAMPION) if model is not None else None
    return None if version is None else str(version)  # an int from some stores, a string from others


def load_champion(client, name: str, columns: Sequence[str]):
    """(ChampionScores without days, its Spark model or None). A champion that does not load, carries no
    decision threshold or needs feature columns the test window lacks is UNLOADABLE, with the problem."""
    import mlflow
    import mlflow.spark
    from pyspark.ml.feature import VectorAssembler

    version = current_champion(client, name)
    if version is None:
        return ChampionScores(NO_CHAMPION), None
    uri = f"models:/{name}/{version}"
    try:
        metadata = mlflow.models.get_model_info(uri).metadata or {}
        threshold = metadata.get("decision_threshold")
        model = mlflow.spark.load_model(uri)
    except Exception as error:  # noqa: BLE001 (whatever the cause, it is reported, never silently beaten)
        return unloadable(version, "load error: " + _first_line(error)), None
    if threshold is None:
        return unloadable(version, "its model has no decision_threshold metadata"), None
    needed = [c for s in model.stages if isinstance(s, VectorAssembler) for c in s.getInputCols()]
    missing = sorted(set(needed) - set(columns))
    if missing:
        return unloadable(
            version, "feature columns differ: the test window has no " + ", ".join(missing)
        ), None
    return ChampionScores(
        COMPARED, version, float(threshold), operating_point=metadata.get("operating_point")
    ), model


def run_gate(name: str, result, gates: Gates, rule: GateRule) -> GateDecision:
    """Loads the champion of `name`, scores it and the challenger (`result`, a run.TrainingResult) on the
    challenger's test window and decides."""
    from mlflow.tracking import MlflowClient

    business = result.metrics["business"]
    champion, model = load_champion(MlflowClient(), name, result.test_window.columns)
    challenger_days: Tuple[DayScores, ...] = ()
    if champion.status == COMPARED:
        test_window = result.test_window.cache()
        lookback_window = result.lookback_window
        try:
            try:
                days = day_scores(
                    model,
                    champion.threshold,
                    champion.operating_point,
                    test_window,
                    lookback_window,
                    business["policy"],
                )
                champion = replace(champion, days=days)
            except Exception as error:  # noqa: BLE001 (a champion failing on these rows is reported)
                champion = unloadable(champion.version, "scoring error: " + _first_line(error))
            else:
                point = result.operating_point.as_dict() if result.operating_point is not None else None
                challenger_days = day_scores(
                    result.model,
                    business["threshold"],
                    point,
                    test_window,
                    lookback_window,
                    business["policy"],
                )
        finally:
            test_window.unpersist()
    failed = gate_failures(result.metrics, gates)
    return decide(result.metrics, failed, champion, challenger_days, rule)
