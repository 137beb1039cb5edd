// Security-group rules as data (pure), so tests can check each rule Data Proc requires and that no admin
// port is open to the world. Field names follow yandex_vpc_security_group's ingress/egress blocks.
import * as pulumi from "@pulumi/pulumi";

export const WORLD = "0.0.0.0/0";
export const PORTS = { ssh: 22, https: 443, ntp: 123, airflow: 8080, mlflow: 5000 } as const;

export interface Rule {
    readonly description: string;
    readonly protocol: "ANY" | "TCP" | "UDP" | "ICMP";
    readonly port?: number;
    readonly fromPort?: number;
    readonly toPort?: number;
    readonly v4CidrBlocks?: string[];
    readonly predefinedTarget?: "self_security_group";
    readonly securityGroupId?: pulumi.Input<string>;
}

export interface RuleSet {
    readonly ingresses: Rule[];
    readonly egresses: Rule[];
}

const ALL_PORTS = { fromPort: 0, toPort: 65535 };

/**
 * The Data Proc group. Creation is refused without: ANY in/out within the group, HTTPS and NTP out
 * to the internet. SSH comes from admin CIDRs (a master with a public address) and the orchestrator VM
 * (jump host). No 443 in: the UI proxy is off (infra/dataproc/spec.ts UI_PROXY); no Livy: jobs go
 * through the Data Proc API.
 */
export function dataprocRules(adminCidrs: readonly string[], orchestratorGroupId: pulumi.Input<string>): RuleSet {
    const admins = [...adminCidrs];
    return {
        ingresses: [
            { description: "Data Proc: hosts of the cluster talk to each other", protocol: "ANY", ...ALL_PORTS, predefinedTarget: "self_security_group" },
            { description: "SSH from admin networks", protocol: "TCP", port: PORTS.ssh, v4CidrBlocks: admins },
            { description: "SSH from the orchestrator VM (spark-submit, jump host)", protocol: "TCP", port: PORTS.ssh, securityGroupId: orchestratorGroupId },
        ],
        egresses: [
            { description: "Data Proc: hosts of the cluster talk to each other", protocol: "ANY", ...ALL_PORTS, predefinedTarget: "self_security_group" },
            { description: "Data Proc: HTTPS to Yandex Cloud APIs, Object Storage, PyPI", protocol: "TCP", port: PORTS.https, v4CidrBlocks: [WORLD] },
            { description: "Data Proc: NTP", protocol: "UDP", port: PORTS.ntp, v4CidrBlocks: [WORLD] },
            { description: "MLflow tracking on the orchestrator VM", protocol: "TCP", port: PORTS.mlflow, securityGroupId: orchestratorGroupId },
        ],
    };
}

/**
 * The orchestrator VM's group. `clusterMembersGroupId` is a rule-less group every cluster host also
 * carries: it names the cluster as a source without a cycle between the two groups above.
 * Airflow (8080) and MLflow (5000) speak plain HTTP, so no CIDR ever reaches them: admins open the UIs
 * through an SSH tunnel, or, with `tlsProxy`, through the TLS proxy on 443 (policy rule
 * orchestrator-ui-ports-private holds this whatever the configuration says).
 */
export function orchestratorRules(adminCidrs: readonly string[], clusterMembersGroupId: pulumi.Input<string>, tlsProxy: boolean): RuleSet {
    const admins = [...adminCidrs];
    return {
        ingresses: [
            { description: "SSH from admin networks (also the tunnel to the UIs)", protocol: "TCP", port: PORTS.ssh, v4CidrBlocks: admins },
            ...(tlsProxy ? [{ description: "Airflow and MLflow UIs over TLS (proxy) from admin networks", protocol: "TCP" as const, port: PORTS.https, v4CidrBlocks: admins }] : []),
            { description: "MLflow from the Data Proc hosts", protocol: "TCP", port: PORTS.mlflow, securityGroupId: clusterMembersGroupId },
        ],
        egresses: [
            // Docker Hub, apt, PyPI, Yandex Cloud APIs, Object Storage, the cluster: egress is not an exposure.
            { description: "Everything outbound", protocol: "ANY", ...ALL_PORTS, v4CidrBlocks: [WORLD] },
        ],
    };
}
