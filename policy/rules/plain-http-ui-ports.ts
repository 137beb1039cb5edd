// Airflow (8080) and MLflow (5000) speak plain HTTP with basic-auth passwords: no address range may reach
// them, whatever the configuration says (admin networks included). Admins use the SSH tunnel or the TLS
// proxy on 443; only other security groups (the Data Proc hosts) may be admitted.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { asArray, inputAt } from "../../infra/cost/estimate";
import { coveredPorts, ingressRules } from "./security-group-ingress";

export const PLAIN_HTTP_UI_PORTS: ReadonlyMap<number, string> = new Map([
    [5000, "MLflow"],
    [8080, "Airflow"],
]);

/** Every address range (IPv4 and IPv6) a rule admits. */
export function cidrs(rule: unknown): string[] {
    return [...asArray(inputAt(rule, "v4CidrBlocks")), ...asArray(inputAt(rule, "v6CidrBlocks"))].filter((cidr): cidr is string => typeof cidr === "string");
}

function problem(rule: unknown): string | undefined {
    const ports = coveredPorts(rule, PLAIN_HTTP_UI_PORTS.keys());
    const ranges = cidrs(rule);
    if (ports.length === 0 || ranges.length === 0) return undefined;
    return `admits ${ranges.join(", ")} to ${ports.map((p) => `${p} (${PLAIN_HTTP_UI_PORTS.get(p)}, plain HTTP)`).join(", ")}`;
}

export const noPlainHttpUiIngress: ResourceValidationPolicy = {
    name: "orchestrator-ui-ports-private",
    description: "No address range may reach Airflow (8080) or MLflow (5000) over plain HTTP; use the SSH tunnel or the TLS proxy on 443.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        const fix = "remove the rule: open the UIs with the stack output uiTunnel, or set fraud-mlops:orchestrator.tls.enabled (443)";
        for (const { label, rule } of ingressRules(args)) {
            const found = problem(rule);
            if (found) report(`${label} ${found}; ${fix}`);
        }
    },
};
