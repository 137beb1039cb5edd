"""Raw text lines -> typed fields plus the reason a line is malformed (built-in expressions only)."""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from fraud_jobs.common.schemas import RAW_COLUMNS

FIELD_COUNT = len(RAW_COLUMNS)
DATETIME_PATTERN = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"
MIDNIGHT_SUFFIX = " 24:00:00"
# The header line: '#' and the first column's name (misspelled "tranaction_id" in the real files).
HEADER_PATTERN = r"^#\s*trans?action_id\b"
INTEGER_FIELDS = (
    "transaction_id",
    "customer_id",
    "tx_time_seconds",
    "tx_time_days",
    "tx_fraud",
    "tx_fraud_scenario",
)
INT32_FIELDS = ("tx_time_days", "tx_fraud", "tx_fraud_scenario")


def data_lines(lines: DataFrame) -> DataFrame:
    """Drops blank lines and the header line; every other line is a data row (malformed if it does not parse).

    Reading the text instead of CSV with header=True avoids the pitfall of the header option eating the
    first data row once the comment line is skipped. Only the header is skipped, not every '#' line: a
    garbage line that happens to start with '#' is quarantined like any other.
    """
    text = F.col("value")
    # The regular expression runs only on lines starting with '#' (And stops at false): it costs more than
    # reading the line.
    return lines.where((F.trim(text) != "") & ~(text.startswith("#") & text.rlike(HEADER_PATTERN)))


def _raw_field(index: int) -> Column:
    return F.col("fields").getItem(index)


def _integer_text_ok(name: str) -> Column:
    # Spark's string->integer cast truncates "1.5" to 1; an integer field must not contain a decimal point.
    return F.col(name).isNotNull() & ~F.col("text_" + name).contains(".")


def parse_fields(lines: DataFrame) -> DataFrame:
    """Adds the typed fields and `malformed` (null when the line parses, else the reason).

    Expects a `value` column (one data line). Kept as text: `terminal_raw`, since a terminal that is not
    an integer is the `unknown_terminal` rule's business, not a malformed line. Each step is its own
    projection so every field is split and cast once per line.
    """
    split = lines.withColumn("fields", F.split(F.col("value"), ","))
    raw = {name: _raw_field(index) for index, name in enumerate(RAW_COLUMNS)}
    datetime_text = raw["tx_datetime"]
    is_midnight = datetime_text.endswith(MIDNIGHT_SUFFIX)
    # Hour 24 is not a valid time: parse the date and move to the next day at 00:00:00 (fixed later).
    next_day = F.date_add(F.substring(datetime_text, 1, 10).cast("date"), 1).cast("timestamp")
    typed = split.select(
        "*",
        F.size("fields").alias("field_count"),
        *[raw[name].cast("int" if name in INT32_FIELDS else "long").alias(name) for name in INTEGER_FIELDS],
        *[raw[name].alias("text_" + name) for name in INTEGER_FIELDS],
        raw["tx_amount"].cast("double").alias("tx_amount"),
        datetime_text.alias("text_tx_datetime"),
        F.when(is_midnight, next_day).otherwise(datetime_text.cast("timestamp")).alias("tx_datetime"),
        is_midnight.alias("midnight_text"),
        raw["terminal_id"].alias("terminal_raw"),
    )

    amount = F.col("tx_amount")
    field_count = F.col("field_count")
    checks = [(field_count != FIELD_COUNT, F.concat(F.lit("expected 9 fields, got "), field_count))]
    for name in ("transaction_id", "tx_datetime", "customer_id", "tx_amount") + INTEGER_FIELDS[2:]:
        if name == "tx_datetime":
            ok = F.col("text_tx_datetime").rlike(DATETIME_PATTERN) & F.col(name).isNotNull()
        elif name == "tx_amount":
            ok = amount.isNotNull() & ~F.isnan(amount) & (F.abs(amount) != float("inf"))
        else:
            ok = _integer_text_ok(name)
        checks.append((~ok, F.lit(name + " does not parse")))
    checks.append((~F.col("tx_fraud").isin(0, 1), F.lit("tx_fraud outside {0,1}")))
    checks.append((~F.col("tx_fraud_scenario").between(0, 3), F.lit("tx_fraud_scenario outside 0..3")))
    reason = F.when(checks[0][0], checks[0][1])
    for failed, text in checks[1:]:
        reason = reason.when(failed, text)

    helpers = ["fields", "field_count", "text_tx_datetime", "midnight_text"]
    helpers += ["text_" + name for name in INTEGER_FIELDS]
    return typed.select(
        "*",
        (F.col("midnight_text") & F.col("tx_datetime").isNotNull()).alias("is_midnight"),
        reason.alias("malformed"),
    ).drop(*helpers)
