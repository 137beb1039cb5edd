// Reads the `config:` block of a stack's Pulumi.<stack>.yaml as Pulumi keys it (`fraud-mlops:network`, ...).
// Shared by the offline runner (tools/offline) and the policy pack, which reads the stack's cost limits.
// `secure:` values are ciphertext only the Pulumi CLI can decrypt: they are listed, never returned.
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

export interface StackFile {
    /** Plain values, keyed with their namespace; sections stay objects as in the YAML. */
    readonly config: Record<string, unknown>;
    /** Keys whose value is a `secure:` ciphertext (not in `config`). */
    readonly secureKeys: string[];
}

export function stackFilePath(projectDir: string, stack: string): string {
    return path.join(projectDir, `Pulumi.${stack}.yaml`);
}

export function readStackFile(projectDir: string, stack: string): StackFile {
    const document = (yaml.load(fs.readFileSync(stackFilePath(projectDir, stack), "utf8")) ?? {}) as { config?: Record<string, unknown> };
    const config: Record<string, unknown> = {};
    const secureKeys: string[] = [];
    for (const [key, value] of Object.entries(document.config ?? {})) {
        const secure = value !== null && typeof value === "object" && typeof (value as { secure?: unknown }).secure === "string";
        if (secure) secureKeys.push(key);
        else config[key] = value;
    }
    return { config, secureKeys };
}
