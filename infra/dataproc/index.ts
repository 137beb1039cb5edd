// Data Proc: the cluster placement and spec (built once here), the persistent cluster in `persistent` mode,
// the template Airflow creates per-run clusters from, and a destroy-time step that deletes every cluster
// Airflow created for this stack (a failed delete, a VM stopped mid-run, or a destroy during a run leaves
// billed clusters holding the subnet and security groups).
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { DataprocConfig } from "../config/dataproc";
import { HostPlacement } from "../network/placement";
import { DataprocCluster, InitScriptStore } from "./cluster";
import { airflowClusterLabels, airflowClusterTemplate, clusterSpecOf, DataprocClusterSpec, DataprocPlacement } from "./spec";

export { DataprocCluster, InitScriptStore } from "./cluster";
export { JUPYTER_PORT } from "./jupyter";
export { DataprocClusterSpec, DataprocPlacement } from "./spec";
export { jobSparkProperties, JobSparkProperties } from "./sizing";

/** Relative to the project root, where Pulumi runs local commands. */
export const CLEANUP_SCRIPT = "infra/dataproc/scripts/delete_airflow_clusters.py";
/** Deleting a cluster takes minutes; the script gives up after this and says which clusters remain. */
export const CLEANUP_TIMEOUT_MINUTES = 30;

export interface DataprocArgs extends Omit<HostPlacement, "sshPublicKey"> {
    readonly folderId: string;
    readonly config: DataprocConfig;
    /** Pipeline mode `persistent`: declare the Pulumi-managed cluster. */
    readonly persistent: boolean;
    /** Cluster bucket (job driver output). */
    readonly bucket: pulumi.Input<string>;
    readonly sshPublicKey: string;
    /** Interpreter of the destroy-time cleanup (fraud-mlops:provisioning.python: the same the provisioning steps use). */
    readonly python: string;
    /** Pulumi `protect` (fraud-mlops:protect). */
    readonly protect: boolean;
    /** Where the persistent cluster's initialization actions (JupyterLab) are uploaded. */
    readonly initScripts: InitScriptStore;
}

/**
 * The command that deletes, at destroy, every cluster with `labels`. Pure; credentials come from the
 * environment of the pulumi command (YC_TOKEN / YC_SERVICE_ACCOUNT_KEY_FILE), never from its text.
 */
export function cleanupCommand(python: string, folderId: string, labels: Readonly<Record<string, string>>): string {
    const selectors = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)).map(([key, value]) => `--label ${key}=${value}`);
    return [python, CLEANUP_SCRIPT, "--folder-id", folderId, ...selectors, "--timeout-minutes", String(CLEANUP_TIMEOUT_MINUTES)].join(" ");
}

export class Dataproc extends pulumi.ComponentResource {
    /** Where clusters go and as whom they run, resolved once. */
    readonly placement: pulumi.Output<DataprocPlacement>;
    /** The stack's cluster spec (the persistent cluster is built from it). */
    readonly spec: pulumi.Output<DataprocClusterSpec>;
    /** The spec labelled for the cleanup: what Airflow creates in ephemeral mode (pipeline.json). */
    readonly template: pulumi.Output<DataprocClusterSpec>;
    readonly cluster?: DataprocCluster;
    readonly clusterId?: pulumi.Output<string>;
    /**
     * Runs only at delete. Resources declared with dependsOn on it (the orchestrator VM, so Airflow cannot
     * create a cluster after it ran) are deleted before it; what it depends on (network, accounts, buckets)
     * after it.
     */
    readonly cleanup: command.local.Command;

    constructor(name: string, args: DataprocArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fraud-mlops:infra:Dataproc", name, {}, opts);
        this.placement = pulumi.all([args.subnetId, args.serviceAccountId, pulumi.all(args.securityGroupIds), args.bucket])
            .apply(([subnetId, serviceAccountId, securityGroupIds, bucket]): DataprocPlacement => ({
                folderId: args.folderId,
                zone: args.zone,
                subnetId,
                serviceAccountId,
                securityGroupIds,
                bucket,
                sshPublicKeys: [args.sshPublicKey],
                labels: args.labels,
            }));
        this.spec = this.placement.apply((placement) => clusterSpecOf(args.config, placement));
        this.template = this.spec.apply(airflowClusterTemplate);

        if (args.persistent) {
            this.cluster = new DataprocCluster(name, { name: args.name, config: args.config, spec: this.spec, protect: args.protect, initScripts: args.initScripts }, { parent: this, dependsOn: opts?.dependsOn });
            this.clusterId = this.cluster.clusterId;
        }

        // No create and no triggers: an `up` never runs it, and no input change replaces it (a replacement
        // would run the delete and remove a running pipeline's cluster).
        this.cleanup = new command.local.Command("delete-airflow-clusters", {
            delete: cleanupCommand(args.python, args.folderId, airflowClusterLabels(args.labels)),
        }, { parent: this, dependsOn: opts?.dependsOn, customTimeouts: { delete: `${CLEANUP_TIMEOUT_MINUTES + 10}m` } });

        this.registerOutputs({ placement: this.placement, template: this.template, clusterId: this.clusterId });
    }
}
