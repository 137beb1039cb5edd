// Data Proc clusters stay within the host counts and presets the stack's cost config allows.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { asArray, inputAt, TYPES } from "../../infra/cost/estimate";
import { loadStackCostSettings, stackNameFromUrn } from "../stack-config";

function hostCount(value: unknown): number {
    const number = typeof value === "string" ? Number(value) : value;
    return typeof number === "number" && Number.isFinite(number) ? number : 1;
}

export const dataprocWithinLimits: ResourceValidationPolicy = {
    name: "dataproc-within-limits",
    description: "Data Proc host counts and presets must be within fraud-mlops:cost.limits.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        if (args.type !== TYPES.dataproc) {
            return;
        }
        const { limits } = loadStackCostSettings(stackNameFromUrn(args.urn)).cost;
        const where = `Data Proc cluster "${args.name}"`;
        let total = 0;
        asArray(inputAt(args.props, "clusterConfig.subclusterSpecs")).forEach((spec, index) => {
            const label = `subclusterSpecs[${index}] (${String(inputAt(spec, "name") ?? inputAt(spec, "role"))})`;
            const count = hostCount(inputAt(spec, "hostsCount"));
            const maxCount = inputAt(spec, "autoscalingConfig.maxHostsCount");
            const largest = maxCount === undefined ? count : Math.max(count, hostCount(maxCount));
            total += largest;
            if (largest > limits.maxHostsPerSubcluster) {
                report(`${where} ${label} can grow to ${largest} hosts, above fraud-mlops:cost.limits.maxHostsPerSubcluster = ${limits.maxHostsPerSubcluster}; lower hostsCount/maxHostsCount or raise the limit`);
            }
            const preset = inputAt(spec, "resources.resourcePresetId");
            if (typeof preset !== "string" || !limits.allowedPresets.includes(preset)) {
                report(`${where} ${label} uses preset ${JSON.stringify(preset)}, not in fraud-mlops:cost.limits.allowedPresets (${limits.allowedPresets.join(", ")}); pick one of them or extend the list`);
            }
        });
        if (total > limits.maxHostsPerCluster) {
            report(`${where} can grow to ${total} hosts in all, above fraud-mlops:cost.limits.maxHostsPerCluster = ${limits.maxHostsPerCluster}`);
        }
    },
};
