// docker-compose.yaml for the orchestrator VM: PostgreSQL, Airflow (LocalExecutor) and the MLflow server.
// Secrets never appear here: services read them from the env files of secrets.ts (mode 0600).
import * as path from "path";
import * as yaml from "js-yaml";
import { validateServicesInput, ServicesInput } from "./inputs";
import { AIRFLOW_BUILD, MLFLOW_BUILD } from "./images";
import { CONTAINER, COMPOSE_PROJECT, FILES, MLFLOW_UI_PREFIX, SECRET_FILES, SERVICE_NAMES as S } from "./layout";
import { caddyImage, VERSIONS } from "./versions";
import { AFTER_RESTORE, backupServices } from "./backup";

const AIRFLOW_IMAGE = `fraud-mlops/airflow:${VERSIONS.airflow}-yandex${VERSIONS.airflowProviderYandex}`;
const MLFLOW_IMAGE = `fraud-mlops/mlflow:${VERSIONS.mlflow}`;
const RESTART = "unless-stopped";

const secretPath = (input: ServicesInput, file: string): string => `${input.paths.secrets}/${file}`;

/** A read-only mount of the folder holding `file` (never the file itself: see layout.ts). */
const folderOf = (file: string): string => path.posix.dirname(file);

function healthcheck(test: string[], startPeriod: string) {
    return { test, interval: "30s", timeout: "10s", retries: 5, start_period: startPeriod };
}

function airflowEnvironment(input: ServicesInput): Record<string, string> {
    return {
        AIRFLOW__CORE__EXECUTOR: "LocalExecutor",
        AIRFLOW__CORE__LOAD_EXAMPLES: "False",
        // The deployment triggers the DAG right after copying it; its schedule is off unless configured.
        AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION: "False",
        AIRFLOW__CORE__AUTH_MANAGER: "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager",
        AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS: `${input.airflowAdminUser}:admin`,
        AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE: CONTAINER.simpleAuthPasswordsFile,
        AIRFLOW__CORE__EXECUTION_API_SERVER_URL: `http://${S.airflowApiServer}:8080/execution/`,
        AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK: "True",
        // No credentials in the connection: the Yandex SDK then takes a token from the VM's metadata
        // service, i.e. acts as the service account attached to the VM.
        AIRFLOW_CONN_YANDEXCLOUD_DEFAULT: JSON.stringify({ conn_type: "yandexcloud" }),
        FRAUD_PIPELINE_CONFIG: CONTAINER.pipelineConfigFile,
    };
}

function airflowService(input: ServicesInput, command: string[], extra: Record<string, unknown>) {
    return {
        image: AIRFLOW_IMAGE,
        build: AIRFLOW_BUILD,
        restart: RESTART,
        command,
        env_file: [secretPath(input, SECRET_FILES.airflowEnv)],
        environment: airflowEnvironment(input),
        volumes: [
            `${input.paths.dags}:${CONTAINER.airflowDags}:ro`,
            `./${folderOf(FILES.pipelineConfig)}:${CONTAINER.pipelineConfigDir}:ro`,
            `${input.paths.airflowLogs}:/opt/airflow/logs`,
        ],
        depends_on: {
            [S.postgres]: { condition: "service_healthy" },
            [S.airflowInit]: { condition: "service_completed_successfully" },
        },
        ...extra,
    };
}

function airflowJobCheck(jobType: string): string[] {
    return ["CMD-SHELL", `airflow jobs check --job-type ${jobType} --hostname "$\${HOSTNAME}"`];
}

