// The `monthlyCostRub` stack output: the program's own resources, captured as they are declared, priced
// by the same estimator `npm run cost` and the budget policy use.
import * as pulumi from "@pulumi/pulumi";
import { PRICED_TYPES } from "./estimate";
import { estimateConfiguredStack, StackCostSettings } from "./stack-estimate";

interface Captured {
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    readonly props: pulumi.Inputs;
}

export class CostLedger {
    private readonly captured: Captured[] = [];

    /** Create before the first resource: it records every resource declared after it. */
    constructor() {
        pulumi.runtime.registerStackTransformation((args) => {
            // CustomResource.isInstance is not yet true while the constructor runs the transformation.
            const custom = !(args.resource instanceof pulumi.ComponentResource);
            this.captured.push({ type: args.type, name: args.name, custom, props: args.props });
            return undefined;
        });
    }

    /** Estimated roubles a month for the stack's pipeline mode (whole roubles; unknown during a first preview). */
    monthlyTotalRub(settings: StackCostSettings): pulumi.Output<number> {
        // Only priced types need their inputs resolved; the rest are free or listed as unpriced.
        const inputs = this.captured.map((r) => (PRICED_TYPES.has(r.type) ? pulumi.output(r.props) : pulumi.output({})));
        const total = pulumi.all(inputs).apply((resolved) => {
            const resources = this.captured.map((r, i) => ({ type: r.type, name: r.name, custom: r.custom, inputs: resolved[i] as Record<string, unknown> }));
            return Math.round(estimateConfiguredStack(resources, settings).totalRub);
        });
        // A secret input (e.g. VM metadata) must not make a cost figure secret.
        return pulumi.unsecret(total);
    }
}
