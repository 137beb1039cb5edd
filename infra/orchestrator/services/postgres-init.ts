// First-start script of the PostgreSQL container (docker-entrypoint-initdb.d): one database and one user per
// application. Passwords come from the container's environment (secrets/postgres.env) and are passed to psql
// as variables, so they are quoted by psql and never part of this file.
import { DATABASES } from "./layout";

export function renderPostgresInit(): string {
    const { airflow, mlflow, mlflowAuth } = DATABASES;
    return [
        "#!/usr/bin/env bash",
        "# Runs once, when the data folder is empty (PostgreSQL's image skips initdb.d scripts afterwards).",
        "set -euo pipefail",
        'psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \\',
        '  -v airflow_password="$AIRFLOW_DB_PASSWORD" -v mlflow_password="$MLFLOW_DB_PASSWORD" <<-\'SQL\'',
        `  CREATE USER ${airflow.user} WITH PASSWORD :'airflow_password';`,
        `  CREATE DATABASE ${airflow.name} OWNER ${airflow.user};`,
        `  CREATE USER ${mlflow.user} WITH PASSWORD :'mlflow_password';`,
        `  CREATE DATABASE ${mlflow.name} OWNER ${mlflow.user};`,
        `  CREATE DATABASE ${mlflowAuth.name} OWNER ${mlflowAuth.user};`,
        `  REVOKE ALL ON DATABASE ${airflow.name} FROM PUBLIC;`,
        `  REVOKE ALL ON DATABASE ${mlflow.name} FROM PUBLIC;`,
        `  REVOKE ALL ON DATABASE ${mlflowAuth.name} FROM PUBLIC;`,
        "SQL",
        "",
    ].join("\n");
}
