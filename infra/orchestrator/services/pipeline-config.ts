// pipeline.json: what the `fraud_pipeline` DAG (jobs/dags) reads at parse time: the mode, where data and job
// files live, the cluster to use or create, schedule, retries and timeouts. No secrets: the DAG authenticates
// to Yandex Cloud as the VM's service account and takes MLflow credentials from the container environment;
// the cloud modes' training job reads its own from mlflow.credentialsUri (a location, not the secret).
import { ConfigError } from "../../config/errors";
import { DataprocClusterSpec } from "../../dataproc/spec";
import { PipelineMode, PIPELINE_MODES } from "../../config/pipeline";
import { PIPELINE_DAG_LIMITS, TRAIN_MODELS } from "../../config/pipeline-dag";

// The cluster spec is the Data Proc component's contract (infra/dataproc/spec.ts); re-exported for the renderers' users.
export { clusterSpecOf, DataprocClusterSpec, DataprocPlacement } from "../../dataproc/spec";

// The models and the DAG settings' limits are the config's (fraud-mlops:pipeline): one table for both.
export { TRAIN_MODELS };

export interface PipelineConfigInput {
    readonly mode: PipelineMode;
    /** Cron expression or preset (@daily, ...); null: runs only when triggered. */
    readonly schedule: string | null;
    readonly retries: number;
    readonly retryDelayMinutes: number;
    /** Per Spark job task. */
    readonly jobTimeoutMinutes: number;
    /** Cluster creation and deletion (ephemeral mode). */
    readonly clusterTimeoutMinutes: number;
    readonly dagRunTimeoutMinutes: number;
    /** Data locations: s3a:// URIs for the cloud modes, absolute paths for local. Each run writes under <prefix>/<run key>/. */
    readonly data: { readonly rawPrefix: string; readonly cleanPrefix: string; readonly reportsPrefix: string; readonly quarantinePrefix: string };
    /** Spark entry files and the fraud_jobs package zip (--py-files), as deployed to the code bucket. */
    readonly jobs: { readonly cleanJob: string; readonly trainJob: string; readonly pyFiles: readonly string[] };
    readonly training: {
        readonly model: (typeof TRAIN_MODELS)[number];
        readonly trainStart: string;
        readonly trainDays: number;
        readonly delayDays: number;
        readonly testDays: number;
        readonly experiment: string;
        readonly registeredModel: string;
    };
    /**
     * trackingUri: what the jobs log to; uiUrl: what task logs link to (may differ: private vs public address).
     * credentialsUri (cloud modes only): JSON {username, password} the training driver reads with the cluster
     * service account's storage access, so no password is in the Data Proc job's spec that viewers can read.
     */
    readonly mlflow: { readonly trackingUri: string; readonly uiUrl: string; readonly credentialsUri?: string };
    /** persistent: clusterId of the Pulumi-managed cluster; ephemeral: the spec the DAG creates each run. */
    readonly dataproc?: { readonly clusterId?: string; readonly spec: DataprocClusterSpec };
    /** local: spark-submit and the Python it should run the jobs with (e.g. jobs/.venv/bin/...), extra --conf pairs. */
    readonly local?: { readonly sparkSubmit: string; readonly python: string; readonly master: string; readonly conf?: Readonly<Record<string, string>> };
}

function fail(key: string, problem: string, fix: string): never {
    throw new ConfigError(`pipeline config ${key}`, problem, fix);
}

const CRON = /^(@(hourly|daily|weekly|monthly|yearly)|(\S+\s+){4}\S+)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function checkLocation(key: string, value: string, cloud: boolean): void {
    const ok = cloud ? /^s3a:\/\/[a-z0-9][a-z0-9.-]+[a-z0-9](\/\S*)?$/.test(value) : value.startsWith("/");
    if (!ok) {
        fail(key, `must be ${cloud ? "an s3a://bucket/key URI" : "an absolute local path"} in this mode (got ${JSON.stringify(value)})`, cloud ? "use s3a://<bucket>/<prefix>" : "use an absolute path");
    }
}

function checkRange(key: string, value: number, min: number, max: number): void {
    if (!Number.isInteger(value) || value < min || value > max) fail(key, `must be a whole number between ${min} and ${max} (got ${value})`, `pick a value in ${min}-${max}`);
}

