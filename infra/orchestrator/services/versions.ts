// Every image and package the VM services use, pinned in one place. The Airflow pins must equal
// jobs/requirements-airflow.txt (the DAG tests run against those): services.test.ts checks that they agree.
export const VERSIONS = {
    postgresImage: "postgres:17.6-bookworm",
    airflow: "3.3.2",
    airflowPython: "3.11",
    // 4.1.1+ supports Airflow 3; 4.5.0+ needs Python >= 3.10 (the image runs 3.11).
    airflowProviderYandex: "4.6.1",
    // The server matches the 2.17.2 clients on Data Proc image 2.1 (its last release for Python 3.8):
    // MLflow supports a client no newer than its server, and matching versions is what its docs recommend.
    mlflow: "2.17.2",
    // ghcr.io/mlflow/mlflow images before the 3.9 `-full` variants lack the PostgreSQL and S3 drivers,
    // so the MLflow image is built on the VM from this base with pinned drivers.
    mlflowBaseImage: "python:3.11.10-slim-bookworm",
    psycopg2Binary: "2.9.10",
    boto3: "1.35.99",
    // The TLS proxy (orchestrator.tls.enabled). The Caddyfile is validated by this very version, built from
    // the Go module proxy (scripts/setup-caddy.sh reads it from here).
    caddy: "2.10.2",
} as const;

export const caddyImage = (): string => `caddy:${VERSIONS.caddy}-alpine`;
export const airflowImage = (): string => `apache/airflow:${VERSIONS.airflow}-python${VERSIONS.airflowPython}`;
