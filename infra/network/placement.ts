// Where and as whom hosts run: what the Data Proc cluster and the orchestrator VM both take.
import * as pulumi from "@pulumi/pulumi";

export interface HostPlacement {
    readonly name: string;
    readonly zone: string;
    readonly subnetId: pulumi.Input<string>;
    readonly securityGroupIds: pulumi.Input<string>[];
    readonly serviceAccountId: pulumi.Input<string>;
    readonly sshPublicKey: string;
    readonly labels: Record<string, string>;
}
