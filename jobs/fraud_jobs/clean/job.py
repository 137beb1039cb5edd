"""The cleaning pipeline as DataFrame -> DataFrame steps, the one-pass outcome counts and the writers."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Dict, List, Optional, Tuple

from pyspark.sql import Column, DataFrame, Observation, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, LongType, StringType, StructField, StructType

from fraud_jobs.clean import commit, duplicates, rules
from fraud_jobs.clean.guard import DEFAULT_MAX_DROP_SHARE, check_drop_shares
from fraud_jobs.clean.parse import data_lines, parse_fields
from fraud_jobs.clean.previous import PREVIOUS, committed_rows, with_previous
from fraud_jobs.common.schemas import CLEANED_DATA_SCHEMA, PARTITION_COLUMN

DEFAULT_EPOCH = dt.date(2019, 8, 22)
DEFAULT_MAX_TERMINAL_ID = 999


def epoch_seconds(epoch: dt.date) -> int:
    return calendar.timegm(epoch.timetuple())


def read_lines(spark: SparkSession, input_path: str) -> DataFrame:
    """Data lines with `row_key` (read order, for choosing the duplicate copy to keep) and `source_file`."""
    lines = spark.read.text(input_path)
    return data_lines(lines).select(
        "value",
        F.monotonically_increasing_id().alias("row_key"),
        # The file name after the last '/' (a split would run a regular expression on every line).
        F.substring_index(F.input_file_name(), "/", -1).alias("source_file"),
    )


def mark_malformed_lines(lines: DataFrame) -> DataFrame:
    """Data lines with their typed fields and the malformed flag; PREVIOUS is false (read from input)."""
    return rules.mark_malformed(parse_fields(lines)).withColumn(PREVIOUS, F.lit(False))


def mark_rows(
    parsed: DataFrame, epoch: dt.date, max_terminal_id: int, duplicate_keys: Optional[DataFrame] = None
) -> DataFrame:
    """Parsed lines (from mark_malformed_lines) with every rule's `drop_reason` (null when kept) and fixes.

    duplicate_keys: rules.duplicate_keys of `parsed` when the caller has it cheaper (duplicate_keys_of_lines);
    by default computed from `parsed` (a second parse of the text).

    Rows read back from the output (PREVIOUS) were cleaned by an earlier run: only the duplicate rule applies
    to them and no fix rewrites them, so other options in this run (--epoch, --max-terminal-id) never drop
    or change rows this run did not read.
    """
    origin = epoch_seconds(epoch)
    previous = F.col(PREVIOUS)
    keys = rules.duplicate_keys(parsed) if duplicate_keys is None else duplicate_keys
    marked = rules.mark_duplicate(parsed, keys)
    marked = rules.mark_unknown_customer(marked)
    marked = rules.mark_unknown_terminal(rules.with_terminal_id(marked))
    marked = rules.mark_terminal_out_of_range(marked, max_terminal_id)
    marked = rules.only_duplicates_drop(rules.mark_non_positive_amount(marked), previous)
    marked = rules.assign_drop_reason(marked)
    return rules.fix_seconds(rules.fix_midnight(marked, origin), origin, applies=~previous)


def duplicate_keys_of_lines(lines: DataFrame, committed: Optional[DataFrame]) -> DataFrame:
    """rules.duplicate_keys of the parsed `lines` plus the `committed` rows, parsing only the lines whose id
    is held more than once (fraud_jobs/clean/duplicates.py): the same rows as the full parse's."""
    held = duplicates.candidate_lines(lines, committed)
    return rules.duplicate_keys(with_previous(mark_malformed_lines(held), committed))


def outcome_counts() -> List[Column]:
    """Aggregates computing every report count in one pass over marked rows (new input rows only)."""
    reason = F.col("drop_reason")
    new = ~F.col(PREVIOUS)
    kept = new & reason.isNull()
    columns = [F.count(F.when(new, 1)).alias("rows_read"), F.count(F.when(kept, 1)).alias("rows_written")]
    columns += [F.count(F.when(new & (reason == rule), 1)).alias(rule) for rule in rules.DROP_RULES]
    columns += [F.count(F.when(kept & F.col("fixed_" + fix), 1)).alias("fixed_" + fix) for fix in rules.FIXES]
    return columns


