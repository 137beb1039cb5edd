// Wires the components together. Configuration is read and validated once, before any resource.
import * as pulumi from "@pulumi/pulumi";
import * as yandex from "@pulumi/yandex";
// Imports only each folder's index.ts (its public surface).
import { loadConfig, needsPersistentCluster } from "./infra/config";
import { Dataproc, JUPYTER_PORT, jobSparkProperties } from "./infra/dataproc";
import { Identity } from "./infra/identity";
import { Network, PORTS } from "./infra/network";
import { jumpTunnelCommand, masterTunnelCommand, OrchestratorServiceFiles, OrchestratorVm, uiEndpoints, uiTunnelCommand, VM_LAYOUT, VM_USER } from "./infra/orchestrator";
import { Storage } from "./infra/storage";
import { Provisioning } from "./infra/provisioning";
import { CostLedger, costSettingsOf } from "./infra/cost";

const config = loadConfig();
// Job sizes follow the data hosts; computed here so a cluster too small for driver + executor fails before any resource.
const jobProperties = jobSparkProperties(config.dataproc.data);
const costLedger = new CostLedger(); // records every resource declared below, for monthlyCostRub
const namePrefix = `${config.project}-${config.stack}`;
const labels = { project: config.project, stack: config.stack };

// No credential here: the provider reads YC_TOKEN / YC_SERVICE_ACCOUNT_KEY_FILE from its environment at
// run time, so none lands in the state and `pulumi destroy` uses the caller's (infra/config/provider.ts).
const provider = new yandex.Provider("yandex", {
    cloudId: config.provider.cloudId,
    folderId: config.provider.folderId,
    zone: config.provider.zone,
});
const withProvider = { providers: [provider] };

const network = new Network("network", { namePrefix, config: config.network, orchestratorTlsProxy: config.orchestrator.access.tls }, withProvider);
const identity = new Identity("identity", {
    namePrefix,
    folderId: config.provider.folderId,
    mode: config.pipeline.mode,
    retainKey: !config.storage.allowDataDestroy,
    protect: config.protect,
}, withProvider);
const storage = new Storage("storage", {
    project: config.project,
    stack: config.stack,
    folderId: config.provider.folderId,
    kmsKeyId: identity.kmsKeyId,
    accessGrants: identity.bucketGrants,
    config: config.storage,
    protect: config.protect,
}, withProvider);

const dataproc = new Dataproc("dataproc", {
    name: `${namePrefix}-dataproc`,
    folderId: config.provider.folderId,
    config: config.dataproc,
    persistent: needsPersistentCluster(config.pipeline),
    zone: network.zone,
    subnetId: network.subnetId,
    securityGroupIds: [network.dataprocSecurityGroupId, network.clusterMembersSecurityGroupId],
    serviceAccountId: identity.serviceAccountIds.cluster,
    bucket: storage.bucketNames.logs,
    sshPublicKey: config.sshPublicKey,
    labels,
    python: config.provisioning.python,
    protect: config.protect,
    initScripts: { codeBucket: storage.bucketNames.code, accessKey: identity.storageAccessKeyId, secretKey: identity.storageSecretKey },
}, { ...withProvider, dependsOn: [network, ...identity.grants, ...storage.grants] });

const vm = new OrchestratorVm("orchestrator", {
    name: `${namePrefix}-orchestrator`,
    config: config.orchestrator,
    zone: network.zone,
    subnetId: network.subnetId,
    securityGroupIds: [network.orchestratorSecurityGroupId],
    serviceAccountId: identity.serviceAccountIds.orchestrator,
    sshPublicKey: config.sshPublicKey,
    labels,
    protect: config.protect,
    // The cleanup of Airflow's clusters runs at destroy only after this VM (and Airflow on it) is gone.
}, { ...withProvider, dependsOn: [...identity.grants, dataproc.cleanup] });

