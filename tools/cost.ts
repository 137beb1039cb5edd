// `npm run cost [-- --stack NAME]`: the monthly cost table of a stack, computed offline.
import { renderStackCost } from "../infra/cost/render";
import { parseStackArgument, priceStack, runCli } from "./stack-cost";

runCli(async () => {
    const stack = parseStackArgument(process.argv.slice(2), "npm run cost [-- --stack NAME]");
    const priced = await priceStack(stack);
    return renderStackCost(priced.stack, priced.resources, priced.settings);
});
