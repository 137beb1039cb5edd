// Jupyter runs any code its visitors type, as its user, with the cluster's service account: no security
// group may admit anything to its port, neither an address range (admin networks included) nor another
// group. Only the cluster's own hosts share it (the self_security_group rule Data Proc requires); admins
// reach it through the SSH tunnel (stack output jupyterLabTunnel), where it listens on the master's loopback.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { inputAt } from "../../infra/cost/estimate";
import { JUPYTER_PORT } from "../../infra/dataproc/jupyter";
import { cidrs } from "./plain-http-ui-ports";
import { coveredPorts, ingressRules } from "./security-group-ingress";

function sources(rule: unknown): string[] {
    const group = inputAt(rule, "securityGroupId");
    return [...cidrs(rule), ...(typeof group === "string" && group !== "" ? [`security group ${group}`] : [])];
}

export const jupyterPortPrivate: ResourceValidationPolicy = {
    name: "jupyter-port-private",
    description: `No security group may admit an address range or another group to Jupyter (${JUPYTER_PORT}); it is reached through an SSH tunnel only.`,
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        const fix = "remove the rule: open JupyterLab with the stack output jupyterLabTunnel";
        for (const { label, rule } of ingressRules(args)) {
            const admitted = coveredPorts(rule, [JUPYTER_PORT]).length > 0 ? sources(rule) : [];
            if (admitted.length > 0) report(`${label} admits ${admitted.join(", ")} to ${JUPYTER_PORT} (Jupyter); ${fix}`);
        }
    },
};
