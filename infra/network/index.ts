// Network: VPC, one subnet routed to the internet through a NAT gateway, and the security groups.
import * as pulumi from "@pulumi/pulumi";
import * as yandex from "@pulumi/yandex";
import { NetworkConfig } from "../config/network";
import { dataprocRules, orchestratorRules } from "./rules";

export { PORTS } from "./rules";

export interface NetworkArgs {
    readonly namePrefix: string;
    readonly config: NetworkConfig;
    /** fraud-mlops:orchestrator.tls.enabled: the orchestrator admits 443 (its TLS proxy) from admin networks. */
    readonly orchestratorTlsProxy: boolean;
}

export class Network extends pulumi.ComponentResource {
    readonly networkId: pulumi.Output<string>;
    readonly subnetId: pulumi.Output<string>;
    readonly zone: string;
    readonly dataprocSecurityGroupId: pulumi.Output<string>;
    readonly clusterMembersSecurityGroupId: pulumi.Output<string>;
    readonly orchestratorSecurityGroupId: pulumi.Output<string>;

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fraud-mlops:infra:Network", name, {}, opts);
        const child = { parent: this };
        const prefix = args.namePrefix;
        const { config } = args;

        const network = new yandex.VpcNetwork("network", { name: prefix, description: "Fraud-detection MLOps network" }, child);
        const gateway = new yandex.VpcGateway("nat", { name: `${prefix}-nat`, sharedEgressGateway: {} }, child);
        const routes = new yandex.VpcRouteTable("egress", {
            name: `${prefix}-egress`,
            networkId: network.id,
            // Data Proc hosts have no public addresses: this default route is their only way out.
            staticRoutes: [{ destinationPrefix: "0.0.0.0/0", gatewayId: gateway.id }],
        }, child);
        const subnet = new yandex.VpcSubnet("subnet", {
            name: `${prefix}-${config.zone}`,
            networkId: network.id,
            zone: config.zone,
            v4CidrBlocks: [config.subnetCidr],
            routeTableId: routes.id,
        }, child);

        const clusterMembers = new yandex.VpcSecurityGroup("cluster-members", {
            name: `${prefix}-cluster-members`,
            networkId: network.id,
            description: "No rules: marks Data Proc hosts as a traffic source for other groups",
        }, child);
        const orchestrator = new yandex.VpcSecurityGroup("orchestrator", {
            name: `${prefix}-orchestrator`,
            networkId: network.id,
            description: "Airflow + MLflow VM",
            ...orchestratorRules(config.adminCidrs, clusterMembers.id, args.orchestratorTlsProxy),
        }, child);
        const dataproc = new yandex.VpcSecurityGroup("dataproc", {
            name: `${prefix}-dataproc`,
            networkId: network.id,
            description: "Data Proc cluster (rules Data Proc requires + admin access)",
            ...dataprocRules(config.adminCidrs, orchestrator.id),
        }, child);

        this.networkId = network.id;
        this.subnetId = subnet.id;
        this.zone = config.zone;
        this.dataprocSecurityGroupId = dataproc.id;
        this.clusterMembersSecurityGroupId = clusterMembers.id;
        this.orchestratorSecurityGroupId = orchestrator.id;
        this.registerOutputs({
            networkId: this.networkId,
            subnetId: this.subnetId,
            dataprocSecurityGroupId: this.dataprocSecurityGroupId,
            clusterMembersSecurityGroupId: this.clusterMembersSecurityGroupId,
            orchestratorSecurityGroupId: this.orchestratorSecurityGroupId,
        });
    }
}
