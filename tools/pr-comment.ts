// `npm run pr-comment -- --stack NAME --base-report FILE [--base-error FILE] [--base-label NAME]`:
// the pull request's cost comment (markdown on stdout). Runs this checkout's program once, offline, for the
// plan and the PR's estimate; FILE is the base branch's `npm run cost -- --json` output.
import * as fs from "fs";
import { renderCostChange } from "./cost-change";
import { costReport, CostReport, parseCostReport } from "./cost-report";
import { renderPlan } from "./plan-render";
import { parseStackArgument, priceStack, runCli } from "./stack-cost";

const USAGE = "npm run pr-comment -- --stack NAME --base-report FILE [--base-error FILE] [--base-label NAME]";
const OPTIONS = ["--base-report", "--base-error", "--base-label"];

function parseOptions(argv: readonly string[]): { rest: string[]; values: Record<string, string> } {
    const rest: string[] = [];
    const values: Record<string, string> = {};
    for (let i = 0; i < argv.length; i++) {
        if (OPTIONS.includes(argv[i])) {
            if (argv[i + 1] === undefined) throw new Error(`${argv[i]} needs a value; usage: ${USAGE}`);
            values[argv[i]] = argv[++i];
        } else {
            rest.push(argv[i]);
        }
    }
    if (!values["--base-report"]) throw new Error(`--base-report is required; usage: ${USAGE}`);
    return { rest, values };
}

/** The base report, or why there is none: the base's own error output when it printed one. */
function readBase(reportFile: string, errorFile: string | undefined): CostReport | { unavailable: string } {
    try {
        return parseCostReport(fs.existsSync(reportFile) ? fs.readFileSync(reportFile, "utf8") : "", reportFile);
    } catch (error) {
        const stderr = errorFile && fs.existsSync(errorFile) ? fs.readFileSync(errorFile, "utf8").trim() : "";
        return { unavailable: stderr ? `\`npm run cost -- --json\` failed there: ${stderr.split("\n")[0].slice(0, 300)}` : (error as Error).message };
    }
}

runCli(async () => {
    const { rest, values } = parseOptions(process.argv.slice(2));
    const stack = parseStackArgument(rest, USAGE);
    const priced = await priceStack(stack);
    return renderCostChange({
        head: costReport(priced),
        base: readBase(values["--base-report"], values["--base-error"]),
        baseLabel: values["--base-label"] || "base",
        plan: renderPlan(priced.result, priced.settings),
    });
});
