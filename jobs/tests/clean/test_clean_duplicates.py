"""The job's duplicates, by held buckets (its usual plan) or candidate keys (its fallback), equal the full
parse's."""

from __future__ import annotations

from pyspark.sql import functions as F

from fraud_jobs.clean import duplicates, job, rules
from fraud_jobs.clean.job import duplicate_keys_of_lines, mark_malformed_lines
from fraud_jobs.clean.previous import PREVIOUS, PREVIOUS_ROW_KEY

LARGE = 3_000_000_000  # beyond int: the first field must be cast to long, as the parser does


def line(tx_id, customer="1", fraud="0"):
    return f"{tx_id},2019-08-23 01:00:00,{customer},5,10.00,90000,1,{fraud},0"


# Ids whose first fields differ as text but cast alike, copies that are malformed (their id still casts, or
# not), lines without a comma, a header and blank lines, ids held once.
LINES = [
    "# tranaction_id | tx_datetime | customer_id",
    line(7),
    line("007"),  # the same id as 7 for the cast: a duplicate
    line(" 7"),
    line("7.0"),  # casts to 7 but is malformed: not a copy
    line(8, fraud="9"),  # malformed first copy of 8: the next one is kept
    line(8),
    line(8, customer="-999999"),  # well-formed extra copy dropped by another rule too: duplicate
    "9",  # no comma: malformed, id casts to 9
    line(9),
    "",
    "   ",
    line(LARGE),
    line(LARGE + 2**32),  # the same int after an int cast, not the same long
    line(10),
    line(11),
    line(11, fraud="x"),
    line("n/a"),
    line("n/a"),
    line(12),
]


def _keys(frame):
    return sorted(tuple(row) for row in frame.select("transaction_id", "kept_row_key").collect())


def test_candidate_keys_equal_the_full_parse(lines_frame):
    lines = lines_frame(LINES)
    expected = _keys(rules.duplicate_keys(mark_malformed_lines(lines)))
    assert expected == [(7, 1), (8, 6)]  # the table does test something
    assert _keys(duplicate_keys_of_lines(lines, None)) == expected


def test_a_committed_row_makes_a_single_new_line_a_duplicate(lines_frame):
    lines = lines_frame(LINES)
    committed = (
        mark_malformed_lines(lines_frame([line(10), line(LARGE)]))
        .withColumn("row_key", F.lit(PREVIOUS_ROW_KEY).cast("long"))
        .withColumn(PREVIOUS, F.lit(True))
    )
    expected = _keys(rules.duplicate_keys(mark_malformed_lines(lines).unionByName(committed)))
    assert expected == [(7, 1), (8, 6), (10, PREVIOUS_ROW_KEY), (LARGE, PREVIOUS_ROW_KEY)]
    assert _keys(duplicate_keys_of_lines(lines, committed)) == expected


def _clean(spark, tmp_path, texts):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "2019-08-22.txt").write_text("\n".join(texts) + "\n")
    out, quarantine = str(tmp_path / "out"), str(tmp_path / "quarantine")
    counts = job.run_cleaning(spark, str(raw), out, quarantine, max_drop_share=None)
    kept = spark.read.parquet(out).select("transaction_id", "customer_id").collect()
    return counts, sorted(tuple(row) for row in kept)


def _counts(read, written, **dropped):
    counts = {"rows_read": read, "rows_written": written, "input_files": 1, "fixed_midnight": 0}
    counts.update({rule: dropped.get(rule, 0) for rule in rules.DROP_RULES}, fixed_seconds=0)
    return counts


def _bucket_brute_force(lines, committed=None):
    """{bucket: its lines and committed rows} for the buckets of ids held more than once, by counting ids."""
    ids = [
        row.transaction_id
        for row in lines.select(duplicates.first_field_id(F.col("value")).alias("transaction_id")).collect()
    ]
    if committed is not None:
        ids += [row.transaction_id for row in committed.select("transaction_id").collect()]
    ids = [tx_id for tx_id in ids if tx_id is not None]
    held = {tx_id >> duplicates.BUCKET_BITS for tx_id in ids if ids.count(tx_id) > 1}
    return {bucket: sum(1 for tx_id in ids if tx_id >> duplicates.BUCKET_BITS == bucket) for bucket in held}


