// No admin or UI port may be reachable from the whole internet.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { asArray, inputAt, TYPES } from "../../infra/cost/estimate";

/** Ports that must never accept traffic from 0.0.0.0/0, with what listens there. */
export const PROTECTED_PORTS: ReadonlyMap<number, string> = new Map([
    [22, "SSH"],
    [443, "Data Proc UI Proxy / HTTPS UI"],
    [4040, "Spark application UI"],
    [5000, "MLflow"],
    [8042, "YARN NodeManager UI"],
    [8080, "Airflow"],
    [8088, "YARN ResourceManager UI"],
    [8888, "Jupyter"],
    [8998, "Livy"],
    [9864, "HDFS DataNode UI"],
    [9870, "HDFS NameNode UI"],
    [10002, "HiveServer2 UI"],
    [18080, "Spark History Server"],
    [19888, "MapReduce JobHistory UI"],
]);

const OPEN_CIDRS = new Set(["0.0.0.0/0", "::/0"]);
export const SECURITY_GROUP_RULE = "yandex:index/vpcSecurityGroupRule:VpcSecurityGroupRule";

function portNumber(value: unknown): number | undefined {
    const number = typeof value === "string" ? Number(value) : value;
    return typeof number === "number" && Number.isFinite(number) && number >= 0 ? number : undefined;
}

/** Which of `ports` a rule's port / fromPort..toPort covers (no port at all, or -1, means every port). */
export function coveredPorts(rule: unknown, ports: Iterable<number> = PROTECTED_PORTS.keys()): number[] {
    const protocol = String(inputAt(rule, "protocol") ?? "ANY").toUpperCase();
    if (protocol !== "ANY" && protocol !== "TCP") {
        return [];
    }
    const port = portNumber(inputAt(rule, "port"));
    const from = portNumber(inputAt(rule, "fromPort"));
    const to = portNumber(inputAt(rule, "toPort"));
    const [low, high] = port !== undefined ? [port, port] : [from ?? 0, to ?? 65535];
    return [...ports].filter((p) => p >= low && p <= high);
}

function openCidrs(rule: unknown): string[] {
    return [...asArray(inputAt(rule, "v4CidrBlocks")), ...asArray(inputAt(rule, "v6CidrBlocks"))]
        .filter((cidr): cidr is string => typeof cidr === "string" && OPEN_CIDRS.has(cidr.trim()));
}

function describe(ports: number[]): string {
    return ports.map((p) => `${p} (${PROTECTED_PORTS.get(p)})`).join(", ");
}

/**
 * Every ingress rule of a security group (inline `ingresses`) or a standalone ingress rule resource, with
 * the label a violation message names it by.
 */
export function ingressRules(args: { type: string; name: string; props: unknown }): { label: string; rule: unknown }[] {
    if (args.type === TYPES.securityGroup) {
        return asArray(inputAt(args.props, "ingresses")).map((rule, index) => ({ label: `security group "${args.name}" ingresses[${index}]`, rule }));
    }
    if (args.type === SECURITY_GROUP_RULE && String(inputAt(args.props, "direction")).toLowerCase() === "ingress") {
        return [{ label: `security group rule "${args.name}"`, rule: args.props }];
    }
    return [];
}

export const noPublicAdminIngress: ResourceValidationPolicy = {
    name: "security-group-no-public-admin-ports",
    description: "Security groups must not open SSH, Airflow, MLflow, Jupyter or cluster UI ports to 0.0.0.0/0.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        const fix = "restrict v4CidrBlocks to the admin network (or reach the port through an SSH tunnel)";
        for (const { label, rule } of ingressRules(args)) {
            const ports = coveredPorts(rule);
            const cidrs = openCidrs(rule);
            if (ports.length > 0 && cidrs.length > 0) report(`${label} opens ${describe(ports)} to ${cidrs.join(", ")}; ${fix}`);
        }
    },
};
