// `npm run cost -- --json`: a stack's priced estimate as JSON. The pull-request workflow runs it in a
// checkout of the base branch and in the PR's, so each side is priced by its own program, stack file and
// estimator; tools/cost-change.ts compares the two. The format string changes when the shape does.
import { estimateConfiguredStack } from "../infra/cost/stack-estimate";
import { CostLine, UnpricedResource } from "../infra/cost/types";
import { PricedStack } from "./stack-cost";

export const COST_REPORT_FORMAT = "fraud-mlops-cost/1";

export interface CostReport {
    readonly format: typeof COST_REPORT_FORMAT;
    readonly stack: string;
    readonly mode: string;
    readonly budgetRub: number;
    readonly totalRub: number;
    readonly estimatedPartRub: number;
    readonly lines: readonly CostLine[];
    readonly unpriced: readonly UnpricedResource[];
}

export function costReport(priced: PricedStack): CostReport {
    const estimate = estimateConfiguredStack(priced.resources, priced.settings);
    return {
        format: COST_REPORT_FORMAT,
        stack: priced.stack,
        mode: priced.settings.mode,
        budgetRub: priced.settings.cost.monthlyBudgetRub,
        totalRub: estimate.totalRub,
        estimatedPartRub: estimate.estimatedPartRub,
        lines: estimate.lines,
        unpriced: estimate.unpriced,
    };
}

/** Parses a report printed by `npm run cost -- --json`; says what is wrong with anything else. */
export function parseCostReport(text: string, source: string): CostReport {
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch {
        throw new Error(`${source} is not JSON${text.trim() ? "" : " (it is empty)"}`);
    }
    const report = parsed as Partial<CostReport> | null;
    if (report?.format !== COST_REPORT_FORMAT) {
        throw new Error(`${source} is not a ${COST_REPORT_FORMAT} report (format ${JSON.stringify(report?.format)})`);
    }
    if (typeof report.totalRub !== "number" || !Array.isArray(report.lines)) {
        throw new Error(`${source} lacks totalRub or lines`);
    }
    return report as CostReport;
}
