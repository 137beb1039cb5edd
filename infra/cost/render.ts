// Plain-text rendering of an estimate (used by `npm run cost` and `npm run plan`; snapshot-tested).
import { HOURS_PER_MONTH } from "./prices";
import { runsPerMonth } from "./schedule";
import { estimateConfiguredStack, estimateStack, StackCostSettings } from "./stack-estimate";
import { CostEstimate, DeclaredResource } from "./types";
import { clusterHoursPerMonth } from "./usage";

export function formatRub(value: number): string {
    return value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

function formatQuantity(value: number): string {
    return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** Left-aligns text columns and right-aligns numeric ones (those flagged in `numeric`). */
export function renderColumns(header: readonly string[], rows: readonly (readonly string[])[], numeric: readonly boolean[]): string[] {
    const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
    const render = (row: readonly string[]) =>
        row.map((cell, i) => (numeric[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join("  ").trimEnd();
    return [render(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(render)];
}

export function renderEstimate(estimate: CostEstimate, title: string): string {
    const rows = estimate.lines.map((line) => [
        line.component,
        line.item + (line.estimate ? " *" : ""),
        formatQuantity(line.quantity),
        line.unit,
        line.hours === undefined ? "" : formatQuantity(line.hours),
        String(line.unitPriceRub),
        formatRub(line.monthlyRub),
    ]);
    const out = [title, ""];
    out.push(...renderColumns(["component", "item", "qty", "unit", "h/month", "RUB/unit", "RUB/month"], rows,
        [false, false, true, false, true, true, true]));
    out.push("", `TOTAL ${formatRub(estimate.totalRub)} RUB a month`);
    out.push(`  of which on estimated prices (*): ${formatRub(estimate.estimatedPartRub)} RUB`);
    if (estimate.unpriced.length > 0) {
        out.push("", "UNPRICED (not in the total, not zero: price them before relying on the total):");
        out.push(...estimate.unpriced.map((u) => `  ${u.component} [${u.type}]: ${u.reason}`));
    }
    if (estimate.free.length > 0) {
        out.push("", `Free of charge: ${estimate.free.map((f) => f.component).join(", ")}`);
    }
    return out.join("\n") + "\n";
}

/** The stack's table for its pipeline mode, then both cluster lives side by side, then the budget. */
export function renderStackCost(stack: string, resources: readonly DeclaredResource[], settings: StackCostSettings): string {
    const configured = estimateConfiguredStack(resources, settings);
    const persistent = estimateStack(resources, settings, "persistent");
    const ephemeral = estimateStack(resources, settings, "ephemeral");
    const hours = clusterHoursPerMonth("ephemeral", settings.cost, settings.schedule);
    const runs = runsPerMonth(settings.schedule, settings.cost.manualRunsPerMonth);
    const schedule = settings.schedule ?? `none (manual: ${settings.cost.manualRunsPerMonth} runs a month, fraud-mlops:cost.manualRunsPerMonth)`;
    const saved = persistent.totalRub - ephemeral.totalRub;
    const out = [renderEstimate(configured, `Monthly cost estimate: stack ${stack}, pipeline mode ${settings.mode} (RUB, VAT included; * = estimated price)`)];
    out.push("Cluster lives compared (everything else unchanged):", "");
    out.push(...renderColumns(["cluster life", "cluster hours a month", "RUB/month"], [
        ["persistent", `${HOURS_PER_MONTH}`, formatRub(persistent.totalRub)],
        ["ephemeral", `${formatQuantity(runs)} runs x ${settings.cost.ephemeralRunMinutes} min = ${formatQuantity(hours)}`, formatRub(ephemeral.totalRub)],
    ], [false, true, true]));
    out.push("", `The ephemeral mode saves ${formatRub(saved)} RUB a month (${persistent.totalRub > 0 ? Math.round((saved / persistent.totalRub) * 100) : 0} %).`);
    out.push(`DAG schedule: ${schedule}`);
    const within = configured.totalRub <= settings.cost.monthlyBudgetRub;
    out.push("", `Budget (fraud-mlops:cost.monthlyBudgetRub): ${formatRub(settings.cost.monthlyBudgetRub)} RUB: ${within ? "within budget" : "OVER BUDGET (the policy pack fails the preview)"}`);
    return out.join("\n") + "\n";
}
