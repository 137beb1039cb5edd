// Where each rendered file sits and where services see it. One table, used by the renderers and by
// renderFiles (which gives the caller absolute paths), so a path is never spelled twice.
// Containers see rendered files through folder mounts only: the deploy step replaces each file with a new
// inode, which a single-file bind mount would never show to a running container.

/** Relative to the compose folder (ServiceHostPaths.compose). */
export const FILES = {
    compose: "docker-compose.yaml",
    airflowDockerfile: "airflow/Dockerfile",
    airflowAdminPasswordScript: "airflow/write_admin_password.py",
    /** A copy of jobs/constraints-airflow.txt: the image installs with the resolution the DAG tests pass with. */
    airflowConstraints: "airflow/constraints.txt",
    mlflowDockerfile: "mlflow/Dockerfile",
    mlflowMigrateAuthDb: "mlflow/migrate_auth_db.py",
    postgresInit: "postgres/init-databases.sh",
    bootUnit: "fraud-mlops-services.service",
    pipelineConfig: "config/pipeline.json",
    /** TLS proxy (orchestrator.tls.enabled only): its config and public certificate, one mounted folder. */
    proxyConfig: "proxy/Caddyfile",
    proxyCertificate: "proxy/cert.pem",
    backupDockerfile: "backup/Dockerfile",
    backupScript: "backup/db_backup.py",
} as const;

/** Relative to the secrets folder (ServiceHostPaths.secrets). */
export const SECRET_FILES = {
    postgresEnv: "postgres.env",
    airflowEnv: "airflow.env",
    mlflowEnv: "mlflow.env",
    /** Alone in its folder: only this folder is mounted into the MLflow container. */
    mlflowAuthConfig: "mlflow/auth.ini",
    /** The TLS proxy's private key, alone in its folder (mounted into the proxy only). */
    proxyPrivateKey: "proxy/key.pem",
} as const;

const PIPELINE_CONFIG_DIR = "/opt/fraud/config";
const MLFLOW_AUTH_DIR = "/run/secrets/mlflow";
const PROXY_CONFIG_DIR = "/etc/caddy";
const PROXY_KEY_DIR = "/run/secrets/proxy";

/** Paths inside the containers. */
export const CONTAINER = {
    airflowDags: "/opt/airflow/dags",
    /** The compose folder's config/ (FILES.pipelineConfig) is mounted here. */
    pipelineConfigDir: PIPELINE_CONFIG_DIR,
    pipelineConfigFile: `${PIPELINE_CONFIG_DIR}/pipeline.json`,
    /** The compose folder's postgres/ (FILES.postgresInit): PostgreSQL runs its *.sh on first start. */
    postgresInitDir: "/docker-entrypoint-initdb.d",
    adminPasswordScript: "/opt/fraud/write_admin_password.py",
    airflowConstraints: "/opt/fraud/constraints-airflow.txt",
    simpleAuthPasswordsFile: "/opt/airflow/simple_auth_manager_passwords.json",
    /** The secrets folder's mlflow/ is mounted here (read-only). */
    mlflowMigrateAuthDb: "/opt/fraud/migrate_auth_db.py",
    mlflowAuthDir: MLFLOW_AUTH_DIR,
    mlflowAuthConfig: `${MLFLOW_AUTH_DIR}/auth.ini`,
    /** The official Caddy image reads /etc/caddy/Caddyfile. */
    proxyConfigDir: PROXY_CONFIG_DIR,
    proxyCertificate: `${PROXY_CONFIG_DIR}/cert.pem`,
    proxyKeyDir: PROXY_KEY_DIR,
    proxyPrivateKey: `${PROXY_KEY_DIR}/key.pem`,
    backupScript: "/opt/fraud/db_backup.py",
} as const;

/** The MLflow server's --static-prefix: its UI lives under this path, so one TLS port serves both UIs. */
export const MLFLOW_UI_PREFIX = "/mlflow";

export const DATABASES = {
    airflow: { name: "airflow", user: "airflow" },
    mlflow: { name: "mlflow", user: "mlflow" },
    /** MLflow basic-auth users and permissions: its own database, owned by the MLflow user. */
    mlflowAuth: { name: "mlflow_auth", user: "mlflow" },
} as const;

export const SERVICE_NAMES = {
    postgres: "postgres",
    airflowInit: "airflow-init",
    airflowApiServer: "airflow-api-server",
    airflowScheduler: "airflow-scheduler",
    airflowDagProcessor: "airflow-dag-processor",
    /** One-shot: migrates MLflow's auth database before the server's workers start. */
    mlflowAuthMigrate: "mlflow-auth-migrate",
    mlflow: "mlflow",
    proxy: "proxy",
    dbRestore: "db-restore",
    dbBackup: "db-backup",
} as const;

export const COMPOSE_PROJECT = "fraud-mlops";
