// Hand-built resources shaped like the program's, for policy and estimator tests that must not depend on
// the Pulumi program: one compliant example of each kind the policies look at.
import { TYPES } from "../infra/cost/estimate";
import type { PolicyTarget } from "./testing";

export const compliantBucket: PolicyTarget = {
    type: TYPES.bucket, name: "cleaned", inputs: {
        bucket: "fraud-cleaned-abc", defaultStorageClass: "STANDARD",
        anonymousAccessFlags: { read: false, list: false, configRead: false },
        serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "key-id" } } },
    },
};

export const compliantSecurityGroup: PolicyTarget = {
    type: TYPES.securityGroup, name: "cluster-sg", inputs: {
        ingresses: [
            { protocol: "ANY", fromPort: 0, toPort: 65535, predefinedTarget: "self_security_group" },
            { protocol: "TCP", port: 22, v4CidrBlocks: ["203.0.113.0/24"] },
            { protocol: "TCP", port: 443, v4CidrBlocks: ["203.0.113.0/24"] },
        ],
        egresses: [{ protocol: "TCP", port: 443, v4CidrBlocks: ["0.0.0.0/0"] }],
    },
};

export const compliantInstance: PolicyTarget = {
    type: TYPES.instance, name: "orchestrator", inputs: {
        platformId: "standard-v3", resources: { cores: 2, memory: 8, coreFraction: 100 },
        bootDisk: { initializeParams: { size: 30, type: "network-ssd" } },
        networkInterfaces: [{ subnetId: "subnet", nat: true }],
        metadata: { "ssh-keys": "ubuntu:ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA admin", "user-data": "#cloud-config\npackages: [docker.io]\n" },
    },
};

export const compliantCluster: PolicyTarget = {
    type: TYPES.dataproc, name: "spark", inputs: {
        deletionProtection: false,
        clusterConfig: {
            versionId: "2.1",
            hadoop: { services: ["HDFS", "YARN", "SPARK"], sshPublicKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA admin"] },
            subclusterSpecs: [
                { name: "master", role: "MASTERNODE", hostsCount: 1, assignPublicIp: true, resources: { resourcePresetId: "s3-c2-m8", diskTypeId: "network-ssd", diskSize: 40 } },
                { name: "data", role: "DATANODE", hostsCount: 3, resources: { resourcePresetId: "s3-c4-m16", diskTypeId: "network-ssd", diskSize: 128 } },
            ],
        },
    },
};

export const compliantResources: readonly PolicyTarget[] = [
    { type: TYPES.kmsKey, name: "storage-key", inputs: { defaultAlgorithm: "AES_256" } },
    compliantBucket, compliantSecurityGroup, compliantInstance, compliantCluster,
];

/** A deep copy with one field changed, for the deliberately broken variants. */
export function withInput(resource: PolicyTarget, mutate: (inputs: any) => void, extra: Partial<PolicyTarget> = {}): PolicyTarget {
    const inputs = structuredClone(resource.inputs);
    mutate(inputs);
    return { ...resource, ...extra, inputs };
}
