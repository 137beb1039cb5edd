// Wires the components together. Configuration is read and validated once, before any resource.
import * as pulumi from "@pulumi/pulumi";
import * as yandex from "@pulumi/yandex";
import { loadConfig } from "./infra/config";
import { needsPersistentCluster } from "./infra/config/pipeline";
import { DataprocCluster } from "./infra/dataproc";
import { Identity } from "./infra/identity";
import { Network } from "./infra/network";
import { PORTS } from "./infra/network/rules";
import { masterTunnelCommand, OrchestratorServiceFiles, OrchestratorVm, uiEndpoints, uiTunnelCommand, VM_LAYOUT, VM_USER } from "./infra/orchestrator";
import { clusterSpecOf } from "./infra/orchestrator/services";
import { Storage } from "./infra/storage";
import { Provisioning } from "./infra/provisioning";
import { CostLedger } from "./infra/cost/stack-output";
import { costSettingsOf } from "./infra/cost/stack-estimate";

const config = loadConfig();
const costLedger = new CostLedger(); // records every resource declared below, for monthlyCostRub
const namePrefix = `${config.project}-${config.stack}`;
const labels = { project: config.project, stack: config.stack };

const provider = new yandex.Provider("yandex", {
    cloudId: config.provider.cloudId,
    folderId: config.provider.folderId,
    zone: config.provider.zone,
    token: config.provider.token ? pulumi.secret(config.provider.token) : undefined,
    serviceAccountKeyFile: config.provider.serviceAccountKeyFile,
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
    config: config.storage,
    protect: config.protect,
}, withProvider);

const clusterSecurityGroupIds = [network.dataprocSecurityGroupId, network.clusterMembersSecurityGroupId];
const cluster = needsPersistentCluster(config.pipeline)
    ? new DataprocCluster("dataproc", {
        name: `${namePrefix}-dataproc`,
        config: config.dataproc,
        zone: network.zone,
        subnetId: network.subnetId,
        securityGroupIds: clusterSecurityGroupIds,
        serviceAccountId: identity.serviceAccountIds.cluster,
        logsBucket: storage.bucketNames.logs,
        sshPublicKey: config.sshPublicKey,
        labels,
        protect: config.protect,
    }, { ...withProvider, dependsOn: identity.grants })
    : undefined;

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
}, { ...withProvider, dependsOn: identity.grants });

// After the resources: seed the raw data, deploy job code and orchestrator, run the pipeline (README "Provisioning").
// The VM serves the cloud modes; pipeline.mode local runs on the operator's machine (scripts/demo.sh).
const provisionsVm = config.provisioning.enabled && config.pipeline.mode !== "local";
const services = provisionsVm ? new OrchestratorServiceFiles("orchestrator-services", {
    pipeline: config.pipeline,
    seed: config.seed,
    dataproc: config.dataproc,
    codePrefix: config.provisioning.codePrefix,
    s3Endpoint: config.provisioning.s3Endpoint,
    s3Region: config.provisioning.s3Region,
    ports: { airflow: PORTS.airflow, mlflow: PORTS.mlflow },
    access: config.orchestrator.access,
    buckets: storage.bucketNames,
    storageAccessKeyId: identity.storageAccessKeyId,
    storageSecretKey: identity.storageSecretKey,
    vm: { publicIp: vm.publicIp, internalIp: vm.internalIp },
    cluster: {
        clusterId: cluster?.clusterId,
        folderId: config.provider.folderId,
        zone: network.zone,
        subnetId: network.subnetId,
        serviceAccountId: identity.serviceAccountIds.cluster,
        securityGroupIds: clusterSecurityGroupIds,
        sshPublicKey: config.sshPublicKey,
        labels,
    },
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
    mlflowClientCredentials: services.mlflowClientCredentials,
    vm: { publicIp: vm.publicIp, instanceId: vm.instanceId, user: VM_USER },
    orchestrator: { ...VM_LAYOUT, files: services.files, secretFiles: services.secretFiles, airflowPort: PORTS.airflow, mlflowPort: PORTS.mlflow },
    clusterReady: cluster ? [cluster] : [],
}) : undefined;

export const pipelineMode = config.pipeline.mode;
export const bucketNames = storage.bucketNames;
export const clusterId = cluster ? cluster.clusterId : null;
// The Data Proc resource does not expose host names: the CLI lists them once the cluster runs.
const masterFqdnCommand = cluster ? pulumi.interpolate`yc dataproc cluster list-hosts --id ${cluster.clusterId} --format json | jq -r '.[] | select(.role == "MASTERNODE") | .name'` : undefined;
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
export const serviceAccountIds = identity.serviceAccountIds;
export const kmsKeyId = identity.kmsKeyId;
export const networkId = network.networkId;
export const subnetId = network.subnetId;
export const storageAccessKeyId = identity.storageAccessKeyId;
export const storageSecretKey = identity.storageSecretKey;
// The cluster spec the DAG's pipeline.json carries (the same function renders both): what Airflow creates
// per run in ephemeral mode, and the persistent cluster's settings otherwise.
export const dataprocClusterTemplate = pulumi
    .all([network.subnetId, identity.serviceAccountIds.cluster, pulumi.all(clusterSecurityGroupIds), storage.bucketNames.logs])
    .apply(([subnetId, serviceAccountId, securityGroupIds, bucket]) => clusterSpecOf(config.dataproc, {
        folderId: config.provider.folderId,
        zone: network.zone,
        subnetId,
        serviceAccountId,
        securityGroupIds,
        bucket,
        sshPublicKeys: [config.sshPublicKey],
        labels,
    }));
export const seededFiles = config.seed.files;
export const pipelineRunPrefix = provisioning ? provisioning.runPrefix : null;
export const monthlyCostRub = costLedger.monthlyTotalRub(costSettingsOf(config));
