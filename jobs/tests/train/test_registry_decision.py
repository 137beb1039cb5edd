"""The promotion rule: gates first, then average precision strictly above the champion's."""

from __future__ import annotations

from fraud_jobs.train.registry import Gates, promotion_decision

GATES = Gates(min_auc_roc=0.85, min_average_precision=0.5)


def test_first_version_that_meets_the_gates_becomes_champion():
    assert promotion_decision({"auc_roc": 0.9, "average_precision": 0.6}, None, GATES) == (
        True,
        "gates met and there is no champion yet",
    )


def test_failing_gates_block_promotion_and_are_named():
    promote, reason = promotion_decision({"auc_roc": 0.8, "average_precision": 0.4}, None, GATES)
    assert not promote
    assert "auc_roc 0.8000 < gate 0.8500" in reason and "average_precision 0.4000 < gate 0.5000" in reason


def test_must_beat_the_champion_strictly():
    assert promotion_decision({"auc_roc": 0.9, "average_precision": 0.7}, 0.65, GATES)[0]
    promote, reason = promotion_decision({"auc_roc": 0.9, "average_precision": 0.65}, 0.65, GATES)
    assert not promote and "does not beat" in reason
