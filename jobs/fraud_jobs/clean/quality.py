"""The cleaning run's data-quality report: outcome counts per input file, statistics of the cleaned columns
and rows per day, as one JSON document (logged to MLflow by quality_mlflow, drawn by quality_plots).

Computed after the job has written its data, from the job's own functions, so it never changes what the job
writes: the per-file counts regroup the job's `outcome_counts` by `source_file` (Spark's observe() cannot
group, so this is a second pass over the input: read, parse, duplicate ids, rules; no write), and the
column statistics read the tx_date partitions the run wrote back from Parquet in one aggregation.
Only aggregates reach the driver (one row per file, one row of statistics, one row per day).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Mapping, Sequence, Union

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import NumericType

from fraud_jobs.clean.job import mark_malformed_lines, mark_rows, outcome_counts, read_lines
from fraud_jobs.clean.previous import PREVIOUS
from fraud_jobs.clean.rules import DROP_RULES, FIXES
from fraud_jobs.common.schemas import CLEANED_DATA_SCHEMA, CLEANED_SCHEMA, PARTITION_COLUMN

# Quantiles named in the report and logged as metrics; the CDF (every percent) feeds the plots.
QUANTILES = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)
# Columns whose distribution is a quality signal. Not the ids (uniform labels), the day and seconds counters
# (rows_per_day shows them) or the 0/1 and 0..3 codes (their mean and range say it): each percentile_approx
# column costs about 0.5-1.8 CPU-s per million rows (quality_bench.py), the other statistics 1.2 for all.
QUANTILE_COLUMNS = ("tx_amount",)
CDF_LEVELS = tuple(percent / 100 for percent in range(101))
# percentile_approx's accuracy: rank error at most rows / ACCURACY (188 k rows of the full 1.88 B).
ACCURACY = 10_000
COUNT_KEYS = ("rows_read", "rows_written")


def quality_report_location(report_location: str) -> str:
    """Next to the cleaning report: clean_report.json -> clean_report.quality.json."""
    stem = report_location[: -len(".json")] if report_location.endswith(".json") else report_location
    return stem + ".quality.json"


def _outcome_entry(counts: Mapping[str, Any]) -> Dict[str, Any]:
    """The cleaning report's count layout (rows_read, rows_written, dropped, fixed) from aggregate columns."""
    return {
        "rows_read": int(counts["rows_read"]),
        "rows_written": int(counts["rows_written"]),
        "dropped": {rule: int(counts[rule]) for rule in DROP_RULES},
        "fixed": {fix: int(counts["fixed_" + fix]) for fix in FIXES},
    }


# What the cleaning read: its --input, or the list of files it cleaned (--new-files-only); [] = nothing.
InputFiles = Union[str, List[str]]


def outcomes_per_file(
    spark: SparkSession, input_path: InputFiles, epoch: dt.date, max_terminal_id: int
) -> List[Dict[str, Any]]:
    """Per input file: the job's outcome counts and the dates its kept rows went to, ordered by file name.

    Rows an earlier run wrote (PREVIOUS) are left out: they rank after every new row, so they never change
    the outcome of a new row, and the job does not count them either.
    """
    if not input_path:
        return []
    marked = mark_rows(mark_malformed_lines(read_lines(spark, input_path)), epoch, max_terminal_id)
    kept_new = ~F.col(PREVIOUS) & F.col("drop_reason").isNull()
    written_date = F.when(kept_new, F.to_date("tx_datetime"))
    grouped = marked.groupBy("source_file").agg(
        *outcome_counts(), F.collect_set(written_date).alias("written_dates")
    )
    files = []
    for row in grouped.orderBy("source_file").collect():
        entry = {"file": row["source_file"], **_outcome_entry(row.asDict())}
        entry["written_dates"] = sorted(day.isoformat() for day in row["written_dates"])
        files.append(entry)
    return files


def totals(per_file: Sequence[Mapping[str, Any]]) -> Dict[str, Any]:
    """The per-file counts summed, in the cleaning report's layout (for the cross-check)."""
    summed: Dict[str, Any] = {key: sum(entry[key] for entry in per_file) for key in COUNT_KEYS}
    for group in ("dropped", "fixed"):
        names = DROP_RULES if group == "dropped" else FIXES
        summed[group] = {name: sum(entry[group][name] for entry in per_file) for name in names}
    return summed


def written_partitions(spark: SparkSession, output_path: str, dates: Sequence[str]) -> DataFrame:
    """The cleaned rows of `dates` (the partitions this run wrote), as CLEANED_SCHEMA."""
    rows = spark.read.schema(CLEANED_SCHEMA).parquet(output_path)
    return rows.where(F.col(PARTITION_COLUMN).isin([F.lit(day).cast("date") for day in dates]))


def _numeric(name: str) -> bool:
    return isinstance(CLEANED_DATA_SCHEMA[name].dataType, NumericType)