export function composeDocument(raw: ServicesInput): Record<string, unknown> {
    const input = validateServicesInput(raw);
    const mlflowArtifacts = `s3://${input.mlflowBucket}/${input.mlflowArtifactsPrefix}`.replace(/\/+$/, "");
    const mlflowAuthMount = `${folderOf(secretPath(input, SECRET_FILES.mlflowAuthConfig))}:${CONTAINER.mlflowAuthDir}:ro`;
    return {
        name: COMPOSE_PROJECT,
        services: {
            [S.postgres]: {
                image: VERSIONS.postgresImage,
                restart: RESTART,
                env_file: [secretPath(input, SECRET_FILES.postgresEnv)],
                environment: { POSTGRES_USER: "postgres", POSTGRES_DB: "postgres" },
                volumes: [`${input.paths.postgresData}:/var/lib/postgresql/data`, `./${folderOf(FILES.postgresInit)}:${CONTAINER.postgresInitDir}:ro`],
                // TCP, not the socket: during first-start initialisation the server listens on the socket only.
                healthcheck: healthcheck(["CMD", "pg_isready", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres"], "60s"),
            },
            [S.airflowInit]: {
                image: AIRFLOW_IMAGE,
                build: AIRFLOW_BUILD,
                // One-shot: migrates the metadata database (idempotent), then exits.
                restart: "no",
                command: ["airflow", "db", "migrate"],
                env_file: [secretPath(input, SECRET_FILES.airflowEnv)],
                environment: airflowEnvironment(input),
                depends_on: { [S.postgres]: { condition: "service_healthy" }, ...AFTER_RESTORE },
            },
            [S.airflowApiServer]: airflowService(
                input,
                // The simple auth manager reads the admin's password from a file; it is written from the env
                // file at start, so the password exists only in secrets/airflow.env on the VM disk.
                ["bash", "-c", `python ${CONTAINER.adminPasswordScript} && exec airflow api-server`],
                {
                    // Loopback only: nobody in the VPC needs Airflow; admins come through the SSH tunnel or the proxy.
                    ports: [`127.0.0.1:${input.airflowPort}:8080`],
                    healthcheck: healthcheck(["CMD", "curl", "--fail", "--silent", "http://localhost:8080/api/v2/version"], "60s"),
                },
            ),
            [S.airflowScheduler]: airflowService(input, ["airflow", "scheduler"], {
                healthcheck: healthcheck(["CMD", "curl", "--fail", "--silent", "http://localhost:8974/health"], "60s"),
            }),
            [S.airflowDagProcessor]: airflowService(input, ["airflow", "dag-processor"], {
                healthcheck: healthcheck(airflowJobCheck("DagProcessorJob"), "60s"),
            }),
            [S.mlflowAuthMigrate]: {
                image: MLFLOW_IMAGE,
                build: MLFLOW_BUILD,
                // One-shot, like airflow-init: every server worker would otherwise migrate the auth database
                // at once. Reads the database URI from the auth config, as the server does.
                restart: "no",
                command: ["python", CONTAINER.mlflowMigrateAuthDb],
                environment: { MLFLOW_AUTH_CONFIG_PATH: CONTAINER.mlflowAuthConfig },
                volumes: [mlflowAuthMount],
                // After the restore: a migrated (non-empty) auth database would make the restore refuse the set.
                depends_on: { [S.postgres]: { condition: "service_healthy" }, ...AFTER_RESTORE },
            },
            [S.mlflow]: {
                image: MLFLOW_IMAGE,
                build: MLFLOW_BUILD,
                restart: RESTART,
                // The backend store URI (with its password) comes from MLFLOW_BACKEND_STORE_URI in the env file.
                command: [
                    "mlflow", "server", "--host", "0.0.0.0", "--port", "5000", "--workers", "2",
                    // Clients upload and download through the server (mlflow-artifacts:), so only it holds the keys.
                    "--serve-artifacts", "--artifacts-destination", mlflowArtifacts,
                    "--app-name", "basic-auth",
                    // The UI under its own path, so the TLS proxy serves both UIs on one port.
                    "--static-prefix", MLFLOW_UI_PREFIX,
                ],
                env_file: [secretPath(input, SECRET_FILES.mlflowEnv)],
                environment: {
                    MLFLOW_S3_ENDPOINT_URL: input.s3Endpoint,
                    AWS_DEFAULT_REGION: input.s3Region,
                    MLFLOW_AUTH_CONFIG_PATH: CONTAINER.mlflowAuthConfig,
                },
                volumes: [mlflowAuthMount],
                // All interfaces: the Data Proc hosts log to it; the security group admits only them (and no CIDR).
                ports: [`${input.mlflowPort}:5000`],
                depends_on: {
                    [S.postgres]: { condition: "service_healthy" },
                    [S.mlflowAuthMigrate]: { condition: "service_completed_successfully" },
                    ...AFTER_RESTORE,
                },
                healthcheck: healthcheck(["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:5000/health', timeout=5)"], "60s"),
            },
            ...backupServices(input, (file) => secretPath(input, file)),
            ...(input.proxy ? { [S.proxy]: proxyService(input) } : {}),
        },
    };
}

/** Caddy in front of both UIs: 443 with the deployment's certificate; 80 only redirects to it. */
function proxyService(input: ServicesInput) {
    return {
        image: caddyImage(),
        restart: RESTART,
        ports: ["443:443", "80:80"],
        volumes: [
            `./${folderOf(FILES.proxyConfig)}:${CONTAINER.proxyConfigDir}:ro`,
            `${folderOf(secretPath(input, SECRET_FILES.proxyPrivateKey))}:${CONTAINER.proxyKeyDir}:ro`,
        ],
        depends_on: {
            [S.airflowApiServer]: { condition: "service_healthy" },
            [S.mlflow]: { condition: "service_healthy" },
        },
    };
}

export function renderComposeFile(input: ServicesInput): string {
    const header = "# Rendered by infra/orchestrator/services/compose.ts; secrets live in the env files of the secrets folder (mode 0600).\n";
    return header + yaml.dump(composeDocument(input), { lineWidth: -1, noRefs: true, quotingType: '"' });
}
