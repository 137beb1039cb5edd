// `npm run plan [-- --stack NAME]`: what `pulumi preview` would create, computed offline, with its cost.
import { renderPlan } from "./plan-render";
import { parseStackArgument, priceStack, runCli } from "./stack-cost";

runCli(async () => {
    const stack = parseStackArgument(process.argv.slice(2), "npm run plan [-- --stack NAME]");
    const priced = await priceStack(stack);
    return renderPlan(priced.result, priced.settings);
});
