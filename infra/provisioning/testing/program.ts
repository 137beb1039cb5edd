// A Pulumi program that declares only the Provisioning component, for its tests under the offline runner
// (tools/offline, mocks). Config comes from the run (seed, pipeline, provisioning, sshPrivateKey); the
// other inputs are fixed stand-ins whose secret values are the sentinels of SENTINELS.
import * as pulumi from "@pulumi/pulumi";
import { parsePipeline } from "../../config/pipeline";
import { parseSeedForRun } from "../../config/pipeline-run";
import { projectConfig } from "../../config";
import { parseProvisioning } from "../../config/seed";
import { Provisioning } from "..";
import { SENTINELS, TEST_ORCHESTRATOR } from "./fixtures";

const recorded: Record<string, { customTimeouts?: unknown; deleteBeforeReplace?: boolean }> = {};
// The offline runner records dependsOn; timeouts and replacement order are recorded here.
pulumi.runtime.registerStackTransformation((args) => {
    const opts = args.opts as pulumi.CustomResourceOptions;
    recorded[args.name] = { customTimeouts: opts.customTimeouts, deleteBeforeReplace: opts.deleteBeforeReplace };
    return undefined;
});

const raw = projectConfig(pulumi.runtime.allConfig());
const cluster = new pulumi.CustomResource("test:index:DataprocCluster", "cluster", {});
const provisioning = new Provisioning("provisioning", {
    seed: parseSeedForRun(raw),
    provisioning: parseProvisioning(raw),
    pipeline: parsePipeline(raw),
    allowDataDestroy: raw["allowDataDestroy"] === "true",
    rawBucket: "fraud-mlops-dev-raw-test",
    codeBucket: "fraud-mlops-dev-code-test",
    storageAccessKeyId: pulumi.secret(SENTINELS.accessKeyId),
    storageSecretKey: pulumi.secret(SENTINELS.secretKey),
    vm: { publicIp: "203.0.113.10", instanceId: "vm-test-id", user: "ubuntu" },
    orchestrator: {
        ...TEST_ORCHESTRATOR,
        files: [
            { path: TEST_ORCHESTRATOR.composeFile, content: "services: {}\n", mode: 0o644 },
            { path: TEST_ORCHESTRATOR.pipelineConfigFile, content: raw["testPipelineJson"] ?? "{}", mode: 0o644 },
        ],
        secretFiles: pulumi.secret([{ path: "/opt/fraud-mlops/secrets/airflow.env", content: `AIRFLOW_DB_PASSWORD=${SENTINELS.servicePassword}\n`, mode: 0o600 }]),
    },
    clusterReady: [cluster],
});

export const options = recorded;
export const runPrefix = provisioning.runPrefix;
