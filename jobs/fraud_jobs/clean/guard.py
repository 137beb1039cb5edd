"""The data-loss guard: a run in which one rule drops more than a share of the input stops before publishing.

A wrong option (say --max-terminal-id 99 instead of 999) or input of another format would otherwise
replace good cleaned dates with nearly empty ones. The check runs over the per-rule counts the job
observed while staging its output, so it costs no extra pass and the dataset is untouched when it fires.

Default share: the real data's largest defect, terminal_out_of_range, is 575,157 of 1,879,794,138 rows
(0.031 %); even if every such row sat in one raw file (about 47 M rows) it would be 1.2 % of a run over
that file alone. 5 % leaves four times that margin (jobs/tests/clean/test_clean_guard.py checks it
against the catalogue's REAL_COUNTS).
"""

from __future__ import annotations

from typing import List, Mapping, Tuple

from fraud_jobs.clean.rules import DROP_RULES

DEFAULT_MAX_DROP_SHARE = 0.05
MAX_SHARE_OPTION = "--max-drop-share"
ALLOW_OPTION = "--allow-data-loss"
# Rules an option of the job sets: the first thing to check when they drop too much.
RULE_OPTIONS = {"terminal_out_of_range": "--max-terminal-id"}


class DataLossRefused(Exception):
    """A rule dropped more than the allowed share; nothing was published."""


def excessive_drops(counts: Mapping[str, int], max_share: float) -> List[Tuple[str, int, float]]:
    """(rule, rows dropped, share of rows read) for every drop rule above max_share, in rule order."""
    read = counts["rows_read"]
    if not read:
        return []
    shares = [(rule, counts[rule], counts[rule] / read) for rule in DROP_RULES]
    return [(rule, count, share) for rule, count, share in shares if share > max_share]


def check_drop_shares(counts: Mapping[str, int], max_share: float) -> None:
    """Raises DataLossRefused naming each rule over max_share, its share and the options to change."""
    excessive = excessive_drops(counts, max_share)
    if not excessive:
        return
    lines = []
    for rule, count, share in excessive:
        cause = (
            f"check {RULE_OPTIONS[rule]} (the real data's terminals are 0..999)"
            if rule in RULE_OPTIONS
            else "check the input files"
        )
        lines.append(
            f"rule {rule} drops {count} of {counts['rows_read']} rows ({100 * share:.2f} %), above "
            f"{MAX_SHARE_OPTION} {max_share:g}: {cause}"
        )
    raise DataLossRefused(
        "; ".join(lines) + f". Nothing was written. If the input is meant to lose that much, raise "
        f"{MAX_SHARE_OPTION} or pass {ALLOW_OPTION}."
    )
