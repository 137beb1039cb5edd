"""Hostile raw files through the cleaning CLI: it never crashes, every bad line is quarantined with a reason,
good rows are kept and the report adds up. Each case is one file of one input folder; every file's
expected outcome is known by construction (good rows are well-formed, bad lines cannot parse)."""

from __future__ import annotations

import gzip
import json
import random
import re
from typing import Dict, List, Tuple

import pytest

from fraud_jobs.clean.cli import main
from fraud_jobs.clean.rules import DROP_RULES

HEADER = b"# tranaction_id | tx_datetime | customer_id | terminal_id | tx_amount | tx_time_seconds | " + (
    b"tx_time_days | tx_fraud | tx_fraud_scenario"
)
# Bytes of binary garbage: no comma (a garbage line then has one field: it cannot parse), no space and no '#'
# (a line of spaces is blank, a '#' line a comment; both are cases of their own below).
GARBAGE_BYTES = bytes(sorted(set(range(256)) - set(b", #")))


def good_line(tx_id: int) -> bytes:
    seconds = 3600 + tx_id % 3600
    return b"%d,2019-08-22 01:%02d:%02d,%d,%d,%d.50,%d,0,0,0" % (
        tx_id, (tx_id // 60) % 60, tx_id % 60, tx_id % 7, tx_id % 1000, 10 + tx_id % 90, seconds
    )  # fmt: skip


def good_lines(first: int, count: int) -> List[bytes]:
    return [good_line(tx_id) for tx_id in range(first, first + count)]


def garbage(rng: random.Random, size: int) -> bytes:
    return bytes(rng.choice(GARBAGE_BYTES) for _ in range(size))


class Case:
    """One raw file: its bytes, the ids of its good rows, its bad lines (text as the quarantine shows it) and
    the drops expected under other rules."""

    def __init__(self, name: str, what: str, content: bytes, good: List[int], bad: List[bytes], **drops: int):
        self.name, self.what, self.content, self.good, self.bad, self.drops = (
            name,
            what,
            content,
            good,
            bad,
            drops,
        )


def hadoop_lines(content: bytes) -> List[bytes]:
    """Lines as Hadoop's LineReader splits them: on \\n, \\r and \\r\\n (bytes.splitlines does the same)."""
    return content.splitlines()


def build_cases() -> List[Case]:
    rng = random.Random(17)
    cases = []

    blob = garbage(rng, 20_000)
    bad = [line for line in hadoop_lines(blob) if line]
    cases.append(Case("binary.txt", "binary garbage (20 kB, NUL, 0xFF, lone \\r)", blob, [], bad))

    rows = good_lines(1000, 30)
    bad_utf8 = [b"\xff\xfe\xfd not text", b"1100,2019-08-22 01:00:00,1,5,10.\xc3\x28,3600,0,0,0"]
    terminal = b"1101,2019-08-22 01:00:01,1,\xed\xa0\x80,10.00,3601,0,0,0"  # an encoded surrogate
    content = b"\n".join([HEADER, *rows[:10], *bad_utf8, terminal, *rows[10:]]) + b"\n"
    cases.append(
        Case("utf8.txt", "invalid UTF-8 (line, amount, terminal)", content, list(range(1000, 1030)), bad_utf8,
             unknown_terminal=1)
    )  # fmt: skip

    long_line = b"9" * (10 * 1024 * 1024)
    rows = good_lines(2000, 20)
    content = b"\n".join([HEADER, *rows[:10], long_line, *rows[10:]]) + b"\n"
    cases.append(
        Case("long.txt", "a 10 MB line between good rows", content, list(range(2000, 2020)), [long_line])
    )

    rows = good_lines(3000, 50)
    cases.append(
        Case(
            "crlf.txt", "CRLF line ends", b"\r\n".join([HEADER, *rows]) + b"\r\n", list(range(3000, 3050)), []
        )
    )
    rows = good_lines(4000, 50)
    unterminated = b"\n".join([HEADER, *rows])
    cases.append(
        Case("no-newline.txt", "no newline after the last row", unterminated, list(range(4000, 4050)), [])
    )
    cases.append(Case("empty.txt", "empty file (0 bytes)", b"", [], []))
    cases.append(Case("header.txt", "header only", HEADER + b"\n", [], []))

    rows = good_lines(5000, 50)
    packed = gzip.compress(b"\n".join([HEADER, *rows]) + b"\n", mtime=0)
    cases.append(Case("packed.txt.gz", "gzip file named .gz among .txt", packed, list(range(5000, 5050)), []))
    disguised = gzip.compress(b"\n".join([HEADER, *good_lines(6000, 50)]) + b"\n", mtime=0)
    bad = [line for line in hadoop_lines(disguised) if line.strip(b" ")]
    cases.append(Case("disguised.txt", "gzip bytes named .txt", disguised, [], bad))

    rows = good_lines(7000, 20)
    odd = [b"#not the header", b"   ", b"\t", b"7100,2019-08-22 01:00:00,1,5,10.00,3600,0,0"]
    content = b"\n".join([HEADER, *rows[:10], *odd, *rows[10:], HEADER]) + b"\n"
    cases.append(
        Case("odd.txt", "'#' line, blank, tab-only, 8 fields, a 2nd header", content, list(range(7000, 7020)),
             [odd[0], odd[2], odd[3]])
    )  # fmt: skip

    # Enough plain rows that the malformed share stays under the data-loss guard's default.
    cases.append(Case("plain.txt", "plain rows", b"\n".join([HEADER, *good_lines(10_000, 3000)]) + b"\n",
                      list(range(10_000, 13_000)), []))  # fmt: skip
    return cases


def comparable(text: str) -> str:
    """Quarantined text with each run of U+FFFD as one: Java's decoder and Python's replace invalid UTF-8
    with U+FFFD but may disagree on how many (the valid characters around them must match exactly)."""
    return re.sub("\ufffd+", "\ufffd", text)


def quarantine_text(line: bytes) -> str:
    """A bad line as the quarantine's JSON holds it: invalid UTF-8 bytes become U+FFFD."""
    return comparable(line.decode("utf-8", errors="replace"))


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    raw = root / "raw"
    raw.mkdir()
    cases = build_cases()
    for case in cases:
        (raw / case.name).write_bytes(case.content)
    argv = ["--input", str(raw), "--output", str(root / "out"), "--report", str(root / "report.json")]
    assert main(argv + ["--quarantine", str(root / "bad")]) == 0
    return root, cases, json.loads((root / "report.json").read_text())


def quarantined(spark, root) -> Dict[str, List[Tuple[str, str]]]:
    by_file: Dict[str, List[Tuple[str, str]]] = {}
    for row in spark.read.json(str(root / "bad")).collect():
        by_file.setdefault(row.source_file, []).append((row.line, row.reason))
    return by_file


def test_the_report_adds_up(hostile_run):
    _, cases, report = hostile_run
    good = sum(len(case.good) for case in cases)
    bad = sum(len(case.bad) for case in cases)
    other = {rule: sum(case.drops.get(rule, 0) for case in cases) for rule in DROP_RULES[1:]}
    assert report["rows_written"] == good
    assert report["dropped"] == {"malformed": bad, **other}
    assert report["rows_read"] == good + bad + sum(other.values())
    assert report["input_files"] == len(cases)


def test_good_rows_are_kept_exactly(spark, hostile_run):
    root, cases, _ = hostile_run
    rows = {row.transaction_id: row for row in spark.read.parquet(str(root / "out")).collect()}
    assert sorted(rows) == sorted(tx for case in cases for tx in case.good)
    for case in cases:
        for tx in case.good:
            fields = good_line(tx).decode().split(",")
            row = rows[tx]
            assert (row.customer_id, row.terminal_id, row.tx_amount) == (
                int(fields[2]),
                int(fields[3]),
                float(fields[4]),
            )
            assert (row.tx_time_seconds, row.tx_fraud_scenario) == (int(fields[5]), 0), case.name


def test_every_bad_line_is_quarantined_with_a_reason(spark, hostile_run):
    root, cases, _ = hostile_run
    found = quarantined(spark, root)
    table = []
    for case in cases:
        lines = found.get(case.name, [])
        assert sorted(comparable(line) for line, _ in lines) == sorted(
            quarantine_text(line) for line in case.bad
        ), case.name
        assert all(reason for _, reason in lines), case.name
        reasons = sorted({reason for _, reason in lines})
        table.append(
            f"{case.what}: kept {len(case.good)}, quarantined {len(lines)} {reasons[:2]}, {case.drops}"
        )
    print("\n".join(table))


# A truncated or corrupt gzip file: Hadoop's codec raised an EOFException that named no file.
def raw_text(first: int, count: int) -> bytes:
    return b"\n".join([HEADER] + good_lines(first, count)) + b"\n"


@pytest.mark.parametrize("damage", ["truncated", "corrupt"])
def test_a_damaged_gzip_file_is_named_and_nothing_is_published(tmp_path, capsys, damage):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "2019-08-22.txt").write_bytes(raw_text(1, 200))
    whole = gzip.compress(raw_text(1000, 5000))
    if damage == "truncated":  # an upload cut short
        broken = whole[: len(whole) // 2]
    else:  # a flipped byte in the deflate stream: the CRC or the stream itself fails
        middle = len(whole) // 2
        broken = whole[:middle] + bytes([whole[middle] ^ 0xFF]) + whole[middle + 1 :]
    (raw / "2019-08-23.txt.gz").write_bytes(broken)
    out = tmp_path / "out"
    argv = ["--input", str(raw), "--output", str(out), "--report", str(tmp_path / "report.json")]

    with pytest.raises(SystemExit) as stopped:
        main(argv + ["--quarantine", str(tmp_path / "bad")])

    assert stopped.value.code == 2
    error = capsys.readouterr().err
    assert "2019-08-23.txt.gz" in error
    assert "truncated or damaged compressed file" in error and "upload it again" in error
    assert "2019-08-22.txt" not in error.replace("2019-08-22.txt.gz", "")  # the good file is not blamed
    published = [path for path in out.rglob("*.parquet") if "_staging" not in path.parts]
    assert not published and not (out / "_manifest.json").exists() and not (tmp_path / "report.json").exists()
