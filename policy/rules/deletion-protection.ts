// On production stacks, nothing that holds data or state can be deleted by a stray `pulumi up`/`destroy`.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES } from "../../infra/cost/estimate";
import { isProductionStack, stackNameFromUrn } from "../stack-config";

/** Resources whose loss loses data or keys; they need Pulumi's `protect` option on production stacks. */
export const STATEFUL_TYPES: ReadonlySet<string> = new Set([
    TYPES.bucket, TYPES.kmsKey, TYPES.instance, TYPES.disk, TYPES.dataproc,
]);

export const productionDeletionProtection: ResourceValidationPolicy = {
    name: "production-deletion-protection",
    description: "On stacks named like production, stateful resources are protected and Data Proc clusters have deletionProtection.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        const stack = stackNameFromUrn(args.urn);
        if (!isProductionStack(stack) || !STATEFUL_TYPES.has(args.type)) {
            return;
        }
        const kind = args.type.split(":").pop();
        if (args.opts.protect !== true) {
            report(`${kind} "${args.name}" on production stack "${stack}" is not protected; pass the resource option { protect: true }`);
        }
        if (args.type === TYPES.dataproc && args.props.deletionProtection !== true) {
            report(`${kind} "${args.name}" on production stack "${stack}" needs deletionProtection: true`);
        }
    },
};
