"""The catalogue of cleaning rules: one table from which the cleaning job's drop precedence and report, and
the generator's defect list, manifest and default rates are derived.

Adding a rule is one row here, its mark/fix function in fraud_jobs/clean/rules.py (a test checks that every
rule has one) called in fraud_jobs/clean/job.py `mark_rows` (the functions take different inputs), and its
injection in fraud_jobs/generate/defects.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Tuple

DROP = "drop"
FIX = "fix"


@dataclass(frozen=True)
class CleaningRule:
    name: str
    # DROP: removed (counted under the first matching drop rule, in table order); FIX: kept, corrected.
    action: str
    # Rows of the full real dataset it applies to (shared/reference/dataset.md): the generator's default rate.
    real_count: int
    # False when it removes a copy, not a transaction (duplicate): the manifest's clean rows keep the id.
    removes_transaction: bool = True


# Table order is the drop precedence and the order of the report, the manifest and the generator's draw.
CLEANING_RULES: Tuple[CleaningRule, ...] = (
    CleaningRule("malformed", DROP, 0),  # not in the real data; injected only on request
    CleaningRule("duplicate", DROP, 2_553, removes_transaction=False),
    CleaningRule("unknown_customer", DROP, 14_623),
    CleaningRule("unknown_terminal", DROP, 40_312),
    CleaningRule("terminal_out_of_range", DROP, 575_157),
    CleaningRule("non_positive_amount", DROP, 35_260),
    CleaningRule("midnight", FIX, 3_805),
    CleaningRule("seconds", FIX, 14_444),
)

RULE_NAMES = tuple(rule.name for rule in CLEANING_RULES)
DROP_RULES = tuple(rule.name for rule in CLEANING_RULES if rule.action == DROP)
FIXES = tuple(rule.name for rule in CLEANING_RULES if rule.action == FIX)
# Defects whose transactions a correct cleaning removes (fixed rows are kept, a duplicate keeps one copy).
DROPPED_TRANSACTIONS = tuple(
    rule.name for rule in CLEANING_RULES if rule.action == DROP and rule.removes_transaction
)
REAL_COUNTS = {rule.name: rule.real_count for rule in CLEANING_RULES}
