// The orchestrator VM's files for the deploy step (infra/provisioning ships them): generated service secrets
// (@pulumi/random, secret outputs) and the pure renderers of ./services, fed with this stack's resources.
// The pipeline config takes its window from pipeline.runWindow, so the DAG's defaults and the
// provisioning run agree.
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { UiAccess } from "../config/orchestrator";
import { PipelineConfig } from "../config/pipeline";
import { resolveRunWindow } from "../config/pipeline-run";
import { RUN_PROTOCOL } from "../config/run-window";
import { SeedConfig } from "../config/seed";
import { JobSparkProperties } from "../dataproc/sizing";
import { DataprocClusterSpec } from "../dataproc/spec";
import { uiEndpoints } from "./access";
import { ORCHESTRATOR_PATHS } from "./paths";
import { PipelineConfigInput, RenderedFile, renderSecretFiles, renderServiceFiles, ServiceSecrets, ServicesInput } from "./services";
import { FILES, SERVICE_NAMES } from "./services/layout";

/** Fixed service settings; the DAG's schedule, retries, timeouts and training come from fraud-mlops:pipeline. */
export const SERVICE_DEFAULTS = {
    adminUser: "admin",
    mlflowArtifactsPrefix: "artifacts",
} as const;

export interface ServiceFilesArgs {
    readonly pipeline: PipelineConfig;
    readonly seed: SeedConfig;
    /** Spark sizes per job (jobSparkProperties of the data hosts), computed with the config, before any resource. */
    readonly jobProperties: JobSparkProperties;
    readonly codePrefix: string;
    readonly s3Endpoint: string;
    readonly s3Region: string;
    readonly ports: { readonly airflow: number; readonly mlflow: number };
    /** fraud-mlops:orchestrator.tls: SSH tunnel only, or the TLS proxy with a generated certificate. */
    readonly access: UiAccess;
    readonly buckets: { readonly raw: pulumi.Input<string>; readonly cleaned: pulumi.Input<string>; readonly code: pulumi.Input<string>; readonly mlflow: pulumi.Input<string>; readonly logs: pulumi.Input<string> };
    readonly storageAccessKeyId: pulumi.Input<string>;
    readonly storageSecretKey: pulumi.Input<string>;
    readonly vm: { readonly publicIp: pulumi.Input<string>; readonly internalIp: pulumi.Input<string> };
    /** persistent: the Pulumi-managed cluster's id; template: the spec Airflow creates per-run clusters from (Dataproc component). */
    readonly cluster: {
        readonly clusterId?: pulumi.Input<string>;
        readonly template: pulumi.Input<DataprocClusterSpec>;
    };
}

/**
 * The code-bucket key of the training job's MLflow login (JSON {username, password}): deploy_code.py uploads
 * it there and pipeline.json points the job at it. On Data Proc the driver reads it through s3a as the cluster
 * service account, so no password sits in the job's spec, which any dataproc.viewer can read.
 */
export function mlflowCredentialsKey(codePrefix: string): string {
    return `${codePrefix}secrets/mlflow-client.json`;
}

const PASSWORDS = ["postgresSuperuserPassword", "airflowDbPassword", "mlflowDbPassword", "airflowAdminPassword", "airflowJwtSecret", "airflowApiSecretKey", "mlflowAdminPassword"] as const;

export class OrchestratorServiceFiles extends pulumi.ComponentResource {
    readonly files: pulumi.Output<RenderedFile[]>;
    readonly secretFiles: pulumi.Output<RenderedFile[]>;
    /** Secret: the training job's MLflow login as JSON, uploaded to mlflowCredentialsKey by the code deploy. */
    readonly mlflowClientCredentials: pulumi.Output<string>;
    /** SHA-256 fingerprint of the TLS proxy's self-signed certificate (undefined without the proxy). */
    readonly proxyCertificateSha256: pulumi.Output<string | undefined>;

