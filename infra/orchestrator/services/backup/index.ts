// Database backups of the orchestrator VM: two compose services built from one small image.
//   db-restore (one-shot, before Airflow's migration and MLflow start): on a fresh VM whose databases are
//     empty it restores the newest complete backup, so `pulumi up` after a lost VM brings the registry back.
//   db-backup (long-running): dumps the Airflow, MLflow and MLflow auth databases every BACKUP_INTERVAL_HOURS.
// The image is the database server's own PostgreSQL image (pg_dump of the server's version) plus Python and a
// pinned boto3; the logic lives in db_backup.py next to this file (linted and tested against a real server).
import * as fs from "fs";
import * as path from "path";
import { MLFLOW_BACKUP_PREFIX } from "../../../config/storage";
import { ServicesInput } from "../inputs";
import { CONTAINER, DATABASES, SECRET_FILES, SERVICE_NAMES as S } from "../layout";
import { VERSIONS } from "../versions";

export const BACKUP_INTERVAL_HOURS = 24;
const BACKUP_IMAGE = `fraud-mlops/db-backup:${VERSIONS.postgresImage.replace(/^postgres:/, "")}-boto3-${VERSIONS.boto3}`;
const VENV = "/opt/backup-venv";

/** The script shipped into the image (a real, linted Python file: this folder's db_backup.py). */
export function renderBackupScript(): string {
    return fs.readFileSync(path.join(__dirname, "db_backup.py"), "utf8");
}

export function renderBackupDockerfile(): string {
    return [
        `FROM ${VERSIONS.postgresImage}`,
        "# Debian's Python (3.11 on bookworm) runs the script; boto3 is pinned in a venv so apt cannot move it.",
        "RUN apt-get update \\",
        " && apt-get install -y --no-install-recommends python3 python3-venv \\",
        " && rm -rf /var/lib/apt/lists/* \\",
        ` && python3 -m venv ${VENV} \\`,
        ` && ${VENV}/bin/pip install --no-cache-dir "boto3==${VERSIONS.boto3}"`,
        `COPY db_backup.py ${CONTAINER.backupScript}`,
        "",
    ].join("\n");
}

/** The two services, keyed by name; `secretPath` maps a secrets-folder file to its VM path. */
export function backupServices(input: ServicesInput, secretPath: (file: string) => string): Record<string, unknown> {
    const common = {
        image: BACKUP_IMAGE,
        build: { context: "./backup" },
        // The bucket and connection are fixed here, so an operator's `docker compose run --rm db-restore list`
        // or `... restore --backup STAMP` only names the action.
        entrypoint: [
            `${VENV}/bin/python`, CONTAINER.backupScript,
            "--bucket", input.mlflowBucket, "--prefix", MLFLOW_BACKUP_PREFIX, "--s3-endpoint", input.s3Endpoint,
            "--databases", Object.values(DATABASES).map((db) => db.name).join(","),
            // The superuser's password stays in postgres.env; the script reads it from this variable.
            "--password-env", "POSTGRES_PASSWORD",
        ],
        // postgres.env: the superuser's password; mlflow.env: the static key that writes the MLflow bucket.
        env_file: [secretPath(SECRET_FILES.postgresEnv), secretPath(SECRET_FILES.mlflowEnv)],
        environment: { PGHOST: S.postgres, PGPORT: "5432", PGUSER: "postgres", AWS_DEFAULT_REGION: input.s3Region },
    };
    return {
        [S.dbRestore]: {
            ...common,
            restart: "no",
            command: ["restore-if-fresh"],
            depends_on: { [S.postgres]: { condition: "service_healthy" } },
        },
        [S.dbBackup]: {
            ...common,
            restart: "unless-stopped",
            command: ["schedule", "--interval-hours", String(BACKUP_INTERVAL_HOURS)],
            // After the restore: a fresh VM's first backup must hold the restored data, not empty databases.
            depends_on: { [S.dbRestore]: { condition: "service_completed_successfully" } },
        },
    };
}

/** Added to the services that write the databases: they start only after db-restore has finished. */
export const AFTER_RESTORE = { [S.dbRestore]: { condition: "service_completed_successfully" } } as const;
