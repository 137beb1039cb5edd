// Directories on the orchestrator VM. Cloud-init creates them (owner and mode below); the orchestrator
// services (infra/orchestrator/services/) and the provisioning commands fill them. One table, used by both.

export const VM_USER = "ubuntu";
/** Airflow's official image runs as uid 50000, gid 0. */
export const AIRFLOW_UID = 50000;

export const ORCHESTRATOR_ROOT = "/opt/fraud-mlops";

export const ORCHESTRATOR_PATHS = {
    root: ORCHESTRATOR_ROOT,
    /** docker-compose.yml and non-secret config rendered by the orchestrator services. */
    compose: `${ORCHESTRATOR_ROOT}/compose`,
    /** .env files with secrets: readable by root only (compose runs as root via sudo). */
    secrets: `${ORCHESTRATOR_ROOT}/secrets`,
    dags: `${ORCHESTRATOR_ROOT}/airflow/dags`,
    airflowLogs: `${ORCHESTRATOR_ROOT}/airflow/logs`,
    airflowPlugins: `${ORCHESTRATOR_ROOT}/airflow/plugins`,
    /** Job code (entry points, wheel/zip) staged before upload to the code bucket. */
    jobs: `${ORCHESTRATOR_ROOT}/jobs`,
    postgresData: `${ORCHESTRATOR_ROOT}/data/postgres`,
    mlflowData: `${ORCHESTRATOR_ROOT}/data/mlflow`,
} as const;

export interface DirectorySpec {
    readonly path: string;
    readonly owner: string;
    readonly mode: string;
}

const USER_OWNED = `${VM_USER}:${VM_USER}`;
const AIRFLOW_OWNED = `${AIRFLOW_UID}:0`;

/** Every directory with its owner (`uid:gid` or names) and mode, in creation order. */
export const ORCHESTRATOR_DIRECTORIES: readonly DirectorySpec[] = [
    { path: ORCHESTRATOR_PATHS.root, owner: USER_OWNED, mode: "0755" },
    { path: ORCHESTRATOR_PATHS.compose, owner: USER_OWNED, mode: "0755" },
    { path: ORCHESTRATOR_PATHS.secrets, owner: "root:root", mode: "0700" },
    { path: ORCHESTRATOR_PATHS.dags, owner: AIRFLOW_OWNED, mode: "0775" },
    { path: ORCHESTRATOR_PATHS.airflowLogs, owner: AIRFLOW_OWNED, mode: "0775" },
    { path: ORCHESTRATOR_PATHS.airflowPlugins, owner: AIRFLOW_OWNED, mode: "0775" },
    { path: ORCHESTRATOR_PATHS.jobs, owner: USER_OWNED, mode: "0755" },
    // PostgreSQL's image chowns its data dir itself on first start.
    { path: ORCHESTRATOR_PATHS.postgresData, owner: "root:root", mode: "0700" },
    { path: ORCHESTRATOR_PATHS.mlflowData, owner: USER_OWNED, mode: "0755" },
];
