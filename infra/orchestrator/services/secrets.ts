// The only rendered files that hold secrets: env files read by docker compose and MLflow's auth config.
// The caller writes them with mode 0600 (SECRET_FILE_MODE); nothing else rendered here contains a secret.
import { fernetKeyOf, ServiceSecrets, ServicesInput, validateSecrets, validateServicesInput } from "./inputs";
import { DATABASES, SECRET_FILES, SERVICE_NAMES } from "./layout";

export const SECRET_FILE_MODE = 0o600;

/** KEY='value' lines: single quotes make compose take the value literally (no ${...} interpolation). */
function envFile(entries: Record<string, string>): string {
    return Object.entries(entries).map(([key, value]) => `${key}='${value}'`).join("\n") + "\n";
}

/** MLflow reads its auth config with configparser, whose interpolation treats '%' as special. */
function iniValue(value: string): string {
    return value.replace(/%/g, "%%");
}

function postgresUrl(scheme: string, user: string, password: string, database: string): string {
    return `${scheme}://${user}:${encodeURIComponent(password)}@${SERVICE_NAMES.postgres}:5432/${database}`;
}

/** Secret files keyed by their path in the secrets folder (see SECRET_FILES). */
export function secretFileContents(rawInput: ServicesInput, rawSecrets: ServiceSecrets): Record<string, string> {
    const input = validateServicesInput(rawInput);
    const secrets = validateSecrets(rawSecrets, input);
    const { airflow, mlflow, mlflowAuth } = DATABASES;
    return {
        [SECRET_FILES.postgresEnv]: envFile({
            POSTGRES_PASSWORD: secrets.postgresSuperuserPassword,
            AIRFLOW_DB_PASSWORD: secrets.airflowDbPassword,
            MLFLOW_DB_PASSWORD: secrets.mlflowDbPassword,
        }),
        [SECRET_FILES.airflowEnv]: envFile({
            AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: postgresUrl("postgresql+psycopg2", airflow.user, secrets.airflowDbPassword, airflow.name),
            AIRFLOW__CORE__FERNET_KEY: fernetKeyOf(secrets.airflowFernetKey),
            AIRFLOW__API_AUTH__JWT_SECRET: secrets.airflowJwtSecret,
            AIRFLOW__API__SECRET_KEY: secrets.airflowApiSecretKey,
            AIRFLOW_ADMIN_PASSWORD: secrets.airflowAdminPassword,
            // The Airflow tasks (run link, local-mode jobs) log in with these; Data Proc jobs read the code bucket's copy.
            MLFLOW_TRACKING_USERNAME: input.mlflowAdminUser,
            MLFLOW_TRACKING_PASSWORD: secrets.mlflowAdminPassword,
        }),
        [SECRET_FILES.mlflowEnv]: envFile({
            MLFLOW_BACKEND_STORE_URI: postgresUrl("postgresql", mlflow.user, secrets.mlflowDbPassword, mlflow.name),
            AWS_ACCESS_KEY_ID: secrets.mlflowS3AccessKeyId,
            AWS_SECRET_ACCESS_KEY: secrets.mlflowS3SecretAccessKey,
        }),
        [SECRET_FILES.mlflowAuthConfig]: [
            "[mlflow]",
            // Any signed-in user may read; writing needs a grant (the admin has all rights).
            "default_permission = READ",
            `database_uri = ${iniValue(postgresUrl("postgresql", mlflowAuth.user, secrets.mlflowDbPassword, mlflowAuth.name))}`,
            `admin_username = ${input.mlflowAdminUser}`,
            `admin_password = ${iniValue(secrets.mlflowAdminPassword)}`,
            "authorization_function = mlflow.server.auth:authenticate_request_basic_auth",
            "",
        ].join("\n"),
        ...(secrets.proxyPrivateKeyPem !== undefined ? { [SECRET_FILES.proxyPrivateKey]: secrets.proxyPrivateKeyPem } : {}),
    };
}
