// The persistent Data Proc cluster (pipeline mode `persistent`), built from the same spec Airflow's
// per-run clusters use (./spec.ts).
import * as pulumi from "@pulumi/pulumi";
import * as yandex from "@pulumi/yandex";
import { DataprocClusterSpec, subclusters, UI_PROXY } from "./spec";
import { DataprocConfig } from "../config/dataproc";

export interface DataprocClusterArgs {
    readonly name: string;
    readonly config: DataprocConfig;
    readonly spec: pulumi.Output<DataprocClusterSpec>;
    /** Pulumi `protect` (fraud-mlops:protect): also turns on the cluster's deletionProtection; production stacks must set it. */
    readonly protect: boolean;
}

export class DataprocCluster extends pulumi.ComponentResource {
    readonly clusterId: pulumi.Output<string>;

    constructor(name: string, args: DataprocClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fraud-mlops:infra:DataprocCluster", name, {}, opts);
        const { config, spec } = args;
        const cluster = new yandex.DataprocCluster("cluster", {
            name: args.name,
            description: "Cleans raw transactions and trains the fraud model",
            zoneId: spec.zone,
            serviceAccountId: spec.serviceAccountId,
            bucket: spec.bucket,
            securityGroupIds: spec.securityGroupIds.apply((ids) => [...ids]),
            uiProxy: UI_PROXY,
            deletionProtection: config.deletionProtection || args.protect,
            labels: spec.labels.apply((labels) => ({ ...labels })),
            clusterConfig: {
                versionId: spec.imageVersion,
                hadoop: {
                    services: spec.services.apply((services) => [...services]),
                    properties: spec.properties.apply((properties) => ({ ...properties })),
                    sshPublicKeys: spec.sshPublicKeys.apply((keys) => [...keys]),
                },
                // Subcluster sizes come from the config the spec was built from (one source: subclusters()).
                subclusterSpecs: spec.subnetId.apply((subnetId) => subclusters(config).map(({ name, role, resourcePresetId, diskTypeId, diskSize, hostsCount, assignPublicIp }) => ({
                    name,
                    role,
                    resources: { resourcePresetId, diskTypeId, diskSize },
                    subnetId,
                    hostsCount,
                    assignPublicIp,
                }))),
            },
        }, { parent: this, dependsOn: opts?.dependsOn, protect: args.protect });
        this.clusterId = cluster.id;
        this.registerOutputs({ clusterId: this.clusterId });
    }
}
