// Runs policy objects on plain resources, the way the Pulumi engine would, without the gRPC server.
// Used by the policy tests (hand-built resources and the real program's resources from the offline runner).
import { PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import type { DeclaredResource } from "../infra/cost/types";

export interface PolicyTarget extends DeclaredResource {
    readonly protect?: boolean;
}

class NotApplicable extends Error {}

function urnOf(stack: string, resource: DeclaredResource): string {
    return `urn:pulumi:${stack}::fraud-mlops::${resource.type}::${resource.name}`;
}

const unsupported = (): never => {
    throw new Error("isType/asType need SDK classes; the policies compare type tokens instead");
};

function common(resource: PolicyTarget, stack: string) {
    return {
        type: resource.type,
        props: resource.inputs as Record<string, any>,
        urn: urnOf(stack, resource),
        name: resource.name,
        opts: {
            protect: resource.protect ?? false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        },
        isType: unsupported,
        asType: unsupported,
    };
}

function notApplicable(reason?: string): never {
    throw new NotApplicable(reason);
}

/** Violations one resource policy reports for each resource (empty list = passes). */
export async function resourceViolations(policy: ResourceValidationPolicy, resources: readonly PolicyTarget[],
    stack = "dev"): Promise<string[]> {
    const violations: string[] = [];
    const validations = [policy.validateResource ?? []].flat();
    for (const resource of resources) {
        const args: ResourceValidationArgs = {
            ...common(resource, stack),
            stackTags: new Map(),
            getConfig: <T extends object>() => ({}) as T,
            notApplicable,
        };
        for (const validate of validations) {
            try {
                await validate(args, (message) => violations.push(message));
            } catch (error) {
                if (!(error instanceof NotApplicable)) {
                    throw error;
                }
            }
        }
    }
    return violations;
}

/** Violations a stack policy reports over all resources. */
export async function stackViolations(policy: StackValidationPolicy, resources: readonly PolicyTarget[],
    stack = "dev"): Promise<string[]> {
    const violations: string[] = [];
    const policyResources: PolicyResource[] = resources.map((resource) => ({
        ...common(resource, stack), dependencies: [], propertyDependencies: {},
    }));
    await policy.validateStack({
        resources: policyResources, stackTags: new Map(), getConfig: <T extends object>() => ({}) as T, notApplicable,
    }, (message) => violations.push(message));
    return violations;
}
