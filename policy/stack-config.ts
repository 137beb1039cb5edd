// What the policies know about the stack under preview: its name (from any URN) and its config, read
// from the project's Pulumi.<stack>.yaml with the program's own reader and parsers.
import * as fs from "fs";
import * as path from "path";
import { readStackFile, stackFilePath } from "../infra/config/stack-file";
import { StackCostSettings, stackCostSettings } from "../infra/cost/stack-estimate";

/** The Pulumi project this pack guards: the folder above the pack's own. */
const PROJECT_DIR = path.resolve(__dirname, "..");

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
    // A stack without a Pulumi.<stack>.yaml runs on defaults; the cost sections are never `secure:`.
    const hasFile = fs.existsSync(stackFilePath(PROJECT_DIR, stack));
    return stackCostSettings(hasFile ? readStackFile(PROJECT_DIR, stack).config : {});
}
