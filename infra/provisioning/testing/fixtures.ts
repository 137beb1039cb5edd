// Stand-in values for the Provisioning tests: secret sentinels searched for in every command input.
export const SENTINELS = {
    accessKeyId: "SENTINEL-ACCESS-KEY-ID-7f3a",
    secretKey: "SENTINEL-S3-SECRET-KEY-9c1e",
    servicePassword: "SENTINEL-SERVICE-PASSWORD-44d2",
    sshKeyBody: "SENTINEL-SSH-PRIVATE-KEY-BODY-0b8f",
} as const;

export const TEST_PRIVATE_KEY = `-----BEGIN OPENSSH PRIVATE KEY-----\n${SENTINELS.sshKeyBody}\n-----END OPENSSH PRIVATE KEY-----`;

export const TEST_ORCHESTRATOR = {
    root: "/opt/fraud-mlops",
    composeFile: "/opt/fraud-mlops/compose/docker-compose.yaml",
    pipelineConfigFile: "/opt/fraud-mlops/compose/config/pipeline.json",
    dagsDir: "/opt/fraud-mlops/airflow/dags",
    airflowLogsDir: "/opt/fraud-mlops/airflow/logs",
    airflowService: "airflow-scheduler",
    airflowPort: 8080,
    mlflowPort: 5000,
} as const;
