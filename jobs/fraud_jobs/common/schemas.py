"""Schemas of the raw transaction text and of the cleaned Parquet dataset (shared by every job).

Read the cleaned data with ``spark.read.schema(CLEANED_SCHEMA).parquet(path)``: the partition column
``tx_date`` comes last, as Spark returns it.
"""

from __future__ import annotations

from pyspark.sql.types import (
    DateType,
    DoubleType,
    IntegerType,
    LongType,
    StringType,
    StructField,
    StructType,
    TimestampType,
)

# Field order of a raw data line (the header line misspells the first one as "tranaction_id").
RAW_COLUMNS = (
    "transaction_id",
    "tx_datetime",
    "customer_id",
    "terminal_id",
    "tx_amount",
    "tx_time_seconds",
    "tx_time_days",
    "tx_fraud",
    "tx_fraud_scenario",
)

# A raw line split on commas: every field is text until the cleaning job has validated it.
RAW_SCHEMA = StructType([StructField(name, StringType(), True) for name in RAW_COLUMNS])

PARTITION_COLUMN = "tx_date"

# Columns stored in the cleaned Parquet files (tx_datetime is UTC), then the partition column. Nullable as
# Spark reports any Parquet column, so `spark.read.parquet(path).schema == CLEANED_SCHEMA`;
# the job writes no nulls.
CLEANED_DATA_SCHEMA = StructType(
    [
        StructField("transaction_id", LongType(), True),
        StructField("tx_datetime", TimestampType(), True),
        StructField("customer_id", LongType(), True),
        StructField("terminal_id", LongType(), True),
        StructField("tx_amount", DoubleType(), True),
        StructField("tx_time_seconds", LongType(), True),
        StructField("tx_time_days", IntegerType(), True),
        StructField("tx_fraud", IntegerType(), True),
        StructField("tx_fraud_scenario", IntegerType(), True),
    ]
)
CLEANED_COLUMNS = tuple(field.name for field in CLEANED_DATA_SCHEMA.fields)
CLEANED_SCHEMA = StructType([*CLEANED_DATA_SCHEMA.fields, StructField(PARTITION_COLUMN, DateType(), True)])