    constructor(name: string, args: ServiceFilesArgs, opts?: pulumi.ComponentResourceOptions) {
        // The type token predates the move from infra/provisioning: it is part of every child's URN, and a new
        // token would replace the generated passwords (the databases keep the old ones).
        super("fraud-mlops:provisioning:OrchestratorServiceFiles", name, {}, opts);
        // Letters, digits and '-_' only: safe in env files, URLs and ini files without escaping.
        const password = (id: string) => new random.RandomPassword(id, { length: 32, special: true, overrideSpecial: "-_" }, { parent: this }).result;
        const passwords = Object.fromEntries(PASSWORDS.map((key) => [key, password(key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`))]));
        const fernet = new random.RandomBytes("airflow-fernet-key", { length: 32 }, { parent: this });
        const envSecrets = pulumi.secret(pulumi.all({ ...passwords, airflowFernetKey: fernet.base64, mlflowS3AccessKeyId: args.storageAccessKeyId, mlflowS3SecretAccessKey: args.storageSecretKey })
            .apply((values) => values as unknown as ServiceSecrets));

        const certificate = args.access.tls ? proxyCertificate(this, args.access, args.vm.publicIp) : undefined;
        const secrets = certificate
            ? pulumi.secret(pulumi.all([envSecrets, certificate.privateKeyPem]).apply(([s, key]): ServiceSecrets => ({ ...s, proxyPrivateKeyPem: key })))
            : envSecrets;
        const proxy = certificate
            ? pulumi.all([args.vm.publicIp, certificate.certPem]).apply(([ip, certificatePem]) => ({ serverName: args.access.hostname ?? ip, certificatePem }))
            : pulumi.output(undefined);

        const input = pulumi.all([args.buckets.mlflow, proxy]).apply(([mlflowBucket, proxyInput]): ServicesInput => ({
            ...(proxyInput ? { proxy: proxyInput } : {}),
            paths: ORCHESTRATOR_PATHS,
            airflowPort: args.ports.airflow,
            mlflowPort: args.ports.mlflow,
            airflowAdminUser: SERVICE_DEFAULTS.adminUser,
            mlflowAdminUser: SERVICE_DEFAULTS.adminUser,
            mlflowBucket,
            mlflowArtifactsPrefix: SERVICE_DEFAULTS.mlflowArtifactsPrefix,
            s3Endpoint: args.s3Endpoint,
            s3Region: args.s3Region,
        }));
        const pipeline = pulumi.all({
            raw: args.buckets.raw, cleaned: args.buckets.cleaned, code: args.buckets.code, logs: args.buckets.logs,
            publicIp: args.vm.publicIp, internalIp: args.vm.internalIp, clusterId: args.cluster.clusterId ?? "",
            template: args.cluster.template,
        }).apply((v) => pipelineConfigInput(args, v as unknown as Resolved));
        this.files = pulumi.all([input, pipeline]).apply(([i, p]) => renderServiceFiles(i, p).map((f) => ({ ...f })));
        this.secretFiles = pulumi.secret(pulumi.all([input, secrets]).apply(([i, s]) => renderSecretFiles(i, s).map((f) => ({ ...f }))));
        this.mlflowClientCredentials = pulumi.secret(passwords.mlflowAdminPassword.apply((password) => JSON.stringify({ username: SERVICE_DEFAULTS.adminUser, password })));
        this.proxyCertificateSha256 = certificate ? certificate.certPem.apply((pem) => new crypto.X509Certificate(pem).fingerprint256) : pulumi.output(undefined);
        this.registerOutputs({ files: this.files, secretFiles: this.secretFiles, mlflowClientCredentials: this.mlflowClientCredentials, proxyCertificateSha256: this.proxyCertificateSha256 });
    }
}

/** Self-signed certificate of the TLS proxy for the VM's address (and tls.hostname): its key stays a secret. */
function proxyCertificate(parent: pulumi.Resource, access: UiAccess, publicIp: pulumi.Input<string>) {
    const key = new tls.PrivateKey("proxy-tls-key", { algorithm: "ECDSA", ecdsaCurve: "P256" }, { parent });
    const cert = new tls.SelfSignedCert("proxy-tls-certificate", {
        privateKeyPem: key.privateKeyPem,
        subject: { commonName: access.hostname ?? "fraud-mlops orchestrator", organization: "fraud-mlops" },
        ipAddresses: [publicIp],
        dnsNames: access.hostname ? [access.hostname] : [],
        allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
        // Two years; `pulumi up` after expiry (or a new address) issues a new one and a new fingerprint.
        validityPeriodHours: 2 * 365 * 24,
        earlyRenewalHours: 30 * 24,
    }, { parent });
    return { certPem: cert.certPem, privateKeyPem: pulumi.secret(key.privateKeyPem) };
}

interface Resolved {
    readonly raw: string; readonly cleaned: string; readonly code: string; readonly logs: string;
    readonly publicIp: string; readonly internalIp: string; readonly clusterId: string;
    readonly template: DataprocClusterSpec;
}

/** Pure: the DAG's pipeline.json input for a cloud mode. */
export function pipelineConfigInput(args: ServiceFilesArgs, v: Resolved): PipelineConfigInput {
    const { pipeline, seed } = args;
    if (pipeline.mode === "local") throw new Error("the orchestrator VM runs the cloud modes only (persistent, ephemeral)");
    const code = `s3a://${v.code}/${args.codePrefix}`.replace(/\/$/, "");
    const window = resolveRunWindow(pipeline.runWindow, seed);
    const spec = v.template;
    return {
        mode: pipeline.mode,
        schedule: pipeline.schedule,
        retries: pipeline.retries,
        retryDelayMinutes: pipeline.retryDelayMinutes,
        jobTimeoutMinutes: pipeline.jobTimeoutMinutes,
        clusterTimeoutMinutes: pipeline.clusterTimeoutMinutes,
        dagRunTimeoutMinutes: pipeline.runTimeoutMinutes,
        cleanFrom: pipeline.cleanFrom,
        data: {
            rawPrefix: `s3a://${v.raw}/${seed.targetPrefix}`.replace(/\/$/, ""),
            cleanPrefix: `s3a://${v.cleaned}/cleaned`,
            reportsPrefix: `s3a://${v.cleaned}/reports`,
            quarantinePrefix: `s3a://${v.cleaned}/quarantine`,
            scoresPrefix: `s3a://${v.cleaned}/scores`,
        },
        jobs: {
            cleanJob: `${code}/entrypoints/clean_job.py`,
            trainJob: `${code}/entrypoints/train_job.py`,
            scoreJob: `${code}/entrypoints/score_job.py`,
            monitorJob: `${code}/entrypoints/monitor_job.py`,
            pyFiles: [`${code}/fraud_jobs.zip`],
        },
        training: {
            model: pipeline.model,
            featureSet: pipeline.featureSet,
            trainStart: window.trainStart,
            trainDays: window.trainDays,
            delayDays: window.delayDays,
            testDays: window.testDays,
            validationFolds: RUN_PROTOCOL.validationFolds,
            delaySweepDays: RUN_PROTOCOL.delaySweepDays,
            experiment: pipeline.experiment,
            registeredModel: pipeline.registeredModel,
        },
        scoring: pipeline.scoring,
        monitoring: pipeline.monitoring,
        mlflow: {
            trackingUri: `http://${v.internalIp}:${args.ports.mlflow}`,
            uiUrl: uiEndpoints(args.access, v.publicIp, args.ports).mlflowUrl.replace(/\/$/, ""),
            credentialsUri: `s3a://${v.code}/${mlflowCredentialsKey(args.codePrefix)}`,
        },
        dataproc: { ...(pipeline.mode === "persistent" ? { clusterId: v.clusterId } : {}), spec, jobProperties: args.jobProperties },
    };
}

/** Where the deploy and run steps find things on the VM (one table, from the orchestrator's layout). */
export const VM_LAYOUT = {
    root: ORCHESTRATOR_PATHS.root,
    composeFile: `${ORCHESTRATOR_PATHS.compose}/${FILES.compose}`,
    bootUnit: `${ORCHESTRATOR_PATHS.compose}/${FILES.bootUnit}`,
    pipelineConfigFile: `${ORCHESTRATOR_PATHS.compose}/${FILES.pipelineConfig}`,
    dagsDir: ORCHESTRATOR_PATHS.dags,
    airflowLogsDir: ORCHESTRATOR_PATHS.airflowLogs,
    airflowService: SERVICE_NAMES.airflowScheduler,
} as const;