// After the resources: seed the raw data, deploy job code and orchestrator, run the pipeline (infra/provisioning/README.md).
// The VM serves the cloud modes; pipeline.mode local runs on the operator's machine (scripts/demo.sh).
const provisionsVm = config.provisioning.enabled && config.pipeline.mode !== "local";
const services = provisionsVm ? new OrchestratorServiceFiles("orchestrator-services", {
    pipeline: config.pipeline,
    seed: config.seed,
    jobProperties,
    codePrefix: config.provisioning.codePrefix,
    s3Endpoint: config.provisioning.s3Endpoint,
    s3Region: config.provisioning.s3Region,
    ports: { airflow: PORTS.airflow, mlflow: PORTS.mlflow },
    access: config.orchestrator.access,
    buckets: storage.bucketNames,
    storageAccessKeyId: identity.storageAccessKeyId,
    storageSecretKey: identity.storageSecretKey,
    vm: { publicIp: vm.publicIp, internalIp: vm.internalIp },
    cluster: { clusterId: dataproc.clusterId, template: dataproc.template },
}) : undefined;
const provisioning = services ? new Provisioning("provisioning", {
    seed: config.seed,
    provisioning: config.provisioning,
    pipeline: config.pipeline,
    allowDataDestroy: config.storage.allowDataDestroy,
    rawBucket: storage.bucketNames.raw,
    codeBucket: storage.bucketNames.code,
    storageAccessKeyId: identity.storageAccessKeyId,
    storageSecretKey: identity.storageSecretKey,
    // The storage and KMS grants (and the cluster/VM roles the run uses): the steps wait for them.
    grants: [...identity.grants, ...storage.grants],
    mlflowClientCredentials: services.mlflowClientCredentials,
    vm: { publicIp: vm.publicIp, instanceId: vm.instanceId, user: VM_USER },
    orchestrator: { ...VM_LAYOUT, files: services.files, secretFiles: services.secretFiles, airflowPort: PORTS.airflow, mlflowPort: PORTS.mlflow },
    clusterReady: dataproc.cluster ? [dataproc.cluster] : [],
}) : undefined;

export const pipelineMode = config.pipeline.mode;
export const bucketNames = storage.bucketNames;
export const clusterId = dataproc.clusterId ?? null;
// The Data Proc resource does not expose host names: the CLI lists them once the cluster runs.
const masterFqdnCommand = dataproc.clusterId ? pulumi.interpolate`yc dataproc cluster list-hosts --id ${dataproc.clusterId} --format json | jq -r '.[] | select(.role == "MASTERNODE") | .name'` : undefined;
export const masterFqdnLookup = masterFqdnCommand ?? null;
export const vmPublicIp = vm.publicIp;
// Access (infra/orchestrator/README.md "Access"): by default only SSH is reachable, and uiTunnel opens both
// UIs on localhost; with orchestrator.tls.enabled the TLS proxy serves them on 443 (check the fingerprint).
const uiPorts = { airflow: PORTS.airflow, mlflow: PORTS.mlflow };
const endpoints = vm.publicIp.apply((ip) => uiEndpoints(config.orchestrator.access, ip, uiPorts));
export const airflowUrl = endpoints.airflowUrl;
export const mlflowUrl = endpoints.mlflowUrl;
export const uiTunnel = vm.publicIp.apply((ip) => uiTunnelCommand(VM_USER, ip, uiPorts));
export const tlsCertificateSha256 = services ? services.proxyCertificateSha256.apply((fingerprint) => fingerprint ?? null) : null;
export const mlflowInternalUrl = pulumi.interpolate`http://${vm.internalIp}:${PORTS.mlflow}`;
export const sshVm = pulumi.interpolate`ssh ${VM_USER}@${vm.publicIp}`;
// Cluster hosts have no public address by default: the VM is the jump host.
export const sshMaster = masterFqdnCommand ? pulumi.interpolate`ssh -J ${VM_USER}@${vm.publicIp} ${VM_USER}@$(${masterFqdnCommand})` : null;
export const masterUiTunnel = masterFqdnCommand
    ? pulumi.all([vm.publicIp, masterFqdnCommand]).apply(([ip, lookup]) => masterTunnelCommand(VM_USER, ip, `$(${lookup})`))
    : null;
// JupyterLab on the master's loopback (dataproc.jupyterLab): this tunnel, then http://localhost:8888/ with the
// token `jupyter server list` prints on the master (infra/dataproc/README.md "JupyterLab").
export const jupyterLabTunnel = masterFqdnCommand && config.dataproc.jupyterLab
    ? pulumi.all([vm.publicIp, masterFqdnCommand]).apply(([ip, lookup]) => jumpTunnelCommand(VM_USER, ip, `$(${lookup})`, [JUPYTER_PORT]))
    : null;
export const serviceAccountIds = identity.serviceAccountIds;
export const kmsKeyId = identity.kmsKeyId;
export const networkId = network.networkId;
export const subnetId = network.subnetId;
export const storageAccessKeyId = identity.storageAccessKeyId;
export const storageSecretKey = identity.storageSecretKey;
// The cluster spec the DAG's pipeline.json carries (the same object): what Airflow creates per run in
// ephemeral mode, and the persistent cluster's settings otherwise.
export const dataprocClusterTemplate = dataproc.template;
export const seededFiles = config.seed.files;
export const pipelineRunPrefix = provisioning ? provisioning.runPrefix : null;
export const monthlyCostRub = costLedger.monthlyTotalRub(costSettingsOf(config));
