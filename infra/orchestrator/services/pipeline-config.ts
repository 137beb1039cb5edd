// pipeline.json: what the `fraud_pipeline` DAG (jobs/dags) reads at parse time: the mode, where data and job
// files live, the cluster to use or create, schedule, retries and timeouts. No secrets: the DAG authenticates
// to Yandex Cloud as the VM's service account and takes MLflow credentials from the container environment;
// the cloud modes' training job reads its own from mlflow.credentialsUri (a location, not the secret).
import { ConfigError } from "../../config/errors";
import { DataprocClusterSpec } from "../../dataproc/spec";
import { JobSparkProperties } from "../../dataproc/sizing";
import { PipelineMode } from "../../config/pipeline";
import { TRAIN_MODELS } from "../../config/pipeline-dag";
import { PipelineScoringConfig } from "../../config/pipeline-scoring";
import { CleanFrom } from "../../config/pipeline-staging";
import { contractErrors, PIPELINE_SCHEMA_FILE } from "../../config/pipeline-contract";

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
    /** Where cleaning reads the raw files: objectStorage, or hdfs after the distcp staging step (persistent only). */
    readonly cleanFrom: CleanFrom;
    /** Data locations: s3a:// URIs for the cloud modes, absolute paths for local. Each run writes under <prefix>/<run key>/. */
    /** scoresPrefix: one dataset shared by every run (partitioned by tx_date), not a per-run folder. */
    readonly data: { readonly rawPrefix: string; readonly cleanPrefix: string; readonly reportsPrefix: string; readonly quarantinePrefix: string; readonly scoresPrefix: string };
    /** Spark entry files and the fraud_jobs package zip (--py-files), as deployed to the code bucket. */
    readonly jobs: { readonly cleanJob: string; readonly trainJob: string; readonly scoreJob: string; readonly monitorJob: string; readonly pyFiles: readonly string[] };
    readonly training: {
        readonly model: (typeof TRAIN_MODELS)[number];
        readonly featureSet: string;
        readonly trainStart: string;
        readonly trainDays: number;
        readonly delayDays: number;
        readonly testDays: number;
        /** With delaySweepDays: the windows before trainStart the job trains on (days a run needs). */
        readonly validationFolds: number;
        readonly delaySweepDays: readonly number[];
        readonly experiment: string;
        readonly registeredModel: string;
    };
    /** Scoring with the champion and monitoring of the scored days (fraud-mlops:pipeline.scoring / .monitoring). */
    readonly scoring: PipelineScoringConfig["scoring"];
    readonly monitoring: PipelineScoringConfig["monitoring"];
    /**
     * trackingUri: what the jobs log to; uiUrl: what task logs link to (may differ: private vs public address).
     * credentialsUri (cloud modes only): JSON {username, password} the training driver reads with the cluster
     * service account's storage access, so no password is in the Data Proc job's spec that viewers can read.
     */
    readonly mlflow: { readonly trackingUri: string; readonly uiUrl: string; readonly credentialsUri?: string };
    /**
     * persistent: clusterId of the Pulumi-managed cluster; ephemeral: the spec the DAG creates each run.
     * jobProperties: Spark properties per job (deploy mode, driver/executor sizes; jobSparkProperties).
     */
    readonly dataproc?: { readonly clusterId?: string; readonly spec: DataprocClusterSpec; readonly jobProperties: JobSparkProperties };
    /** local: spark-submit and the Python it should run the jobs with (e.g. jobs/.venv/bin/...), extra --conf pairs. */
    readonly local?: { readonly sparkSubmit: string; readonly python: string; readonly master: string; readonly conf?: Readonly<Record<string, string>> };
}

/**
 * Checks the document against its contract (jobs/dags/fraud_pipeline_lib/pipeline.schema.json, the file the
 * DAG checks it with). The config parsers take their limits from the same file, so a stack whose config
 * passed never fails here; this catches a renderer bug before the file reaches the VM.
 */
export function validatePipelineConfig(input: PipelineConfigInput): PipelineConfigInput {
    // As written to the file: undefined members vanish, as they do in JSON.stringify.
    const errors = contractErrors(JSON.parse(JSON.stringify(input)));
    if (errors.length > 0) {
        const [first, ...rest] = errors;
        const also = rest.length > 0 ? ` (also: ${rest.map((e) => e.key).join(", ")})` : "";
        const fix = `render a value that matches ${PIPELINE_SCHEMA_FILE}${first.description ? `: ${first.description}` : ""}`;
        throw new ConfigError(`pipeline config ${first.key}`, `${first.message}${also}`, fix);
    }
    return input;
}

/** The DAG's config as JSON text (stable key order: snapshot-friendly). */
export function renderPipelineConfig(input: PipelineConfigInput): string {
    return JSON.stringify(validatePipelineConfig(input), null, 2) + "\n";
}
