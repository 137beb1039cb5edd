// Build contexts of the two images built on the VM (docker compose `build:`), with every version pinned.
import * as fs from "fs";
import * as path from "path";
import { CONTAINER, FILES } from "./layout";
import { airflowImage, VERSIONS } from "./versions";

/** The full resolution the DAG tests run against (scripts/setup-airflow.sh writes and checks it). */
export const AIRFLOW_CONSTRAINTS_SOURCE = path.resolve(__dirname, "../../../jobs/constraints-airflow.txt");

export function airflowConstraints(): string {
    return fs.readFileSync(AIRFLOW_CONSTRAINTS_SOURCE, "utf8");
}

export function renderAirflowDockerfile(): string {
    return [
        `FROM ${airflowImage()}`,
        "# The official image lacks the Yandex provider: install it pinned, with Airflow pinned so pip cannot move it,",
        "# and every transitive package held at the versions the DAG tests pass with.",
        `COPY ${path.posix.basename(FILES.airflowConstraints)} ${CONTAINER.airflowConstraints}`,
        `RUN pip install --no-cache-dir --constraint ${CONTAINER.airflowConstraints} \\`,
        `    "apache-airflow==${VERSIONS.airflow}" "apache-airflow-providers-yandex==${VERSIONS.airflowProviderYandex}"`,
        `COPY write_admin_password.py ${CONTAINER.adminPasswordScript}`,
        "",
    ].join("\n");
}

/** Writes the simple auth manager's passwords file from the environment (the password is never in a file we ship). */
export function renderAdminPasswordScript(): string {
    return [
        '"""Write the Airflow simple auth manager passwords file from AIRFLOW_ADMIN_PASSWORD (set by secrets/airflow.env)."""',
        "",
        "import json",
        "import os",
        "",
        'user = os.environ["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"].split(",")[0].split(":")[0]',
        'path = os.environ["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"]',
        "descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)",
        'with os.fdopen(descriptor, "w") as passwords:',
        '    json.dump({user: os.environ["AIRFLOW_ADMIN_PASSWORD"]}, passwords)',
        "",
    ].join("\n");
}

/** Files of the image build contexts kept as real files in infra/orchestrator/images (linted with ruff). */
const IMAGES_DIR = path.resolve(__dirname, "../images");

export function imageFile(relativePath: string): string {
    return fs.readFileSync(path.join(IMAGES_DIR, relativePath), "utf8");
}

export function renderMlflowDockerfile(): string {
    return [
        `FROM ${VERSIONS.mlflowBaseImage}`,
        "# mlflow[auth] for --app-name basic-auth; psycopg2 for the PostgreSQL stores; boto3 for the S3 artifact store.",
        "RUN pip install --no-cache-dir \\",
        `    "mlflow[auth]==${VERSIONS.mlflow}" "psycopg2-binary==${VERSIONS.psycopg2Binary}" "boto3==${VERSIONS.boto3}"`,
        `COPY ${path.posix.basename(FILES.mlflowMigrateAuthDb)} ${CONTAINER.mlflowMigrateAuthDb}`,
        "EXPOSE 5000",
        "",
    ].join("\n");
}
