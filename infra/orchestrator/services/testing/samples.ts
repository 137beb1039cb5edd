// Sample inputs shared by the snapshot tests and render-samples.ts (which feeds the DAG tests): the stack's
// default Data Proc config, the VM's real directory table, and sentinel secrets that must surface only in
// the secret files.
import { DATAPROC_DEFAULTS, parseDataproc } from "../../../config/dataproc";
import { RUN_PROTOCOL } from "../../../config/run-window";
import { PIPELINE_SCORING_DEFAULTS } from "../../../config/pipeline-scoring";
import { jobSparkProperties } from "../../../dataproc/sizing";
import { ORCHESTRATOR_PATHS } from "../../paths";
import * as fs from "fs";
import * as path from "path";
import { ProxyInput, ServiceSecrets, ServicesInput } from "../inputs";
import { airflowClusterTemplate, clusterSpecOf } from "../../../dataproc/spec";
import { PipelineConfigInput } from "../pipeline-config";
import { CleanFrom } from "../../../config/pipeline-staging";
import { PipelineMode } from "../../../config/pipeline";

export const SAMPLE_SERVICES_INPUT: ServicesInput = {
    paths: ORCHESTRATOR_PATHS,
    airflowPort: 8080,
    mlflowPort: 5000,
    airflowAdminUser: "admin",
    mlflowAdminUser: "admin",
    mlflowBucket: "fraud-mlops-dev-mlflow-b1gexample",
    mlflowArtifactsPrefix: "artifacts",
    s3Endpoint: "https://storage.yandexcloud.net",
    s3Region: "ru-central1",
};

/** The TLS proxy on (orchestrator.tls.enabled): the offline mocks' public test certificate. */
export const SAMPLE_PROXY: ProxyInput = {
    serverName: "203.0.113.10",
    certificatePem: fs.readFileSync(path.resolve(__dirname, "../../../../tools/offline/mock-proxy-cert.pem"), "utf8"),
};
export const SAMPLE_PROXY_KEY_PEM = "-----BEGIN PRIVATE KEY-----\nSENTINEL-proxy-private-key-11\n-----END PRIVATE KEY-----\n";

/** Distinct, greppable values; the characters exercise quoting (%, $, @, : and / need care in URLs and env files). */
export const SENTINEL_SECRETS: ServiceSecrets = {
    postgresSuperuserPassword: "SENTINEL-pg-super$uper%41",
    airflowDbPassword: "SENTINEL-airflow-db@pass:w/rd%2",
    mlflowDbPassword: "SENTINEL-mlflow-db#${HOME}%3",
    airflowAdminPassword: "SENTINEL-airflow-admin-4",
    airflowJwtSecret: "SENTINEL-airflow-jwt-5",
    airflowApiSecretKey: "SENTINEL-airflow-api-6",
    airflowFernetKey: Buffer.from("SENTINEL-fernet-key-32-bytes-7!!").toString("base64"),
    mlflowAdminPassword: "SENTINEL-mlflow-admin%8",
    mlflowS3AccessKeyId: "SENTINEL-s3-key-id-9",
    mlflowS3SecretAccessKey: "SENTINEL-s3-secret/10+",
};

const CODE = "s3a://fraud-mlops-dev-code-b1gexample/jobs";

/** The pipeline config of a cloud mode, with the cluster template built from the stack's default Data Proc config. */
export function samplePipelineInput(mode: Exclude<PipelineMode, "local">, cleanFrom: CleanFrom = "objectStorage"): PipelineConfigInput {
    const spec = airflowClusterTemplate(clusterSpecOf(parseDataproc({}), {
        folderId: "b1gexamplefolder",
        zone: "ru-central1-a",
        subnetId: "e9bexamplesubnet",
        serviceAccountId: "aje-example-dataproc-sa",
        securityGroupIds: ["enpexampledataprocsg"],
        bucket: "fraud-mlops-dev-logs-b1gexample",
        sshPublicKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnlyForTests dev@example"],
        labels: { project: "fraud-mlops", stack: "dev" },
    }));
    return {
        mode,
        schedule: mode === "ephemeral" ? "0 3 * * *" : null,
        retries: 1,
        retryDelayMinutes: 5,
        jobTimeoutMinutes: 120,
        clusterTimeoutMinutes: 45,
        dagRunTimeoutMinutes: 360,
        cleanFrom,
        data: {
            rawPrefix: "s3a://fraud-mlops-dev-raw-b1gexample/raw",
            cleanPrefix: "s3a://fraud-mlops-dev-cleaned-b1gexample/cleaned",
            reportsPrefix: "s3a://fraud-mlops-dev-cleaned-b1gexample/reports",
            quarantinePrefix: "s3a://fraud-mlops-dev-cleaned-b1gexample/quarantine",
            scoresPrefix: "s3a://fraud-mlops-dev-cleaned-b1gexample/scores",
        },
        jobs: {
            cleanJob: `${CODE}/entrypoints/clean_job.py`,
            trainJob: `${CODE}/entrypoints/train_job.py`,
            scoreJob: `${CODE}/entrypoints/score_job.py`,
            monitorJob: `${CODE}/entrypoints/monitor_job.py`,
            pyFiles: [`${CODE}/fraud_jobs.zip`],
        },
        training: { model: "random_forest", featureSet: "handbook", trainStart: "2019-10-12", trainDays: 7, delayDays: 7, testDays: 7, ...RUN_PROTOCOL, experiment: "fraud-detection", registeredModel: "fraud-detector" },
        ...PIPELINE_SCORING_DEFAULTS,
        mlflow: { trackingUri: "http://10.128.0.10:5000", uiUrl: "http://10.128.0.10:5000", credentialsUri: `${CODE}/secrets/mlflow-client.json` },
        dataproc: { ...(mode === "persistent" ? { clusterId: "c9qexamplecluster" } : {}), spec, jobProperties: jobSparkProperties(DATAPROC_DEFAULTS.data) },
    };
}

/** A local-mode config rooted at `root` (the DAG tests render their own with real paths). */
export function sampleLocalPipelineInput(root: string): PipelineConfigInput {
    const cloud = samplePipelineInput("persistent");
    return {
        ...cloud,
        mode: "local",
        data: { rawPrefix: `${root}/raw`, cleanPrefix: `${root}/cleaned`, reportsPrefix: `${root}/reports`, quarantinePrefix: `${root}/quarantine`, scoresPrefix: `${root}/scores` },
        jobs: {
            cleanJob: `${root}/jobs/entrypoints/clean_job.py`,
            trainJob: `${root}/jobs/entrypoints/train_job.py`,
            scoreJob: `${root}/jobs/entrypoints/score_job.py`,
            monitorJob: `${root}/jobs/entrypoints/monitor_job.py`,
            pyFiles: [],
        },
        mlflow: { trackingUri: "http://127.0.0.1:5000", uiUrl: "http://127.0.0.1:5000" },
        dataproc: undefined,
        local: { sparkSubmit: `${root}/jobs/.venv/bin/spark-submit`, python: `${root}/jobs/.venv/bin/python`, master: "local[2]", conf: { "spark.sql.shuffle.partitions": "4" } },
    };
}
