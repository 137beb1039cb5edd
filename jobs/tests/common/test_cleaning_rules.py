"""The cleaning-rule catalogue is the one list: the job's rules, its report and the generator follow it."""

from fraud_jobs.clean import rules
from fraud_jobs.clean.report import build_report
from fraud_jobs.common.cleaning_rules import CLEANING_RULES, DROP, DROP_RULES, FIX, FIXES, REAL_COUNTS
from fraud_jobs.generate import defects


def test_every_drop_rule_has_its_marking_function_and_every_fix_its_fix_function():
    for rule in CLEANING_RULES:
        prefix = "mark_" if rule.action == DROP else "fix_"
        function = prefix + rule.name
        assert callable(getattr(rules, function, None)), f"fraud_jobs.clean.rules lacks {function}"


def test_actions_are_drop_or_fix_and_names_are_unique():
    assert {rule.action for rule in CLEANING_RULES} <= {DROP, FIX}
    assert len({rule.name for rule in CLEANING_RULES}) == len(CLEANING_RULES)
    assert rules.DROP_RULES == DROP_RULES and rules.FIXES == FIXES


def test_the_report_lists_the_catalogue_in_its_order():
    counts = {"rows_read": 0, "rows_written": 0, "input_files": 1}
    counts.update({name: 0 for name in DROP_RULES})
    counts.update({"fixed_" + name: 0 for name in FIXES})
    report = build_report(counts, duration_seconds=0.0)
    assert list(report["dropped"]) == list(DROP_RULES)
    assert list(report["fixed"]) == list(FIXES)


def test_the_generator_injects_every_rule_at_the_real_share_by_default():
    assert defects.DEFECT_NAMES == tuple(rule.name for rule in CLEANING_RULES)
    rates = defects.default_rates(1.0)
    for name, count in REAL_COUNTS.items():
        if name != "non_positive_amount":  # the simulator's own 0.00 amounts supply part of that share
            assert rates[name] == count / defects.REAL_ROWS
    assert "duplicate" not in defects.DROPPED_DEFECTS and "midnight" not in defects.DROPPED_DEFECTS
