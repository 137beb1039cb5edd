// `npm run cost [-- --stack NAME] [--json]`: the monthly cost table of a stack, computed offline;
// with --json the estimate as a report for tools/cost-change.ts (the pull-request cost comment).
import { renderStackCost } from "../infra/cost/render";
import { costReport } from "./cost-report";
import { parseStackArgument, priceStack, runCli } from "./stack-cost";

const USAGE = "npm run cost [-- --stack NAME] [--json]";

runCli(async () => {
    const argv = process.argv.slice(2);
    const stack = parseStackArgument(argv.filter((arg) => arg !== "--json"), USAGE);
    const priced = await priceStack(stack);
    if (argv.includes("--json")) {
        return `${JSON.stringify(costReport(priced), null, 1)}\n`;
    }
    return renderStackCost(priced.stack, priced.resources, priced.settings);
});
