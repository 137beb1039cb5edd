// What the policies know about the stack under preview: its name (from any URN) and its config, read
// from the project's Pulumi.<stack>.yaml with the same pure parsers the program uses.
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { PROJECT, RawConfig } from "../infra/config/reader";
import { StackCostSettings, stackCostSettings } from "../infra/cost/stack-estimate";

const PROJECT_DIR = path.resolve(__dirname, "..");

/** urn:pulumi:<stack>::<project>::<type>::<name> */
export function stackNameFromUrn(urn: string): string {
    const match = /^urn:pulumi:([^:]+)::/.exec(urn);
    if (!match) {
        throw new Error(`cannot read the stack name from URN "${urn}"`);
    }
    return match[1];
}

/** Stacks named like production: prod, production, eu-prod, prod-2, ... */
export function isProductionStack(stack: string): boolean {
    return /(^|[-_.])prod(uction)?($|[-_.\d])/i.test(stack);
}

/** The stack file's `fraud-mlops:` keys without the namespace (absent file: empty, all defaults). */
export function readStackConfig(stack: string, projectDir = PROJECT_DIR): RawConfig {
    const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        return {};
    }
    const document = yaml.load(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
    const prefix = `${PROJECT}:`;
    return Object.fromEntries(Object.entries(document?.config ?? {})
        .filter(([key]) => key.startsWith(prefix)).map(([key, value]) => [key.slice(prefix.length), value]));
}

export function loadStackCostSettings(stack: string): StackCostSettings {
    return stackCostSettings(readStackConfig(stack));
}
