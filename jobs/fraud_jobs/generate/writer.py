"""Renders rows into the raw text format and streams them into 30-day files.

Lines are built as byte matrices: every field is right-aligned in a fixed-width block with a
per-row start column; a mask of the visible bytes flattens all lines at once (no per-row Python).
"""

from __future__ import annotations

import datetime as dt
import os
from typing import BinaryIO, Dict, List, Optional, Tuple

import numpy as np

from .defects import MALFORMATIONS, NO_MALFORMATION, TERMINAL_EMPTY, TERMINAL_ERR, RawRows

HEADER = (
    b"# tranaction_id | tx_datetime | customer_id | terminal_id | tx_amount | tx_time_seconds"
    b" | tx_time_days | tx_fraud | tx_fraud_scenario\n"
)
FILE_DAYS = 30
_CHUNK_ROWS = 200_000  # bounds the byte matrices of one write
_UNPARSABLE = b"n/a"


class _Field:
    """A fixed-width byte block per row; bytes before `start` are not written."""

    def __init__(self, matrix: np.ndarray, start: np.ndarray) -> None:
        self.matrix = matrix
        self.start = start

    @property
    def width(self) -> int:
        return self.matrix.shape[1]

    def visible(self) -> np.ndarray:
        return np.arange(self.width, dtype=np.int16)[None, :] >= self.start.astype(np.int16)[:, None]

    def hide(self, rows: np.ndarray) -> None:
        self.start[rows] = self.width

    def replace(self, rows: np.ndarray, text: bytes) -> None:
        """Writes `text` instead of the value on `rows`."""
        if not np.any(rows):
            return
        if len(text) > self.width:
            pad = np.zeros((len(self.start), len(text) - self.width), dtype=np.uint8)
            self.start = self.start + pad.shape[1]
            self.matrix = np.hstack([pad, self.matrix])
        if text:
            self.matrix[np.ix_(np.flatnonzero(rows), np.arange(self.width - len(text), self.width))] = (
                np.frombuffer(text, dtype=np.uint8)
            )
        self.start[rows] = self.width - len(text)


def _constant(rows: int, text: bytes) -> _Field:
    matrix = np.broadcast_to(np.frombuffer(text, dtype=np.uint8), (rows, len(text)))
    return _Field(matrix, np.zeros(rows, dtype=np.int64))


