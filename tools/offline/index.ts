// Offline program runner: runs the REAL index.ts under Pulumi mocks with a stack's Pulumi.<stack>.yaml
// config (plus overrides) and returns every registered resource and the stack outputs. Each run is a
// child process (ts-node, transpile-only), so one process can run many configurations.
// Used by the program tests, `npm run plan` and `npm run cost`.
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readStackFile } from "../../infra/config/stack-file";
import { OfflineRequest, OfflineResult } from "./types";

export * from "./types";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
const PROJECT = "fraud-mlops";

/** Values no stack file may hold (per person) or that come from .env; clearly fake, valid in form. */
export const OFFLINE_DEFAULTS = {
    config: {
        "fraud-mlops:sshPublicKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOfflineTestKeyNotForUseAnywhere000000000 offline@test",
        "fraud-mlops:network": { adminCidrs: ["198.51.100.0/24"] },
        // Provisioning connects to the VM with it (secret config in a real stack).
        "fraud-mlops:sshPrivateKey": "-----BEGIN OPENSSH PRIVATE KEY-----\nofflineTestKeyNotForUseAnywhere\n-----END OPENSSH PRIVATE KEY-----",
    } as Record<string, unknown>,
    env: {
        YC_CLOUD_ID: "b1gofflinecloud00000",
        YC_FOLDER_ID: "b1gofflinefolder0000",
        YC_ZONE: "ru-central1-a",
        YC_TOKEN: "offline-token-not-real",
        YC_SERVICE_ACCOUNT_KEY_FILE: "",
    } as Record<string, string>,
};

export interface RunOptions {
    readonly stack?: string;
    /** Read Pulumi.<configStack>.yaml instead of the stack's own file (e.g. the dev config under the name `production`). */
    readonly configStack?: string;
    /** Deep-merged over the stack file (objects merge, other values replace; null removes the key). */
    readonly overrides?: Record<string, unknown>;
    /** Replaces OFFLINE_DEFAULTS.env entries; YC_* variables of this process are never passed on. */
    readonly env?: Record<string, string>;
    /** Config keys (full, e.g. `fraud-mlops:sshPrivateKey`) the run marks secret, as `pulumi config set --secret` does. */
    readonly secretKeys?: readonly string[];
    /** Skip OFFLINE_DEFAULTS (to test what the program does without them). */
    readonly withoutDefaults?: boolean;
    readonly program?: string;
    readonly timeoutMs?: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function deepMerge(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
    const merged: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(override)) {
        if (value === null) delete merged[key];
        else if (isObject(value) && isObject(merged[key])) merged[key] = deepMerge(merged[key] as Record<string, unknown>, value);
        else merged[key] = value;
    }
    return merged;
}

/** Reads `config:` of Pulumi.<stack>.yaml; `secure:` values cannot be decrypted offline and become fakes. */
export function readStackConfig(stack: string): { config: Record<string, unknown>; secretKeys: string[] } {
    const { config, secureKeys } = readStackFile(REPO_ROOT, stack);
    const fakes = Object.fromEntries(secureKeys.map((key) => [key, `offline-secret-${key.replace(/[^a-zA-Z0-9]/g, "-")}`]));
    return { config: { ...config, ...fakes }, secretKeys: secureKeys };
}

export function buildRequest(options: RunOptions = {}): OfflineRequest {
    const stack = options.stack ?? "dev";
    const { config, secretKeys } = readStackConfig(options.configStack ?? stack);
    const defaults = options.withoutDefaults ? { config: {}, env: {} } : OFFLINE_DEFAULTS;
    const withDefaults = deepMerge(defaults.config, config);
    return {
        stack,
        project: PROJECT,
        program: options.program ?? path.join(REPO_ROOT, "index.ts"),
        config: deepMerge(withDefaults, options.overrides ?? {}),
        secretKeys: [...new Set([...secretKeys, ...(options.secretKeys ?? [])])],
        env: { ...(options.withoutDefaults ? {} : defaults.env), ...(options.env ?? {}) },
    };
}

function childEnv(request: OfflineRequest): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
        if (!key.startsWith("YC_") && !key.startsWith("PULUMI_")) env[key] = value;
    }
    // Present-but-empty keeps a developer's .env (loaded by dotenv, which never overrides) out of the run.
    for (const key of ["YC_TOKEN", "YC_SERVICE_ACCOUNT_KEY_FILE", "YC_CLOUD_ID", "YC_FOLDER_ID", "YC_ZONE"]) env[key] = "";
    return { ...env, ...request.env };
}

export async function runProgram(options: RunOptions = {}): Promise<OfflineResult> {
    const request = buildRequest(options);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "offline-run-"));
    const requestFile = path.join(dir, "request.json");
    const outFile = path.join(dir, "result.json");
    fs.writeFileSync(requestFile, JSON.stringify(request));
    try {
        await new Promise<void>((resolve, reject) => {
            execFile(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "child.ts"), outFile, requestFile], {
                cwd: REPO_ROOT,
                env: childEnv(request),
                timeout: options.timeoutMs ?? 120_000,
                maxBuffer: 32 * 1024 * 1024,
            }, (error, _stdout, stderr) => (error ? reject(new Error(`offline run of stack ${request.stack} failed: ${error.message}\n${stderr}`)) : resolve()));
        });
        return JSON.parse(fs.readFileSync(outFile, "utf8")) as OfflineResult;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
