// The orchestrator VM: Ubuntu LTS with Docker (cloud-init), running Airflow and MLflow.
import * as pulumi from "@pulumi/pulumi";
import * as yandex from "@pulumi/yandex";
import { HostPlacement } from "../network/placement";
import { OrchestratorVmConfig } from "../config/orchestrator";
import { renderCloudInit } from "./cloud-init";
import { VM_USER } from "./paths";

export { VM_USER } from "./paths";
export { jumpTunnelCommand, masterTunnelCommand, MASTER_UI_PORTS, uiEndpoints, uiTunnelCommand } from "./access";
export { mlflowCredentialsKey, OrchestratorServiceFiles, pipelineConfigInput, SERVICE_DEFAULTS, ServiceFilesArgs, VM_LAYOUT } from "./service-files";

export interface OrchestratorVmArgs extends HostPlacement {
    readonly config: OrchestratorVmConfig;
    /** Pulumi `protect` (fraud-mlops:protect): the VM holds Airflow's and MLflow's databases. The SDK's
     *  ComputeInstance has no deletionProtection argument, so `protect` is the only guard. */
    readonly protect: boolean;
}

// The image id is resolved from the family at deploy time; a newer release of the family must not
// replace the VM (and its Airflow/MLflow state), so the boot image is ignored after creation.
export const IGNORED_VM_CHANGES = ["bootDisk.initializeParams.imageId"];

export class OrchestratorVm extends pulumi.ComponentResource {
    readonly publicIp: pulumi.Output<string>;
    readonly internalIp: pulumi.Output<string>;
    readonly instanceId: pulumi.Output<string>;

    constructor(name: string, args: OrchestratorVmArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fraud-mlops:infra:OrchestratorVm", name, {}, opts);
        const { config } = args;
        // A pinned image needs no lookup (no API call in a preview); otherwise the family's latest.
        const imageId = config.imageId ?? yandex.getComputeImageOutput({ family: config.imageFamily }, { parent: this }).id;
        const vm = new yandex.ComputeInstance("vm", {
            name: args.name,
            hostname: args.name,
            zone: args.zone,
            platformId: config.platformId,
            resources: { cores: config.cores, memory: config.memoryGb, coreFraction: 100 },
            bootDisk: { initializeParams: { imageId, size: config.diskSizeGb, type: "network-ssd" } },
            networkInterfaces: [{ subnetId: args.subnetId, nat: true, securityGroupIds: args.securityGroupIds }],
            serviceAccountId: args.serviceAccountId,
            metadata: {
                "user-data": renderCloudInit({ sshPublicKey: args.sshPublicKey, registryMirrors: config.registryMirrors }),
                "ssh-keys": `${VM_USER}:${args.sshPublicKey}`,
            },
            allowStoppingForUpdate: true,
            labels: args.labels,
        }, { parent: this, ignoreChanges: IGNORED_VM_CHANGES, dependsOn: opts?.dependsOn, protect: args.protect });
        this.instanceId = vm.id;
        this.publicIp = vm.networkInterfaces.apply((nics) => nics[0].natIpAddress ?? "");
        this.internalIp = vm.networkInterfaces.apply((nics) => nics[0].ipAddress ?? "");
        this.registerOutputs({ instanceId: this.instanceId, publicIp: this.publicIp, internalIp: this.internalIp });
    }
}
