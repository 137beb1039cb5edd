"""Reads generated raw files back with the standard library only (independent of the generator code)."""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Dict, List, NamedTuple, Optional

HEADER = (
    "# tranaction_id | tx_datetime | customer_id | terminal_id | tx_amount | tx_time_seconds"
    " | tx_time_days | tx_fraud | tx_fraud_scenario"
)
_INT = re.compile(r"^\d+$")
_SIGNED_INT = re.compile(r"^-?\d+$")
_AMOUNT = re.compile(r"^\d+\.\d\d$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} (\d{2}):(\d{2}):(\d{2})$")


class Line(NamedTuple):
    file: str
    number: int  # 1-based line number in the file; the header is line 1
    text: str

    @property
    def fields(self) -> List[str]:
        return self.text.split(",")


def read_lines(out_dir: str) -> List[Line]:
    """Every data line of every file, files in name order; checks header and final newline."""
    lines = []
    for name in sorted(os.listdir(out_dir)):
        with open(os.path.join(out_dir, name), encoding="ascii", newline="") as data:
            content = data.read()
        assert content.endswith("\n"), name
        texts = content[:-1].split("\n")
        assert texts[0] == HEADER, name
        lines += [Line(name, number, text) for number, text in enumerate(texts[1:], start=2)]
    return lines


def is_malformed(fields: List[str]) -> bool:
    """The cleaning job's rule 1, written independently."""
    if len(fields) != 9:
        return True
    tx_id, datetime, customer, _terminal, amount, seconds, days, fraud, scenario = fields
    if not _DATETIME.match(datetime):
        return True
    try:
        dt.datetime.strptime(datetime[:10], "%Y-%m-%d")
    except ValueError:
        return True
    return not (
        _INT.match(tx_id)
        and _SIGNED_INT.match(customer)
        and _AMOUNT.match(amount)
        and _INT.match(seconds)
        and _INT.match(days)
        and fraud in ("0", "1")
        and scenario in ("0", "1", "2", "3")
    )


def datetime_seconds(datetime: str, epoch: dt.date) -> int:
    """Seconds from the epoch of a printed datetime (24:00:00 counts as the next day's midnight)."""
    date = dt.datetime.strptime(datetime[:10], "%Y-%m-%d").date()
    hour, minute, second = (int(part) for part in _DATETIME.match(datetime).groups())
    return (date - epoch).days * 86_400 + hour * 3600 + minute * 60 + second


def reference_clean(lines: List[Line], max_terminal_id: int) -> Dict[str, object]:
    """The cleaning rules in order: counts of each drop and the ids kept."""
    dropped = {
        "malformed": 0,
        "duplicate": 0,
        "unknown_customer": 0,
        "unknown_terminal": 0,
        "terminal_out_of_range": 0,
        "non_positive_amount": 0,
    }
    seen = set()
    kept = []
    for line in lines:
        fields = line.fields
        rule: Optional[str] = None
        if is_malformed(fields):
            rule = "malformed"
        elif int(fields[0]) in seen:
            rule = "duplicate"
        elif int(fields[2]) < 0:
            rule = "unknown_customer"
        elif not _SIGNED_INT.match(fields[3]):
            rule = "unknown_terminal"
        elif not 0 <= int(fields[3]) <= max_terminal_id:
            rule = "terminal_out_of_range"
        elif float(fields[4]) <= 0:
            rule = "non_positive_amount"
        if rule != "malformed":
            seen.add(int(fields[0]))
        if rule:
            dropped[rule] += 1
        else:
            kept.append(int(fields[0]))
    return {"dropped": dropped, "kept": kept}
