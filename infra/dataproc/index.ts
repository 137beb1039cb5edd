// The persistent Data Proc cluster (pipeline mode `persistent`).
import * as pulumi from "@pulumi/pulumi";
import * as yandex from "@pulumi/yandex";
import { HostPlacement } from "../network/placement";
import { DataprocConfig } from "../config/dataproc";
import { clusterProperties, DATAPROC_SERVICES, subclusters } from "./spec";

export interface DataprocArgs extends HostPlacement {
    readonly config: DataprocConfig;
    readonly logsBucket: pulumi.Input<string>;
    /** Pulumi `protect` (fraud-mlops:protect): also turns on the cluster's deletionProtection; production stacks must set it. */
    readonly protect: boolean;
}

export class DataprocCluster extends pulumi.ComponentResource {
    readonly clusterId: pulumi.Output<string>;

    constructor(name: string, args: DataprocArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fraud-mlops:infra:DataprocCluster", name, {}, opts);
        const { config } = args;
        const cluster = new yandex.DataprocCluster("cluster", {
            name: args.name,
            description: "Cleans raw transactions and trains the fraud model",
            zoneId: args.zone,
            serviceAccountId: args.serviceAccountId,
            bucket: args.logsBucket,
            securityGroupIds: args.securityGroupIds,
            uiProxy: true,
            deletionProtection: config.deletionProtection || args.protect,
            labels: args.labels,
            clusterConfig: {
                versionId: config.imageVersion,
                hadoop: {
                    services: [...DATAPROC_SERVICES],
                    properties: clusterProperties(config),
                    sshPublicKeys: [args.sshPublicKey],
                },
                subclusterSpecs: subclusters(config).map(({ name, role, resourcePresetId, diskTypeId, diskSize, hostsCount, assignPublicIp }) => ({
                    name,
                    role,
                    resources: { resourcePresetId, diskTypeId, diskSize },
                    subnetId: args.subnetId,
                    hostsCount,
                    assignPublicIp,
                })),
            },
        }, { parent: this, dependsOn: opts?.dependsOn, protect: args.protect });
        this.clusterId = cluster.id;
        this.registerOutputs({ clusterId: this.clusterId });
    }
}
