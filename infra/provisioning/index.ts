// Provisioning: what `pulumi up` does once the resources exist. Children, in dependency order:
//   seed-<date>            local command per dataset file: probes the source locations, server-side copy into the raw bucket
//   deploy-job-code        local command: job entry files + fraud_jobs.zip (and the jobs' MLflow login) to the code bucket
//   vm-script-<name>       the VM-side scripts copied to the orchestrator VM
//   wait-cloud-init        remote: waits until the VM's first boot finished (Docker installed)
//   deploy-orchestrator    remote: rendered compose/env/DAG files, `docker compose up`, health checks
//   run-pipeline           remote: triggers `fraud_pipeline` for the window and waits (pipeline.runOnUp)
// Secrets reach commands only as secret environment variables or secret stdin, never in command text.
// Every step that touches a bucket or the cluster depends on `grants`: IAM bindings only act once they exist.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { PipelineRunConfig, runParams } from "../config/pipeline-run";
import { ProvisioningConfig, SeedConfig, SeedSource } from "../config/seed";
import { dagFiles, healthChecks, OrchestratorBundle, publicBundleHash, renderBundle, runPrefix, VmFile } from "./bundle";
import { fileHashes, hashTree, readTree, sha256 } from "./files";
import { mlflowCredentialsKey } from "../orchestrator";


export const REPO_ROOT = path.resolve(__dirname, "..", "..");
/** Relative to the project root: Pulumi runs local commands there. */
const LOCAL_SCRIPTS = "infra/provisioning/scripts/local";
const VM_SCRIPTS = "infra/provisioning/scripts/orchestrator_vm";
export const PIPELINE_DAG = "fraud_pipeline";

/** Deliberate limits: an unreachable host or a stuck copy fails the step instead of hanging `pulumi up`. */
export const TIMEOUTS = {
    /**
     * One server-side copy of a 2.8-3.1 GB file takes minutes; an hour means something is wrong. It covers
     * the scripts' own bounds: the access wait (s3_env.ACCESS_WAIT_SECONDS) plus the copy's retried read timeouts.
     */
    seed: { create: "60m", update: "60m", delete: "10m" },
    code: { create: "15m", update: "15m" },
    /** Includes the VM's boot until SSH answers. */
    copy: { create: "20m", update: "20m" },
    cloudInit: { create: "30m", update: "30m" },
    /** First deploy builds the Airflow and MLflow images on the VM. */
    deploy: { create: "45m", update: "45m" },
} as const;

export interface ProvisioningArgs {
    readonly seed: SeedConfig;
    readonly provisioning: ProvisioningConfig;
    readonly pipeline: PipelineRunConfig;
    /** storage.allowDataDestroy: only then does removing a seed step delete its copy in the raw bucket. */
    readonly allowDataDestroy: boolean;
    readonly rawBucket: pulumi.Input<string>;
    readonly codeBucket: pulumi.Input<string>;
    readonly storageAccessKeyId: pulumi.Input<string>;
    readonly storageSecretKey: pulumi.Input<string>;
    /**
     * The IAM bindings the steps use (storage roles, KMS encrypterDecrypter, cluster and VM roles): every step
     * that touches a bucket or the cluster waits for them, so a fresh stack never copies before they exist.
     */
    readonly grants: pulumi.Input<pulumi.Resource>[];
    /** Secret JSON {username, password}: the training job's MLflow login, stored at mlflowCredentialsKey. */
    readonly mlflowClientCredentials: pulumi.Input<string>;
    readonly vm: { readonly publicIp: pulumi.Input<string>; readonly instanceId: pulumi.Input<string>; readonly user: string };
    readonly orchestrator: {
        /** Rendered by infra/orchestrator/services (renderServiceFiles / renderSecretFiles). */
        readonly files: pulumi.Input<VmFile[]>;
        readonly secretFiles: pulumi.Input<VmFile[]>;
        readonly root: string;
        readonly composeFile: string;
        readonly bootUnit?: string;
        readonly pipelineConfigFile: string;
        readonly dagsDir: string;
        readonly airflowLogsDir: string;
        readonly airflowService: string;
        readonly airflowPort: number;
        readonly mlflowPort: number;
    };
    /** What must exist before the run besides seed, code and orchestrator: the persistent cluster, if any. */
    readonly clusterReady?: pulumi.Input<pulumi.Resource>[];
}