def kept_rows(marked: DataFrame) -> DataFrame:
    """The cleaned columns of kept new rows, typed as CLEANED_DATA_SCHEMA, plus the tx_date partition column
    and the raw file's name (committed rows of other files stay where they are)."""
    typed = [F.col(field.name).cast(field.dataType).alias(field.name) for field in CLEANED_DATA_SCHEMA.fields]
    kept = marked.where(F.col("drop_reason").isNull() & ~F.col(PREVIOUS)).select(*typed, commit.SOURCE_COLUMN)
    return kept.withColumn(PARTITION_COLUMN, F.to_date("tx_datetime"))


def quarantined_rows(parsed: DataFrame) -> DataFrame:
    """Malformed lines verbatim with the reason, by source file (needs only the parse, not the dedup)."""
    malformed = parsed.where(F.col(rules.flag("malformed")))
    return malformed.select(F.col("value").alias("line"), F.col("malformed").alias("reason"), "source_file")


# Unique within a date: Parquet would build a dictionary for them, then drop it at its size limit (costs CPU).
NO_DICTIONARY_COLUMNS = ("transaction_id", "tx_datetime", "tx_time_seconds")


def write_cleaned(kept: DataFrame, location: str, mode: str = "overwrite") -> None:
    """The kept rows as Parquet by tx_date and raw file (the layout commit.publish moves into the dataset)."""
    writer = kept.write.mode(mode).partitionBy(PARTITION_COLUMN, commit.SOURCE_COLUMN)
    for column in NO_DICTIONARY_COLUMNS:
        writer = writer.option("parquet.enable.dictionary#" + column, "false")
    writer.parquet(location)


# Lines of held buckets travel to the driver with the main write's task results (an observation) instead of
# a third read of the text. The real data's 2,553 duplicates put at most 163 k lines there; above this bound
# the job takes the candidate keys instead (one aggregation of every id; duplicates.py).
MAX_HELD_LINES = 250_000
HELD_LINES_JSON = ArrayType(
    StructType(
        [
            StructField("value", StringType()),
            StructField("row_key", LongType()),
            StructField("source_file", StringType()),
        ]
    )
)


def held_bucket_ids(lines: DataFrame, committed: Optional[DataFrame]) -> Optional[List[int]]:
    """duplicates.held_buckets as a list, or None when their lines are more than MAX_HELD_LINES."""
    rows = duplicates.held_buckets(lines, committed).limit(MAX_HELD_LINES + 1).collect()
    if sum(row[duplicates.HELD_LINES] for row in rows) > MAX_HELD_LINES:
        return None
    return [row[duplicates.HELD_BUCKET] for row in rows]


def observed_counts(observation: Observation) -> Dict[str, int]:
    return {key: int(value) for key, value in observation.get.items()}


def no_duplicate_keys(spark: SparkSession) -> DataFrame:
    """duplicate_keys' shape with no rows: mark_rows then applies no duplicate rule (the optimiser drops the
    join)."""
    return spark.createDataFrame([], "transaction_id long, kept_row_key long")


def stage_setting_held_aside(
    spark: SparkSession,
    parsed: DataFrame,
    committed: Optional[DataFrame],
    buckets: List[int],
    staging: str,
    epoch: dt.date,
    max_terminal_id: int,
) -> Dict[str, int]:
    """Stages every new line, in two writes: the lines outside the held buckets without the duplicate rule
    (none of them is a copy of another line or of a committed row), then the held buckets' lines, set aside
    by the first write, with every rule (duplicate keys from their full parse: all copies of their ids are
    among them and the committed rows of those buckets). Returns the outcome counts of both."""
    outside = parsed
    if buckets:
        bucket_rows = [(bucket,) for bucket in buckets]
        held = F.broadcast(spark.createDataFrame(bucket_rows, duplicates.HELD_BUCKET + " long"))
        in_held = duplicates.id_bucket(F.col("transaction_id")) == held[duplicates.HELD_BUCKET]
        is_held = F.col(duplicates.HELD_BUCKET).isNotNull()
        set_aside = Observation("clean_held_lines")
        line = F.struct("value", "row_key", "source_file")
        tagged = parsed.join(held, in_held, "left").observe(
            set_aside, F.to_json(F.collect_list(F.when(is_held, line))).alias("lines")
        )
        outside = tagged.where(~is_held).drop(duplicates.HELD_BUCKET)
    outcomes = Observation("clean_outcomes")
    marked = mark_rows(outside, epoch, max_terminal_id, no_duplicate_keys(spark))
    write_cleaned(kept_rows(marked.observe(outcomes, *outcome_counts())), staging)
    if not buckets:
        return observed_counts(outcomes)

    commit.pause_point("held")  # between the two writes into the staging folder
    held_text = spark.createDataFrame([(set_aside.get["lines"],)], "lines string")
    held_lines = held_text.select(F.explode(F.from_json("lines", HELD_LINES_JSON)).alias("line"))
    held_parsed = mark_malformed_lines(held_lines.select("line.*"))
    held_committed = None if committed is None else committed.join(held, in_held, "left_semi")
    marked = mark_rows(with_previous(held_parsed, held_committed), epoch, max_terminal_id)
    held_outcomes = Observation("clean_outcomes_held")
    write_cleaned(kept_rows(marked.observe(held_outcomes, *outcome_counts())), staging, mode="append")
    first, second = observed_counts(outcomes), observed_counts(held_outcomes)
    return {key: first[key] + second[key] for key in first}


