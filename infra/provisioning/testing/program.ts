// A Pulumi program that declares only the Provisioning component, for its tests under the offline runner
// (tools/offline, mocks). Config comes from the run (seed, pipeline, provisioning, sshPrivateKey); the
// other inputs are fixed stand-ins whose secret values are the sentinels of SENTINELS.
import * as pulumi from "@pulumi/pulumi";
import { parsePipeline } from "../../config/pipeline";
import { parseSeedForRun } from "../../config/pipeline-run";
import { projectConfig } from "../../config";
import { parseProvisioning } from "../../config/seed";
import { Provisioning } from "..";
import { OrchestratorServiceFiles, VM_LAYOUT } from "../../orchestrator";
import { airflowClusterTemplate, clusterSpecOf } from "../../dataproc/spec";
import { parseDataproc } from "../../config/dataproc";
import { jobSparkProperties } from "../../dataproc/sizing";
import { SENTINELS } from "./fixtures";

const recorded: Record<string, { customTimeouts?: unknown; deleteBeforeReplace?: boolean }> = {};
// The offline runner records dependsOn; timeouts and replacement order are recorded here.
pulumi.runtime.registerStackTransformation((args) => {
    const opts = args.opts as pulumi.CustomResourceOptions;
    recorded[args.name] = { customTimeouts: opts.customTimeouts, deleteBeforeReplace: opts.deleteBeforeReplace };
    return undefined;
});

const raw = projectConfig(pulumi.runtime.allConfig());
class StandIn extends pulumi.CustomResource {}
const cluster = new StandIn("test:index:DataprocCluster", "cluster", {});
// What Identity/Storage expose as their grants: a storage role and the KMS key user binding.
export const GRANT_NAMES = ["storage-bucket-acl", "storage-data-key-user"];
const grants = GRANT_NAMES.map((name) => new StandIn("test:index:IamMember", name, {}));
const services = new OrchestratorServiceFiles("orchestrator-services", {
    pipeline: parsePipeline(raw),
    seed: parseSeedForRun(raw),
    jobProperties: jobSparkProperties(parseDataproc({}).data),
    codePrefix: "jobs/",
    s3Endpoint: "https://storage.yandexcloud.net",
    s3Region: "ru-central1",
    ports: { airflow: 8080, mlflow: 5000 },
    access: { tls: false },
    buckets: { raw: "fraud-mlops-dev-raw-test", cleaned: "c-test", code: "fraud-mlops-dev-code-test", mlflow: "m-test", logs: "l-test" },
    storageAccessKeyId: pulumi.secret(SENTINELS.accessKeyId),
    storageSecretKey: pulumi.secret(SENTINELS.secretKey),
    vm: { publicIp: "203.0.113.10", internalIp: "10.10.0.10" },
    cluster: {
        clusterId: cluster.id,
        template: airflowClusterTemplate(clusterSpecOf(parseDataproc({}), {
            folderId: "b1gtest", zone: "ru-central1-a", subnetId: "e9btest", serviceAccountId: "ajetest", securityGroupIds: ["enptest"],
            bucket: "l-test", sshPublicKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITestOnly test"], labels: {},
        })),
    },
});
const provisioning = new Provisioning("provisioning", {
    seed: parseSeedForRun(raw),
    provisioning: parseProvisioning(raw),
    pipeline: parsePipeline(raw),
    allowDataDestroy: raw["allowDataDestroy"] === "true",
    rawBucket: "fraud-mlops-dev-raw-test",
    codeBucket: "fraud-mlops-dev-code-test",
    storageAccessKeyId: pulumi.secret(SENTINELS.accessKeyId),
    storageSecretKey: pulumi.secret(SENTINELS.secretKey),
    grants,
    mlflowClientCredentials: services.mlflowClientCredentials,
    vm: { publicIp: "203.0.113.10", instanceId: "vm-test-id", user: "ubuntu" },
    orchestrator: { ...VM_LAYOUT, airflowPort: 8080, mlflowPort: 5000, files: services.files, secretFiles: services.secretFiles },
    clusterReady: [cluster],
});

export const options = recorded;
export const runPrefix = provisioning.runPrefix;
