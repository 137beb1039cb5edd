// Shared by `npm run cost` and `npm run plan`: run the real program offline for a stack and price it.
import { stackCostSettings, StackCostSettings } from "../infra/cost/stack-estimate";
import { DeclaredResource } from "../infra/cost/types";
import * as fs from "fs";
import * as path from "path";
import { buildRequest, OfflineResult, REPO_ROOT, runProgram, RunOptions } from "./offline";

export interface PricedStack {
    readonly stack: string;
    readonly result: OfflineResult;
    readonly resources: DeclaredResource[];
    readonly settings: StackCostSettings;
}

/** `--stack NAME` (default dev); anything else is refused with the usage line. */
export function parseStackArgument(argv: readonly string[], usage: string): string {
    let stack = "dev";
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--stack" && argv[i + 1] && !argv[i + 1].startsWith("-")) {
            stack = argv[++i];
        } else if (argv[i].startsWith("--stack=")) {
            stack = argv[i].slice("--stack=".length);
        } else {
            throw new Error(`unexpected argument "${argv[i]}"; usage: ${usage}`);
        }
    }
    if (!/^[A-Za-z0-9_.-]+$/.test(stack)) {
        throw new Error(`--stack "${stack}" is not a stack name; usage: ${usage}`);
    }
    return stack;
}

/** The cost settings of the exact configuration the offline runner gives the program. */
export function offlineCostSettings(options: RunOptions): StackCostSettings {
    return stackCostSettings(buildRequest(options).config);
}

export function declaredResources(result: OfflineResult): DeclaredResource[] {
    return result.resources.map((r) => ({ type: r.type, name: r.name, custom: r.custom, inputs: r.inputs }));
}

function requireStackFile(stack: string): void {
    if (!fs.existsSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`))) {
        const known = fs.readdirSync(REPO_ROOT).map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter(Boolean);
        throw new Error(`no stack file Pulumi.${stack}.yaml; stacks here: ${known.join(", ") || "none"}`);
    }
}

export async function priceStack(stack: string): Promise<PricedStack> {
    requireStackFile(stack);
    const settings = offlineCostSettings({ stack }); // bad config fails here, before the program runs
    const result = await runProgram({ stack });
    if (result.error) {
        throw new Error(`the program failed for stack ${stack}: ${result.error.message}`);
    }
    return { stack, result, resources: declaredResources(result), settings };
}

/** Runs a CLI body, printing a clear one-line error (no stack trace) for bad input. */
export function runCli(body: () => Promise<string>): void {
    body().then((text) => process.stdout.write(text), (error: Error) => {
        process.stderr.write(`error: ${error.message}\n`);
        process.exit(1);
    });
}