def stage_with_candidate_keys(
    lines: DataFrame,
    parsed: DataFrame,
    committed: Optional[DataFrame],
    output_path: str,
    staging: str,
    epoch: dt.date,
    max_terminal_id: int,
) -> Tuple[Dict[str, int], str]:
    """The fallback for many held buckets: duplicate keys from first fields alone (one aggregation of every
    id), exact unless a held id's first line is malformed (never in the real data); then the staged files
    are left and the keys come from parsing its lines. Returns the counts and the staging location used."""
    new_and_committed = with_previous(parsed, committed)
    check = Observation("clean_first_lines")
    keys = duplicates.candidate_keys(lines, committed)
    marked = mark_rows(new_and_committed, epoch, max_terminal_id, keys)
    marked = marked.observe(check, F.count(F.when(duplicates.first_line_malformed(), 1)).alias("unsure"))
    observation = Observation("clean_outcomes")
    write_cleaned(kept_rows(marked.observe(observation, *outcome_counts())), staging)
    if check.get["unsure"]:
        staging = commit.staging_location(output_path)  # the first one is deleted with _staging by publish
        observation = Observation("clean_outcomes_exact")
        exact_keys = duplicate_keys_of_lines(lines, committed)
        marked = mark_rows(new_and_committed, epoch, max_terminal_id, exact_keys)
        write_cleaned(kept_rows(marked.observe(observation, *outcome_counts())), staging)
    return observed_counts(observation), staging


def run_cleaning(
    spark: SparkSession,
    input_path: str,
    output_path: str,
    quarantine_path: str,
    epoch: dt.date = DEFAULT_EPOCH,
    max_terminal_id: int = DEFAULT_MAX_TERMINAL_ID,
    max_drop_share: Optional[float] = DEFAULT_MAX_DROP_SHARE,
) -> Dict[str, int]:
    """Stages the cleaned Parquet, checks the drop shares (None: no limit), writes the quarantine, publishes
    (fraud_jobs/clean/commit.py); returns the counts observed while staging."""
    committed = commit.prepare(spark, output_path)
    lines = read_lines(spark, input_path)
    input_files = lines.inputFiles()
    sources = {commit.source_name(uri) for uri in input_files}
    parsed = mark_malformed_lines(lines)
    others = sorted(path for path, source in committed.items() if source not in sources)
    committed_others = committed_rows(spark, lines, output_path, others)
    staging = commit.staging_location(output_path)
    commit.pause_point("staging")
    # One parse of the text: duplicates come from a cheap pass over first fields (duplicates.py).
    buckets = held_bucket_ids(lines, committed_others)
    if buckets is None:
        counts, staging = stage_with_candidate_keys(
            lines, parsed, committed_others, output_path, staging, epoch, max_terminal_id
        )
    else:
        counts = stage_setting_held_aside(
            spark, parsed, committed_others, buckets, staging, epoch, max_terminal_id
        )
    counts["input_files"] = len(input_files)
    commit.pause_point("staged")
    if max_drop_share is not None:
        try:
            check_drop_shares(counts, max_drop_share)
        except Exception:
            commit.discard(spark, output_path, staging)
            raise
    commit.replace_quarantine(spark, quarantine_path, sources)
    # Malformed lines are rare (none in the real data): the extra pass runs only when there are some.
    if counts["malformed"]:
        quarantined_rows(parsed).write.mode("append").partitionBy(commit.SOURCE_COLUMN).json(quarantine_path)
    commit.publish(spark, output_path, staging, committed, sources)
    commit.pause_point("committed")
    return counts
