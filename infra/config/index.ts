// The one typed configuration of the program. `parseConfig` is pure (tests call it with tables of
// inputs); `loadConfig` reads the Pulumi stack config, `.env` and the environment, then calls it.
// Other concerns add their section as one line in `parseConfig` (parser in ./<section>.ts).
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import * as dotenv from "dotenv";
import { parseCost } from "./cost";
import { parseDataproc } from "./dataproc";
import { parseNetwork } from "./network";
import { parseOrchestrator } from "./orchestrator";
import { parsePipeline } from "./pipeline";
import { parseProtect } from "./protect";
import { Env, parseProviderEnv } from "./provider";
import { PROJECT, RawConfig } from "./reader";
import { parseSshPublicKey } from "./ssh";
import { parseStorage } from "./storage";
import { parseSeedForRun } from "./pipeline-run";
import { parseProvisioning } from "./seed";

export { ConfigError } from "./errors";
export { needsPersistentCluster } from "./pipeline";

export interface ConfigInput {
    readonly project: string;
    readonly stack: string;
    /** Stack config without the `fraud-mlops:` prefix. */
    readonly config: RawConfig;
    readonly env: Env;
    readonly fileExists: (path: string) => boolean;
    /** Variables set by `.env` but not in the process environment (see parseProviderEnv). */
    readonly onlyInEnvFile?: ReadonlySet<string>;
}

export function parseConfig(input: ConfigInput) {
    const provider = parseProviderEnv(input.env, input.fileExists, input.onlyInEnvFile);
    const { config } = input;
    return {
        project: input.project,
        stack: input.stack,
        provider,
        sshPublicKey: parseSshPublicKey(config),
        network: parseNetwork(config, provider.zone),
        storage: parseStorage(config, { project: input.project, stack: input.stack, folderId: provider.folderId }),
        dataproc: parseDataproc(config),
        orchestrator: parseOrchestrator(config),
        pipeline: parsePipeline(config),
        cost: parseCost(config),
        seed: parseSeedForRun(config),
        provisioning: parseProvisioning(config),
        protect: parseProtect(config, input.stack),
    };
}

export type Config = ReturnType<typeof parseConfig>;

/** Strips the project namespace; keys of other namespaces (e.g. `yandex:`) are not ours. */
export function projectConfig(all: Readonly<Record<string, string>>): Record<string, string> {
    const prefix = `${PROJECT}:`;
    return Object.fromEntries(Object.entries(all).filter(([key]) => key.startsWith(prefix)).map(([key, value]) => [key.slice(prefix.length), value]));
}

export function loadConfig(): Config {
    // .env never overrides variables already set (CI and the offline runner set them explicitly).
    const before = new Set(Object.keys(process.env).filter((name) => process.env[name]));
    const fromFile = dotenv.config({ quiet: true }).parsed ?? {};
    return parseConfig({
        project: pulumi.getProject(),
        stack: pulumi.getStack(),
        config: projectConfig(pulumi.runtime.allConfig()),
        env: process.env,
        fileExists: fs.existsSync,
        onlyInEnvFile: new Set(Object.keys(fromFile).filter((name) => !before.has(name))),
    });
}