export function validatePipelineConfig(input: PipelineConfigInput): PipelineConfigInput {
    if (!PIPELINE_MODES.includes(input.mode)) fail("mode", `must be one of ${PIPELINE_MODES.join(", ")} (got ${JSON.stringify(input.mode)})`, "use persistent, ephemeral or local");
    if (input.schedule !== null && !CRON.test(input.schedule)) fail("schedule", `must be null, a preset such as @daily or a 5-field cron expression (got ${JSON.stringify(input.schedule)})`, 'use "0 3 * * *" or null');
    for (const [key, { min, max }] of Object.entries(PIPELINE_DAG_LIMITS)) checkRange(key, input[key as keyof typeof PIPELINE_DAG_LIMITS], min, max);
    checkRange("dagRunTimeoutMinutes", input.dagRunTimeoutMinutes, 10, 48 * 60);
    const cloud = input.mode !== "local";
    for (const [name, value] of Object.entries(input.data)) checkLocation(`data.${name}`, value, cloud);
    checkLocation("jobs.cleanJob", input.jobs.cleanJob, cloud);
    checkLocation("jobs.trainJob", input.jobs.trainJob, cloud);
    input.jobs.pyFiles.forEach((uri, index) => checkLocation(`jobs.pyFiles[${index}]`, uri, cloud));
    if (!TRAIN_MODELS.includes(input.training.model)) fail("training.model", `must be one of ${TRAIN_MODELS.join(", ")}`, "use random_forest");
    if (!DATE.test(input.training.trainStart)) fail("training.trainStart", `must be YYYY-MM-DD (got ${JSON.stringify(input.training.trainStart)})`, "use 2019-08-22 or a later date in the data");
    for (const key of ["trainDays", "delayDays", "testDays"] as const) checkRange(`training.${key}`, input.training[key], 1, 365);
    for (const key of ["trackingUri", "uiUrl"] as const) {
        const value = input.mlflow[key];
        const ok = /^https?:\/\/\S+$/.test(value) || (key === "trackingUri" && !cloud && /^(file|sqlite):\S+$/.test(value));
        if (!ok) fail(`mlflow.${key}`, `must be an http(s) URL (got ${JSON.stringify(value)})`, "use the MLflow server's address, e.g. http://10.0.0.10:5000");
    }
    if (cloud) {
        if (input.mlflow.credentialsUri === undefined) fail("mlflow.credentialsUri", `is required in ${input.mode} mode`, "pass s3a://<code bucket>/<code prefix>secrets/mlflow-client.json");
        checkLocation("mlflow.credentialsUri", input.mlflow.credentialsUri, true);
    } else if (input.mlflow.credentialsUri !== undefined) {
        fail("mlflow.credentialsUri", "must be empty in local mode (the jobs use the Airflow process's MLFLOW_TRACKING_* environment)", "leave it out");
    }
    if (cloud && !input.dataproc) fail("dataproc", `is required in ${input.mode} mode`, "pass the cluster spec (Dataproc component: template)");
    if (input.mode === "persistent" && !input.dataproc?.clusterId) fail("dataproc.clusterId", "is required in persistent mode", "pass the Pulumi-managed cluster's id");
    if (input.mode === "ephemeral" && input.dataproc?.clusterId) fail("dataproc.clusterId", "must be empty in ephemeral mode (the DAG creates its own cluster)", "leave it out");
    if (input.mode === "local") {
        if (!input.local) fail("local", "is required in local mode", "pass { sparkSubmit, python, master }");
        checkLocation("local.sparkSubmit", input.local.sparkSubmit, false);
        checkLocation("local.python", input.local.python, false);
        if (!/^local\[(\d+|\*)\]$/.test(input.local.master)) fail("local.master", `must be local[N] (got ${JSON.stringify(input.local.master)})`, "use local[2]");
    }
    return input;
}

/** The DAG's config as JSON text (stable key order: snapshot-friendly). */
export function renderPipelineConfig(input: PipelineConfigInput): string {
    return JSON.stringify(validatePipelineConfig(input), null, 2) + "\n";
}