def _held(frame):
    return {row[duplicates.HELD_BUCKET]: row[duplicates.HELD_LINES] for row in frame.collect()}


def test_held_buckets_are_exactly_the_buckets_of_repeated_ids(lines_frame):
    # Bucket edges (63 | 64), negative ids, and ids alone in a bucket next to a held one.
    edges = [line(63), line(64), line(127), line(127), line(-1), line(-1), line(-64), line(-65), line(200)]
    lines = lines_frame(LINES + edges)
    held = _held(duplicates.held_buckets(lines, None))
    assert held == _bucket_brute_force(lines)
    # 7 and 8 (bucket 0, with 9-12), 127 (bucket 1 with 64), -1 (bucket -1 with -64), LARGE + 2**32 alone.
    assert sorted(held) == [-1, 0, 1]
    assert held[1] == 3 and held[-1] == 3


def test_a_committed_row_holds_its_bucket(lines_frame):
    lines = lines_frame([line(10), line(200), line(LARGE)])
    committed = mark_malformed_lines(lines_frame([line(200), line(300)])).withColumn(PREVIOUS, F.lit(True))
    held = _held(duplicates.held_buckets(lines, committed))
    assert held == _bucket_brute_force(lines, committed) == {200 >> duplicates.BUCKET_BITS: 2}


def test_held_buckets_and_the_fallback_give_the_same_clean_output(spark, tmp_path, monkeypatch):
    def not_needed(*args):
        raise AssertionError("held buckets do not aggregate every id")

    monkeypatch.setattr(duplicates, "candidate_keys", not_needed)
    counts, kept = _clean(spark, tmp_path, LINES)
    assert counts == _counts(17, 8, malformed=6, duplicate=3)
    ids = [7, 8, 9, 10, 11, 12, LARGE, LARGE + 2**32]
    assert kept == sorted((tx_id, 1) for tx_id in ids)


def test_too_many_held_lines_take_the_fallback(lines_frame, monkeypatch):
    lines = lines_frame(LINES)
    assert job.held_bucket_ids(lines, None) == [0]  # 7 and 8 share bucket 0 with 9-12: 12 lines
    monkeypatch.setattr(job, "MAX_HELD_LINES", 11)
    assert job.held_bucket_ids(lines, None) is None


def test_one_parse_when_every_held_id_starts_with_a_well_formed_line(spark, tmp_path, monkeypatch):
    monkeypatch.setattr(job, "MAX_HELD_LINES", 0)  # the fallback: candidate keys

    def not_needed(*args):
        raise AssertionError("the keys from first fields are exact here: no second parse")

    monkeypatch.setattr(job, "duplicate_keys_of_lines", not_needed)
    texts = [line(7), line(7, customer="-999999"), line(7, fraud="x"), line(8, customer="-999999"), line(8)]
    counts, kept = _clean(spark, tmp_path, texts)
    assert counts == _counts(5, 1, duplicate=2, malformed=1, unknown_customer=1)
    assert kept == [(7, 1)]


def test_a_malformed_first_line_of_a_held_id_cleans_again_with_parsed_keys(spark, tmp_path, monkeypatch):
    monkeypatch.setattr(job, "MAX_HELD_LINES", 0)  # the fallback: candidate keys
    calls = []
    exact = job.duplicate_keys_of_lines
    monkeypatch.setattr(job, "duplicate_keys_of_lines", lambda *args: calls.append(1) or exact(*args))
    counts, kept = _clean(spark, tmp_path, LINES)
    assert counts == _counts(17, 8, malformed=6, duplicate=3)
    ids = [7, 8, 9, 10, 11, 12, LARGE, LARGE + 2**32]
    assert kept == sorted((tx_id, 1) for tx_id in ids)
    assert calls == [1]