# The 4-digit texts "0000".."9999", each packed into one uint32: one division and one gather per
# 4 digits (unsigned 32-bit division is an order of magnitude faster than int64 in numpy).
_FOUR_DIGITS = np.frombuffer("".join(f"{i:04d}" for i in range(10_000)).encode(), dtype=np.uint32)


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal digits (as bytes) of non-negative integers, `width` columns."""
    groups = -(-width // 4)
    fits = not len(values) or int(values.max()) <= np.iinfo(np.uint32).max
    rest = values.astype(np.uint32 if fits else np.uint64)
    packed = np.empty((len(values), groups), dtype=np.uint32)
    for column in range(groups - 1, -1, -1):
        rest, group = np.divmod(rest, rest.dtype.type(10_000))
        packed[:, column] = _FOUR_DIGITS[group]
    return packed.view(np.uint8)[:, 4 * groups - width :]


def _integer(values: np.ndarray) -> _Field:
    magnitude = np.abs(values)
    width = len(str(int(magnitude.max()))) if len(values) else 1
    powers = 10 ** np.arange(1, width, dtype=np.int64)
    digit_count = 1 + np.searchsorted(powers, magnitude, side="right")
    negative = values < 0
    if not negative.any():
        return _Field(_digits(magnitude, width), width - digit_count)
    matrix = np.hstack([np.zeros((len(values), 1), dtype=np.uint8), _digits(magnitude, width)])
    start = width + 1 - digit_count - negative
    matrix[np.flatnonzero(negative), start[negative]] = ord("-")
    return _Field(matrix, start)


def _amount(cents: np.ndarray) -> _Field:
    whole = _integer(cents // 100)
    fraction = _digits(cents % 100, 2)
    dot = np.full((len(cents), 1), ord("."), dtype=np.uint8)
    return _Field(np.hstack([whole.matrix, dot, fraction]), whole.start)


def _datetime(epoch: dt.date, day: np.ndarray, second: np.ndarray) -> _Field:
    """`YYYY-MM-DD HH:MM:SS`; second 86400 prints as 24:00:00 of the same date, as the real data does."""
    days, inverse = np.unique(day, return_inverse=True)
    dates = np.frombuffer(
        "".join((epoch + dt.timedelta(days=int(d))).isoformat() for d in days).encode(), dtype=np.uint8
    ).reshape(len(days), 10)
    n = len(day)
    colon = np.full((n, 1), ord(":"), dtype=np.uint8)
    matrix = np.hstack(
        [
            dates[inverse],
            np.full((n, 1), ord(" "), dtype=np.uint8),
            _digits(second // 3600, 2),
            colon,
            _digits(second % 3600 // 60, 2),
            colon,
            _digits(second % 60, 2),
        ]
    )
    return _Field(matrix, np.zeros(n, dtype=np.int64))


def render_lines(rows: RawRows, epoch: dt.date) -> bytes:
    """The text lines of `rows` (duplicated rows written twice, one after the other)."""
    n = len(rows)
    terminal = _integer(rows.terminal_id)
    terminal.replace(rows.terminal_text == TERMINAL_EMPTY, b"")
    terminal.replace(rows.terminal_text == TERMINAL_ERR, b"Err")
    values = [
        _integer(rows.transaction_id),
        _datetime(epoch, rows.datetime_day, rows.datetime_second),
        _integer(rows.customer_id),
        terminal,
        _amount(rows.amount_cents),
        _integer(rows.seconds),
        _integer(rows.days),
        _integer(rows.fraud),
        _integer(rows.scenario),
    ]
    commas = [_constant(n, b",") for _ in values[1:]]
    extra = _constant(n, b",0")  # the tenth field of an `extra_field` line
    extra.hide(np.ones(n, dtype=bool))
    _malform(rows.malformation, values, commas, extra)
    fields = [values[0]]
    for comma, value in zip(commas, values[1:]):
        fields += [comma, value]
    fields += [extra, _constant(n, b"\n")]
    matrix = np.hstack([f.matrix for f in fields])
    visible = np.hstack([f.visible() for f in fields])
    if (rows.copies > 1).any():
        repeat = np.repeat(np.arange(n), rows.copies)
        matrix, visible = matrix[repeat], visible[repeat]
    return matrix[visible].tobytes()


# Field index and replacement text for each malformation that swaps one value.
_REPLACED_VALUE = {
    "bad_transaction_id": (0, _UNPARSABLE),
    "bad_datetime": (1, _UNPARSABLE),
    "bad_customer_id": (2, _UNPARSABLE),
    "bad_amount": (4, _UNPARSABLE),
    "bad_seconds": (5, _UNPARSABLE),
    "bad_days": (6, _UNPARSABLE),
    "bad_fraud": (7, _UNPARSABLE),
    "fraud_out_of_set": (7, b"2"),
    "bad_scenario": (8, _UNPARSABLE),
    "scenario_out_of_range": (8, b"7"),
}


def _malform(malformation: np.ndarray, values: List[_Field], commas: List[_Field], extra: _Field) -> None:
    if (malformation == NO_MALFORMATION).all():
        return
    for code, name in enumerate(MALFORMATIONS):
        rows = malformation == code
        if name == "missing_field":
            commas[-1].hide(rows)
            values[-1].hide(rows)
        elif name == "extra_field":
            extra.start[rows] = 0
        else:
            index, text = _REPLACED_VALUE[name]
            values[index].replace(rows, text)


class RawFileWriter:
    """Streams days into files of FILE_DAYS days named by their first date; finished files are renamed
    into place, so an interrupted run leaves no half-written data file under a final name."""

    def __init__(self, out_dir: str, epoch: dt.date) -> None:
        self._out_dir = out_dir
        self._epoch = epoch
        self._file: Optional[BinaryIO] = None
        self._name = ""
        self._lines = 0
        self._period = -1
        self.files: List[Dict[str, object]] = []

    def write_day(self, day: int, rows: RawRows) -> List[Tuple[str, int]]:
        """Appends one day; returns (file name, 1-based line number) of each malformed line."""
        period = day // FILE_DAYS
        if period != self._period:
            self._finish()
            self._open(period)
        malformed = []
        for start in range(0, len(rows), _CHUNK_ROWS):
            chunk = _slice(rows, start, start + _CHUNK_ROWS)
            bad = np.flatnonzero(chunk.malformation != NO_MALFORMATION)
            if len(bad):
                first_copy = np.cumsum(chunk.copies) - chunk.copies
                line = self._lines + 2 + first_copy[bad]  # + header, 1-based
                malformed += [(self._name, int(number)) for number in line]
            self._file.write(render_lines(chunk, self._epoch))
            self._lines += int(chunk.copies.sum())
        return malformed

    def close(self) -> List[Dict[str, object]]:
        self._finish()
        return self.files

    def abort(self) -> None:
        """Removes the file being written (after an error) instead of renaming it into place."""
        if self._file is not None:
            self._file.close()
            os.remove(self._partial_path())
            self._file = None

    def _open(self, period: int) -> None:
        self._period = period
        self._name = (self._epoch + dt.timedelta(days=period * FILE_DAYS)).isoformat() + ".txt"
        self._file = open(self._partial_path(), "wb")
        self._file.write(HEADER)
        self._lines = 0

    def _finish(self) -> None:
        if self._file is None:
            return
        self._file.close()
        os.replace(self._partial_path(), os.path.join(self._out_dir, self._name))
        self.files.append({"name": self._name, "data_lines": self._lines})
        self._file = None

    def _partial_path(self) -> str:
        return os.path.join(self._out_dir, "." + self._name + ".partial")


def _slice(rows: RawRows, start: int, stop: int) -> RawRows:
    return RawRows(**{name: getattr(rows, name)[start:stop] for name in RawRows.__dataclass_fields__})
