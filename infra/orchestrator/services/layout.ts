// Where each rendered file sits and where services see it. One table, used by the renderers and by
// renderFiles (which gives the caller absolute paths), so a path is never spelled twice.

/** Relative to the compose folder (ServiceHostPaths.compose). */
export const FILES = {
    compose: "docker-compose.yaml",
    airflowDockerfile: "airflow/Dockerfile",
    airflowAdminPasswordScript: "airflow/write_admin_password.py",
    mlflowDockerfile: "mlflow/Dockerfile",
    postgresInit: "postgres/init-databases.sh",
    bootUnit: "fraud-mlops-services.service",
    pipelineConfig: "config/pipeline.json",
    backupDockerfile: "backup/Dockerfile",
    backupScript: "backup/db_backup.py",
} as const;

/** Relative to the secrets folder (ServiceHostPaths.secrets). */
export const SECRET_FILES = {
    postgresEnv: "postgres.env",
    airflowEnv: "airflow.env",
    mlflowEnv: "mlflow.env",
    mlflowAuthConfig: "mlflow-auth.ini",
} as const;

/** Paths inside the containers. */
export const CONTAINER = {
    airflowDags: "/opt/airflow/dags",
    pipelineConfigFile: "/opt/fraud/config/pipeline.json",
    adminPasswordScript: "/opt/fraud/write_admin_password.py",
    simpleAuthPasswordsFile: "/opt/airflow/simple_auth_manager_passwords.json",
    mlflowAuthConfig: "/run/secrets/mlflow_auth_config",
    backupScript: "/opt/fraud/db_backup.py",
} as const;

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
    mlflow: "mlflow",
    dbRestore: "db-restore",
    dbBackup: "db-backup",
} as const;

export const COMPOSE_PROJECT = "fraud-mlops";
