#!/usr/bin/env bash
# Runs once, when the data folder is empty (PostgreSQL's image skips initdb.d scripts afterwards).
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v airflow_password="$AIRFLOW_DB_PASSWORD" -v mlflow_password="$MLFLOW_DB_PASSWORD" <<-'SQL'
  CREATE USER airflow WITH PASSWORD :'airflow_password';
  CREATE DATABASE airflow OWNER airflow;
  CREATE USER mlflow WITH PASSWORD :'mlflow_password';
  CREATE DATABASE mlflow OWNER mlflow;
  CREATE DATABASE mlflow_auth OWNER mlflow;
  REVOKE ALL ON DATABASE airflow FROM PUBLIC;
  REVOKE ALL ON DATABASE mlflow FROM PUBLIC;
  REVOKE ALL ON DATABASE mlflow_auth FROM PUBLIC;
SQL