export class Provisioning extends pulumi.ComponentResource {
    readonly seedSteps: command.local.Command[];
    readonly runStep?: command.remote.Command;
    readonly runPrefix: pulumi.Output<string>;

    constructor(name: string, args: ProvisioningArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fraud-mlops:provisioning:Provisioning", name, {}, opts);
        const { seed, provisioning: settings, orchestrator } = args;
        const py = settings.python;
        const local = readTree(path.join(REPO_ROOT, LOCAL_SCRIPTS));
        const onVm = readTree(path.join(REPO_ROOT, VM_SCRIPTS));
        const s3Env = {
            S3_ENDPOINT: settings.s3Endpoint,
            S3_REGION: settings.s3Region,
            AWS_ACCESS_KEY_ID: pulumi.secret(args.storageAccessKeyId),
            AWS_SECRET_ACCESS_KEY: pulumi.secret(args.storageSecretKey),
        };

        // 1. Seed: one step per file, so the preview lists exactly the files that will be copied. The preview
        // shows the source locations in probe order; the step's log says which one answered.
        const sources = seed.sources.map(sourceArg).join(" ");
        const seedArgs = (file: string) => pulumi.interpolate`${py} ${LOCAL_SCRIPTS}/seed_raw.py ${sources} --target-bucket ${args.rawBucket} --target-prefix ${seed.targetPrefix} --file ${file}`;
        this.seedSteps = seed.files.map((file) => new command.local.Command(`seed-${file.replace(/\.txt$/, "")}`, {
            create: seedArgs(file),
            delete: args.allowDataDestroy ? pulumi.interpolate`${seedArgs(file)} --delete` : undefined,
            environment: s3Env,
            // What is copied, not how nor from where: a script edit or another source location must not
            // replace the step, because with a delete step a replacement deletes the 3 GB copy first. Such
            // a change re-runs the (idempotent) copy as an update, which copies only what differs.
            triggers: [sha256(JSON.stringify([seed.targetPrefix, file]))],
        }, {
            parent: this,
            customTimeouts: TIMEOUTS.seed,
            dependsOn: args.grants,
            // With a delete step, a replacement must delete the old copy before making the new one:
            // the default order (create, then delete) would remove the object the new step just kept.
            deleteBeforeReplace: true,
        }));

        // 2. Job code, content-addressed: the triggers carry the hash of every file the upload reads, by
        // name, so `pulumi preview --diff` (and the PR preview) names the job files that change.
        const jobFiles = { ...prefixKeys("fraud_jobs/", readTree(path.join(REPO_ROOT, "jobs", "fraud_jobs"))), ...prefixKeys("entrypoints/", readTree(path.join(REPO_ROOT, "jobs", "entrypoints"))) };
        const jobsHash = hashTree(jobFiles);
        const codeScriptHash = hashTree({ "deploy_code.py": local["deploy_code.py"], "s3_env.py": local["s3_env.py"] });
        // The login travels as a secret variable; its hash (secret too) re-uploads it when the password rotates.
        const credentials = pulumi.secret(args.mlflowClientCredentials);
        const code = new command.local.Command("deploy-job-code", {
            create: pulumi.interpolate`${py} ${LOCAL_SCRIPTS}/deploy_code.py --bucket ${args.codeBucket} --prefix ${settings.codePrefix} --jobs-dir jobs --mlflow-credentials-key ${mlflowCredentialsKey(settings.codePrefix)}`,
            environment: { ...s3Env, MLFLOW_CLIENT_CREDENTIALS: credentials },
            triggers: [fileHashes(jobFiles), codeScriptHash, pulumi.secret(credentials.apply(sha256))],
        }, { parent: this, customTimeouts: TIMEOUTS.code, dependsOn: args.grants });

        // 3. Orchestrator: scripts to the VM, wait for cloud-init, install files, compose up, health.
        const connection = {
            host: args.vm.publicIp,
            user: args.vm.user,
            privateKey: pulumi.secret(`${settings.sshPrivateKey ?? ""}\n`),
            // The VM may still be booting: keep dialing for a few minutes rather than fail at once.
            dialErrorLimit: 60,
            perDialTimeout: 15,
        };
        const vmDir = `/home/${args.vm.user}/fraud-mlops-provisioning`;
        const copies = Object.keys(onVm).sort().map((file) => new command.remote.CopyToRemote(`vm-script-${file.replace(/[^A-Za-z0-9-]/g, "-")}`, {
            connection,
            source: new pulumi.asset.FileAsset(path.join(REPO_ROOT, VM_SCRIPTS, file)),
            remotePath: `${vmDir}/${file}`,
            triggers: [sha256(onVm[file]), args.vm.instanceId],
        }, { parent: this, customTimeouts: TIMEOUTS.copy }));
        const cloudInit = new command.remote.Command("wait-cloud-init", {
            connection,
            create: `bash ${vmDir}/wait_cloud_init.sh`,
            triggers: [sha256(onVm["wait_cloud_init.sh"]), args.vm.instanceId],
        }, { parent: this, customTimeouts: TIMEOUTS.cloudInit, dependsOn: copies });

        const dagSources = readTree(path.join(REPO_ROOT, "jobs", "dags"));
        const bundle = pulumi.all([orchestrator.files, orchestrator.secretFiles]).apply(([files, secretFiles]): OrchestratorBundle => ({
            files: [...files, ...dagFiles(orchestrator.dagsDir, dagSources)],
            secretFiles,
            compose: { file: orchestrator.composeFile, ...(orchestrator.bootUnit ? { bootUnit: orchestrator.bootUnit } : {}) },
            health: healthChecks(orchestrator.airflowPort, orchestrator.mlflowPort),
        }));
        // MLflow starts here with the artifacts bucket: after the grants too.
        const deploy = new command.remote.Command("deploy-orchestrator", {
            connection,
            create: `sudo -n python3 ${vmDir}/deploy_orchestrator.py --root ${orchestrator.root}`,
            stdin: pulumi.secret(bundle.apply(renderBundle)),
            triggers: [bundle.apply(publicBundleHash), sha256(onVm["deploy_orchestrator.py"]), args.vm.instanceId],
        }, { parent: this, customTimeouts: TIMEOUTS.deploy, dependsOn: [cloudInit, ...copies, ...args.grants] });

        // 4. Run: only after seed, code, orchestrator and cluster; re-runs when any of their hashes change.
        const inputPrefix = pulumi.interpolate`s3a://${args.rawBucket}/${seed.targetPrefix}`;
        const params = inputPrefix.apply((prefix) => runParams(args.pipeline.runWindow, seed, prefix));
        const pipelineConfigHash = pulumi.output(orchestrator.files).apply((files) => sha256(files.find((f) => f.path === orchestrator.pipelineConfigFile)?.content ?? ""));
        const seedSetHash = sha256(JSON.stringify([seed.sources, seed.targetPrefix, seed.files]));
        const runTriggers = pulumi.all([jobsHash, hashTree(dagSources), pipelineConfigHash, seedSetHash, params.apply((p) => sha256(JSON.stringify(p))), sha256(onVm["run_pipeline.py"])]);
        this.runPrefix = runTriggers.apply(runPrefix);
        if (args.pipeline.runOnUp) {
            const airflowCli = `docker compose --project-directory ${path.posix.dirname(orchestrator.composeFile)} -f ${orchestrator.composeFile} exec -T ${orchestrator.airflowService} airflow`;
            const timeoutSeconds = args.pipeline.runTimeoutMinutes * 60;
            this.runStep = new command.remote.Command("run-pipeline", {
                connection,
                create: pulumi.interpolate`sudo -n python3 ${vmDir}/run_pipeline.py --dag ${PIPELINE_DAG} --run-prefix ${this.runPrefix} --airflow '${airflowCli}' --logs-dir ${orchestrator.airflowLogsDir} --dag-file ${orchestrator.dagsDir}/${PIPELINE_DAG}.py --timeout-seconds ${timeoutSeconds}`,
                stdin: params.apply((p) => JSON.stringify(p)),
                triggers: runTriggers,
            }, {
                parent: this,
                // The script gives up at the configured timeout and says so; the margin covers its own calls.
                customTimeouts: { create: `${args.pipeline.runTimeoutMinutes + 15}m`, update: `${args.pipeline.runTimeoutMinutes + 15}m` },
                dependsOn: [...this.seedSteps, code, deploy, ...args.grants, ...(args.clusterReady ?? [])] as pulumi.Input<pulumi.Resource>[],
            });
        }
        this.registerOutputs({ seededFiles: seed.files, runPrefix: this.runPrefix });
    }
}

/** `--source s3://bucket/prefix`: the seed script's spelling of one SeedSource. */
export function sourceArg(source: SeedSource): string {
    return `--source s3://${source.bucket}/${source.prefix}`;
}

function prefixKeys(prefix: string, files: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(files).map(([key, value]) => [prefix + key, value]));
}