def column_statistics(cleaned: DataFrame) -> Dict[str, Any]:
    """One aggregation over the cleaned columns: rows; per column count, nulls, min, max; numeric columns also
    mean and standard deviation; QUANTILE_COLUMNS also approximate quantiles and percentiles 0..100 (CDF)."""
    aggregates = [F.count(F.lit(1)).alias("rows")]
    for name in CLEANED_DATA_SCHEMA.names:
        column = F.col(name)
        aggregates += [
            F.count(column).alias(name + "__count"),
            F.count(F.when(column.isNull(), 1)).alias(name + "__nulls"),
            F.min(column).alias(name + "__min"),
            F.max(column).alias(name + "__max"),
        ]
        if _numeric(name):
            aggregates += [
                F.avg(column).alias(name + "__mean"),
                F.stddev_samp(column).alias(name + "__stddev"),
            ]
        if name in QUANTILE_COLUMNS:
            aggregates.append(F.percentile_approx(column, list(CDF_LEVELS), ACCURACY).alias(name + "__cdf"))
    values = cleaned.agg(*aggregates).first().asDict()
    columns: Dict[str, Any] = {}
    for name in CLEANED_DATA_SCHEMA.names:
        stats = {key: values[name + "__" + key] for key in ("count", "nulls", "min", "max")}
        if _numeric(name):
            stats["mean"] = values[name + "__mean"]
            stats["stddev"] = values[name + "__stddev"]
        else:  # tx_datetime: the range as text
            stats["min"], stats["max"] = (_text(stats["min"]), _text(stats["max"]))
        if name in QUANTILE_COLUMNS:
            stats["quantiles"] = _quantiles(values[name + "__cdf"])
            stats["cdf"] = values[name + "__cdf"]
        columns[name] = stats
    return {"rows": values["rows"], "columns": columns}


def _quantiles(cdf: Any) -> Dict[str, Any]:
    if cdf is None:  # no rows
        return {}
    return {f"p{100 * level:g}": cdf[round(100 * level)] for level in QUANTILES}


def _text(value: Any) -> Any:
    return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value


def rows_per_day(cleaned: DataFrame) -> List[Dict[str, Any]]:
    """Rows and fraud rows per tx_date (partition column and one int column: cheap to read)."""
    daily = cleaned.groupBy(PARTITION_COLUMN).agg(
        F.count(F.lit(1)).alias("rows"), F.sum("tx_fraud").alias("fraud_rows")
    )
    return [
        {"date": row[PARTITION_COLUMN].isoformat(), "rows": row["rows"], "fraud_rows": row["fraud_rows"]}
        for row in daily.orderBy(PARTITION_COLUMN).collect()
    ]


def build_quality_report(
    spark: SparkSession,
    clean_report: Mapping[str, Any],
    input_path: InputFiles,
    output_path: str,
    epoch: dt.date,
    max_terminal_id: int,
) -> Dict[str, Any]:
    """The report of one cleaning run; `clean_report` is the job's report (its totals are the reference).
    `input_path` must be what the cleaning read (the files it cleaned), or the totals cannot match."""
    per_file = outcomes_per_file(spark, input_path, epoch, max_terminal_id)
    dates = sorted({day for entry in per_file for day in entry["written_dates"]})
    date_range = {"count": len(dates), "first": min(dates, default=None), "last": max(dates, default=None)}
    cleaned = written_partitions(spark, output_path, dates)
    statistics = column_statistics(cleaned) if dates else {"rows": 0, "columns": {}}
    reference = {key: clean_report[key] for key in (*COUNT_KEYS, "dropped", "fixed")}
    return {
        **reference,
        "input_files": len(per_file),
        # False would mean the second pass saw other outcomes than the job (it reads the same input).
        "per_file_totals_match": totals(per_file) == reference,
        "per_file": per_file,
        # Statistics of every row in the written partitions (a date shared with an earlier run's input also
        # holds that run's rows, so `rows` can exceed rows_written).
        "written_dates": date_range,
        "cleaned": statistics,
        "rows_per_day": rows_per_day(cleaned) if dates else [],
    }


def shares(report: Mapping[str, Any]) -> Dict[str, float]:
    """Dropped and fixed rows per rule as a fraction of the rows read (all files)."""
    read = report["rows_read"]
    named = {**report["dropped"], **report["fixed"]}
    return {name: (count / read if read else 0.0) for name, count in named.items()}


def quality_metrics(report: Mapping[str, Any]) -> Dict[str, float]:
    """Flat numbers for MLflow: totals and shares per rule, nulls and key statistics per cleaned column."""
    metrics: Dict[str, float] = {key: float(report[key]) for key in (*COUNT_KEYS, "input_files")}
    metrics.update({"dropped_" + rule: float(count) for rule, count in report["dropped"].items()})
    metrics.update({"fixed_" + fix: float(count) for fix, count in report["fixed"].items()})
    metrics.update({"share_" + name: value for name, value in shares(report).items()})
    metrics["per_file_totals_match"] = float(report["per_file_totals_match"])
    metrics["cleaned_rows"] = float(report["cleaned"]["rows"])
    for name, stats in report["cleaned"]["columns"].items():
        metrics[name + "_nulls"] = float(stats["nulls"])
        for key in ("mean", "stddev", "min", "max"):
            if isinstance(stats.get(key), (int, float)):
                metrics[f"{name}_{key}"] = float(stats[key])
        for key, value in stats.get("quantiles", {}).items():
            metrics[f"{name}_{key}"] = float(value)
    return metrics


def summary_text(report: Mapping[str, Any]) -> str:
    """Two lines for the job's output: where defects came from, and the cleaned amount's spread."""
    worst = max(report["per_file"], key=lambda file: file["rows_read"] - file["rows_written"], default=None)
    agreement = "match the report" if report["per_file_totals_match"] else "DO NOT match the report"
    written = report["written_dates"]["count"]
    files = report["input_files"]
    lines = [f"data quality: {files} files, {written} dates written, per-file totals {agreement}"]
    if worst is not None:
        dropped = worst["rows_read"] - worst["rows_written"]
        lines.append(f"  most rows dropped: {worst['file']} ({dropped} of {worst['rows_read']})")
    amount = report["cleaned"]["columns"].get("tx_amount")
    if amount and amount["quantiles"]:
        q = amount["quantiles"]
        lines.append(f"  tx_amount p1/p50/p99: {q['p1']} / {q['p50']} / {q['p99']}, nulls {amount['nulls']}")
    return "\n".join(lines)
