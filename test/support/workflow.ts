// Runs parts of a GitHub workflow here: reads the YAML, resolves `${{ }}` expressions (repository
// variables and secrets become the fakes of ./repository-settings), and runs `run:` steps with bash the
// way the runner does (bash -e -o pipefail, the step's env, RUNNER_TEMP, working-directory).
// `pulumi` is replaced by a recorder, so a step's `pulumi config set` calls can be replayed offline.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { REPOSITORY_SETTINGS } from "./repository-settings";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const WORKFLOWS_DIR = path.join(REPO_ROOT, ".github", "workflows");

export interface Step {
    readonly name?: string;
    readonly uses?: string;
    readonly run?: string;
    readonly if?: string;
    readonly env?: Record<string, string>;
    readonly with?: Record<string, string | boolean | number>;
    readonly "working-directory"?: string;
}

export interface Job {
    readonly if?: string;
    readonly env?: Record<string, string>;
    readonly permissions?: Record<string, string>;
    readonly steps: Step[];
}

export interface Workflow {
    readonly on: Record<string, unknown>;
    readonly env?: Record<string, string>;
    readonly permissions?: Record<string, string>;
    readonly jobs: Record<string, Job>;
}

export function loadWorkflow(file: string): Workflow {
    return yaml.load(fs.readFileSync(path.join(WORKFLOWS_DIR, file), "utf8")) as Workflow;
}

export function stepLabel(step: Step): string {
    return step.name ?? step.uses ?? step.run?.split("\n")[0] ?? "?";
}

/** What the runner would know: a temp dir and the few `github.*` values the workflows read. */
export interface RunnerContext {
    readonly runnerTemp: string;
    readonly github: Readonly<Record<string, string>>;
}

/** Replaces every `${{ expr }}`; an expression the tests cannot give a value fails loudly. */
export function resolveExpressions(text: string, context: RunnerContext, env: Readonly<Record<string, string>>): string {
    return text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_whole, expression: string) => {
        const [scope, ...rest] = expression.split(".");
        const name = rest.join(".");
        if (scope === "secrets" || scope === "vars") {
            const setting = REPOSITORY_SETTINGS[name];
            const kind = scope === "vars" ? "variable" : "secret";
            if (!setting || setting.kind !== kind) {
                throw new Error(`the workflow reads ${expression}, which test/support/repository-settings.ts does not list as a ${kind}`);
            }
            return setting.fake;
        }
        if (expression === "runner.temp") return context.runnerTemp;
        if (scope === "env" && env[name] !== undefined) return env[name];
        if (scope === "github" && context.github[name] !== undefined) return context.github[name];
        throw new Error(`the test cannot resolve \${{ ${expression} }}`);
    });
}

/** The env a step sees: workflow, then job, then step `env:`, each resolved against the levels above. */
export function stepEnv(workflow: Workflow, job: Job, step: Step, context: RunnerContext): Record<string, string> {
    const env: Record<string, string> = {};
    for (const level of [workflow.env, job.env, step.env]) {
        const resolved: Record<string, string> = {};
        for (const [key, value] of Object.entries(level ?? {})) resolved[key] = resolveExpressions(String(value), context, env);
        Object.assign(env, resolved);
    }
    return env;
}

/** A `pulumi` on PATH that records each call (arguments, stdin, which credentials it had) as a JSON line. */
export interface PulumiCall {
    readonly args: string[];
    readonly stdin: string;
    readonly env: Readonly<Record<string, boolean>>;
}

const RECORDED_ENV = ["PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"];

export function installPulumiRecorder(dir: string): { binDir: string; calls: () => PulumiCall[] } {
    const binDir = path.join(dir, "fake-bin");
    const log = path.join(dir, "pulumi-calls.jsonl");
    fs.mkdirSync(binDir, { recursive: true });
    fs.writeFileSync(path.join(binDir, "pulumi"), [
        `#!${process.execPath}`,
        'const fs = require("fs");',
        'let stdin = ""; try { stdin = fs.readFileSync(0, "utf8"); } catch {}',
        `const env = Object.fromEntries(${JSON.stringify(RECORDED_ENV)}.map((k) => [k, !!process.env[k]]));`,
        `fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ args: process.argv.slice(2), stdin, env }) + "\\n");`,
        "",
    ].join("\n"), { mode: 0o755 });
    return {
        binDir,
        calls: () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as PulumiCall) : []),
    };
}

