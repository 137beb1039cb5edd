// What the policies know about the stack under preview: its name (from any URN) and its config, read
// from the project's Pulumi.<stack>.yaml (read as the offline runner reads it) with the program's parsers.
import * as fs from "fs";
import * as path from "path";
import { StackCostSettings, stackCostSettings } from "../infra/cost/stack-estimate";
import { readStackConfig, REPO_ROOT } from "../tools/offline";

/** urn:pulumi:<stack>::<project>::<type>::<name> */
export function stackNameFromUrn(urn: string): string {
    const match = /^urn:pulumi:([^:]+)::/.exec(urn);
    if (!match) {
        throw new Error(`cannot read the stack name from URN "${urn}"`);
    }
    return match[1];
}

// The program's own test, so `fraud-mlops:protect` defaults on exactly where this policy applies.
export { isProductionStack } from "../infra/config/protect";

export function loadStackCostSettings(stack: string): StackCostSettings {
    // A stack without a Pulumi.<stack>.yaml runs on defaults.
    const hasFile = fs.existsSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`));
    return stackCostSettings(hasFile ? readStackConfig(stack).config : {});
}
