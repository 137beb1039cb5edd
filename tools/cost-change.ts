// The pull request's cost comment (pure, snapshot-tested): the monthly estimate of the PR's stack next to
// the base branch's, the difference per component, the changed cost lines, then the PR's offline plan.
// Both reports come from `npm run cost -- --json`, each run in its own checkout (see preview.yml).
import { formatRub } from "../infra/cost/render";
import { CostLine } from "../infra/cost/types";
import { CostReport } from "./cost-report";

/** First line of the comment: the workflow finds its own comment by it and edits it in place. */
export const COMMENT_MARKER = "<!-- fraud-mlops:cost-change -->";
/** GitHub refuses comments above 65,536 characters; the plan is cut to stay well below. */
const MAX_COMMENT_CHARS = 60_000;

export interface CostChangeInput {
    readonly head: CostReport;
    /** The base branch's report, or why there is none (e.g. the base predates `npm run cost -- --json`). */
    readonly base: CostReport | { readonly unavailable: string };
    /** Name of the base branch, for the headings. */
    readonly baseLabel: string;
    /** The PR's offline plan (`npm run plan`), shown folded. */
    readonly plan?: string;
}

const SMALLEST_CHANGE_RUB = 0.005;
const rub = (value: number) => `${formatRub(value)} RUB`;
const signed = (value: number) => (Math.abs(value) < SMALLEST_CHANGE_RUB ? "0.00" : `${value > 0 ? "+" : "−"}${formatRub(Math.abs(value))}`);
const cell = (text: string) => text.replace(/\|/g, "\\|");

/** A Data Proc subcluster is its own component ("cluster / data (DATANODE)"); other lines group by resource. */
function componentOf(line: CostLine): string {
    const subcluster = /^(.+? \([A-Z]+\)): /.exec(line.item);
    return subcluster ? `${line.component} / ${subcluster[1]}` : line.component;
}

function sumBy(lines: readonly CostLine[], key: (line: CostLine) => string): Map<string, number> {
    const sums = new Map<string, number>();
    for (const line of lines) sums.set(key(line), (sums.get(key(line)) ?? 0) + line.monthlyRub);
    return sums;
}

function changedKeys(base: Map<string, number>, head: Map<string, number>): string[] {
    const keys = [...new Set([...base.keys(), ...head.keys()])];
    return keys.filter((key) => Math.abs((head.get(key) ?? 0) - (base.get(key) ?? 0)) >= SMALLEST_CHANGE_RUB);
}

function headline(base: CostReport, head: CostReport): string {
    const delta = head.totalRub - base.totalRub;
    const percent = base.totalRub > 0 ? ` (${delta >= 0 ? "+" : "−"}${Math.abs((delta / base.totalRub) * 100).toFixed(1)} %)` : "";
    if (Math.abs(delta) < SMALLEST_CHANGE_RUB) return `This PR does not change the estimated monthly cost: **${rub(head.totalRub)} a month**.`;
    const verb = delta > 0 ? "adds" : "saves";
    return `This PR ${verb} **${rub(Math.abs(delta))} a month**${percent}: ${rub(base.totalRub)} → ${rub(head.totalRub)}.`;
}

function comparison(base: CostReport, head: CostReport, baseLabel: string): string[] {
    const byComponent = [sumBy(base.lines, componentOf), sumBy(head.lines, componentOf)] as const;
    const components = changedKeys(...byComponent);
    const out = [`| component | ${cell(baseLabel)} | this PR | change |`, "|---|---:|---:|---:|"];
    for (const component of components) {
        const [before, after] = [byComponent[0].get(component), byComponent[1].get(component)];
        out.push(`| ${cell(component)} | ${before === undefined ? "–" : formatRub(before)} | ${after === undefined ? "–" : formatRub(after)} | ${signed((after ?? 0) - (before ?? 0))} |`);
    }
    const unchanged = new Set([...byComponent[1].keys()].filter((key) => !components.includes(key)));
    const unchangedRub = [...unchanged].reduce((total, key) => total + (byComponent[1].get(key) ?? 0), 0);
    if (unchanged.size > 0) out.push(`| ${unchanged.size} unchanged components | ${formatRub(unchangedRub)} | ${formatRub(unchangedRub)} | ${signed(0)} |`);
    out.push(`| **total** | **${formatRub(base.totalRub)}** | **${formatRub(head.totalRub)}** | **${signed(head.totalRub - base.totalRub)}** |`);

    const lineKey = (line: CostLine) => `${line.component}\u0000${line.item}${line.estimate ? " *" : ""}`;
    const byLine = [sumBy(base.lines, lineKey), sumBy(head.lines, lineKey)] as const;
    const lines = changedKeys(...byLine);
    if (lines.length > 0) {
        out.push("", "<details><summary>Changed cost lines</summary>", "", `| component | item | ${cell(baseLabel)} | this PR |`, "|---|---|---:|---:|");
        for (const key of lines) {
            const [component, item] = key.split("\u0000");
            const [before, after] = [byLine[0].get(key), byLine[1].get(key)];
            out.push(`| ${cell(component)} | ${cell(item)} | ${before === undefined ? "–" : formatRub(before)} | ${after === undefined ? "–" : formatRub(after)} |`);
        }
        out.push("", "</details>");
    }
    return out;
}

function notes(head: CostReport, base?: CostReport): string[] {
    const out: string[] = [];
    if (base && base.mode !== head.mode) out.push(`- Pipeline mode changes from \`${base.mode}\` to \`${head.mode}\`.`);
    const within = head.totalRub <= head.budgetRub;
    out.push(`- Budget (\`fraud-mlops:cost.monthlyBudgetRub\`): ${rub(head.budgetRub)}: ${within ? "within budget" : "**OVER BUDGET**: the policy pack fails the preview"}.`);
    if (head.unpriced.length > 0) {
        out.push(`- **Not priced** (not in the total): ${head.unpriced.map((u) => `${u.component} (${u.reason})`).join("; ")}.`);
    }
    out.push(`- ${rub(head.estimatedPartRub)} of this PR's total rests on estimated prices (\`*\`); see infra/cost/prices.ts.`);
    return out;
}

function planSection(plan: string, room: number): string[] {
    const fence = "```";
    const cut = plan.length > room ? `${plan.slice(0, Math.max(0, room))}\n… (cut; the whole plan is in the job log and summary)` : plan;
    return ["", "<details><summary>Offline plan of this PR (resources and settings; no cloud)</summary>", "", `${fence}text`, cut.trimEnd(), fence, "", "</details>"];
}

export function renderCostChange(input: CostChangeInput): string {
    const { head, base, baseLabel } = input;
    const out = [COMMENT_MARKER, `### Monthly cost of stack \`${head.stack}\`: this PR vs \`${baseLabel}\``, ""];
    if ("unavailable" in base) {
        out.push(`The estimate of \`${baseLabel}\` is not available: ${base.unavailable.trim() || "no reason given"}.`, "",
            `This PR's estimate alone: **${rub(head.totalRub)} a month** (pipeline mode \`${head.mode}\`).`, "", ...notes(head));
    } else {
        out.push(headline(base, head), "", ...comparison(base, head, baseLabel), "", ...notes(head, base));
    }
    out.push("", `Offline estimate from the program under Pulumi mocks and infra/cost (RUB a month, VAT included, pipeline mode \`${head.mode}\`); \`npm run cost\` prints the full table.`);
    const text = out.join("\n");
    const plan = input.plan === undefined ? [] : planSection(input.plan, MAX_COMMENT_CHARS - text.length - 400);
    return [text, ...plan].join("\n") + "\n";
}