/** Runs a `run:` step as the runner does; returns its output, or throws with it when the step fails. */
export function runStep(step: Step, env: Readonly<Record<string, string>>, options: { cwd: string; binDir: string; runnerTemp: string; stdinless?: boolean }): { ok: boolean; output: string } {
    if (!step.run) throw new Error(`step "${stepLabel(step)}" has no run: script`);
    const base: Record<string, string> = {};
    // The runner's own environment has no cloud or Pulumi credentials; neither may this machine's leak in.
    for (const [key, value] of Object.entries(process.env)) {
        if (value !== undefined && !/^(YC_|PULUMI_|AWS_)/.test(key)) base[key] = value;
    }
    const result = spawnSync("bash", ["--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step.run], {
        cwd: step["working-directory"] ? path.join(options.cwd, step["working-directory"]) : options.cwd,
        env: { ...base, ...env, RUNNER_TEMP: options.runnerTemp, PATH: `${options.binDir}:${process.env.PATH}` },
        stdio: ["ignore", "pipe", "pipe"],
        encoding: "utf8",
        timeout: 300_000,
    });
    return { ok: result.status === 0, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}

/** Sets `value` at a `pulumi config set --path` path such as `fraud-mlops:network.adminCidrs[0]`. */
export function setConfigPath(config: Record<string, unknown>, key: string, value: string): void {
    const match = /^([A-Za-z0-9_-]+:[A-Za-z0-9_-]+)((?:\.[A-Za-z0-9_-]+|\[\d+\])*)$/.exec(key);
    if (!match) throw new Error(`the test does not understand the config path ${key}`);
    const segments = [...match[2].matchAll(/\.([A-Za-z0-9_-]+)|\[(\d+)\]/g)].map((m) => (m[1] !== undefined ? m[1] : Number(m[2])));
    let parent: Record<string | number, unknown> = config;
    let at: string | number = match[1];
    for (const segment of segments) {
        if (parent[at] === undefined || parent[at] === null || typeof parent[at] !== "object") parent[at] = typeof segment === "number" ? [] : {};
        parent = parent[at] as Record<string | number, unknown>;
        at = segment;
    }
    parent[at] = value;
}

/**
 * Replays recorded `pulumi config set` calls on a stack's config (as the CLI writes them into
 * Pulumi.<stack>.yaml before the preview reads it). Any other pulumi command fails the test: what it
 * would do is unknown here.
 */
export function replayConfigSets(calls: readonly PulumiCall[], stack: string, config: Record<string, unknown>): { config: Record<string, unknown>; secretKeys: string[] } {
    const result = structuredClone(config);
    const secretKeys: string[] = [];
    for (const call of calls) {
        const [command, sub, ...rest] = call.args;
        if (command !== "config" || sub !== "set") throw new Error(`the workflow runs \`pulumi ${call.args.join(" ")}\`, which the test cannot replay`);
        let onStack: string | undefined;
        let usePath = false;
        let secret = false;
        const positional: string[] = [];
        for (let i = 0; i < rest.length; i++) {
            if (rest[i] === "--stack" || rest[i] === "-s") onStack = rest[++i];
            else if (rest[i] === "--path") usePath = true;
            else if (rest[i] === "--secret") secret = true;
            else if (rest[i].startsWith("-")) throw new Error(`pulumi config set: flag ${rest[i]} is unknown to the test`);
            else positional.push(rest[i]);
        }
        if (onStack !== stack) throw new Error(`pulumi config set runs on stack ${onStack ?? "(the selected one)"}, not ${stack}`);
        const [key, given] = positional;
        // Without a value on the command line the CLI reads it from stdin (how the private key is passed).
        const value = given ?? call.stdin;
        if (usePath) setConfigPath(result, key, value);
        else result[key] = value;
        if (secret) secretKeys.push(key.split(/[.[]/)[0]);
    }
    return { config: result, secretKeys };
}
