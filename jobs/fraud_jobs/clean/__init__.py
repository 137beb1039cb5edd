"""Cleaning job: raw transaction text -> validated, de-duplicated, fixed Parquet partitioned by tx_date."""
