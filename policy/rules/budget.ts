// The stack's estimated monthly cost must stay within its configured budget.
import { StackValidationPolicy } from "@pulumi/policy";
import { estimateConfiguredStack } from "../../infra/cost/stack-estimate";
import { DeclaredResource } from "../../infra/cost/types";
import { loadStackCostSettings, stackNameFromUrn } from "../stack-config";

const rub = (value: number) => `${Math.round(value).toLocaleString("en-US")} RUB`;

export const monthlyBudget: StackValidationPolicy = {
    name: "monthly-budget",
    description: "The estimated monthly cost must not exceed fraud-mlops:cost.monthlyBudgetRub.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        if (args.resources.length === 0) {
            return;
        }
        const stack = stackNameFromUrn(args.resources[0].urn);
        const settings = loadStackCostSettings(stack);
        const { cost } = settings;
        const resources: DeclaredResource[] = args.resources.map((r) => ({ type: r.type, name: r.name, inputs: r.props }));
        // In ephemeral mode this adds the cluster Airflow creates per run, priced for the runs' hours.
        const estimate = estimateConfiguredStack(resources, settings);
        if (estimate.totalRub > cost.monthlyBudgetRub) {
            const top = [...estimate.lines].sort((a, b) => b.monthlyRub - a.monthlyRub).slice(0, 3)
                .map((line) => `${line.component}: ${line.item} ${rub(line.monthlyRub)}`).join("; ");
            report(`estimated ${rub(estimate.totalRub)} a month exceeds the budget of ${rub(cost.monthlyBudgetRub)} (fraud-mlops:cost.monthlyBudgetRub); largest items: ${top}. Shrink the cluster, use the ephemeral mode, or raise the budget.`);
        }
    },
};
