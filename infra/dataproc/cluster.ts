// The persistent Data Proc cluster (pipeline mode `persistent`), built from the same spec Airflow's
// per-run clusters use (./spec.ts).
import * as pulumi from "@pulumi/pulumi";
import * as yandex from "@pulumi/yandex";
import { DataprocClusterSpec, subclusters, UI_PROXY } from "./spec";
import { DataprocConfig } from "../config/dataproc";
import { JUPYTER_INIT_KEY, jupyterInitAction, jupyterInitScript } from "./jupyter";

/** Where the persistent cluster's initialization actions are uploaded from (dataproc.jupyterLab). */
export interface InitScriptStore {
    readonly codeBucket: pulumi.Input<string>;
    /** The storage account's static key (it writes the code bucket); secrets. */
    readonly accessKey: pulumi.Input<string>;
    readonly secretKey: pulumi.Input<string>;
}

export interface DataprocClusterArgs {
    readonly name: string;
    readonly config: DataprocConfig;
    readonly spec: pulumi.Output<DataprocClusterSpec>;
    /** Pulumi `protect` (fraud-mlops:protect): also turns on the cluster's deletionProtection; production stacks must set it. */
    readonly protect: boolean;
    /** Needed when config.jupyterLab is on: the init script is uploaded there before the cluster exists. */
    readonly initScripts?: InitScriptStore;
}

export class DataprocCluster extends pulumi.ComponentResource {
    readonly clusterId: pulumi.Output<string>;

    constructor(name: string, args: DataprocClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fraud-mlops:infra:DataprocCluster", name, {}, opts);
        const { config, spec } = args;
        const initActions = config.jupyterLab ? [uploadJupyterInit(this, args.initScripts, opts?.dependsOn)] : [];
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
                    // Run once, at creation, on every host (the script acts on the master only); a change
                    // of this list replaces the cluster.
                    initializationActions: initActions,
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

/**
 * The JupyterLab script as an object of the code bucket, and the action that runs it. The action's URI is
 * read from the object's outputs, so the cluster waits for the upload.
 */
function uploadJupyterInit(parent: pulumi.Resource, store: InitScriptStore | undefined, dependsOn: pulumi.ResourceOptions["dependsOn"]) {
    if (!store) throw new Error("dataproc.jupyterLab needs initScripts (the code bucket and the storage key)");
    const object = new yandex.StorageObject("jupyterlab-init", {
        bucket: store.codeBucket,
        key: JUPYTER_INIT_KEY,
        content: jupyterInitScript(),
        contentType: "text/x-shellscript",
        accessKey: store.accessKey,
        secretKey: store.secretKey,
    }, { parent, dependsOn });
    return object.bucket.apply(jupyterInitAction);
}
