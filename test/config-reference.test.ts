// The configuration reference (infra/config/README.md) is complete and has no stale key: every key the
// parsers read is in its table, and every key the table names is read. The keys are discovered from the
// real parsers (unknown-key probes), so a new setting without documentation fails here.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ConfigError, parseConfig } from "../infra/config";
import { configInput } from "./support/config-input";

const PREFIX = "fraud-mlops:";
const PROBE = "zzProbe";
type Raw = Record<string, unknown>;

/** Top-level names the parsers look up (sections and plain keys), recorded from a real parse. */
function topLevelNames(): string[] {
    const input = configInput();
    const seen = new Set<string>();
    const config = new Proxy(input.config as Raw, {
        get(target, key) {
            if (typeof key === "string") seen.add(key);
            return target[key as string];
        },
    });
    parseConfig({ ...input, config });
    return [...seen].sort();
}

/** The error a config with `value` at `keyPath` gets, or undefined when it parses. */
function errorWith(keyPath: string[], value: unknown): ConfigError | undefined {
    const overrides: Raw = {};
    let cursor = overrides;
    keyPath.slice(0, -1).forEach((key) => {
        cursor[key] = {};
        cursor = cursor[key] as Raw;
    });
    cursor[keyPath[keyPath.length - 1]] = value;
    try {
        parseConfig(configInput(overrides));
        return undefined;
    } catch (error) {
        if (error instanceof ConfigError) return error;
        throw error;
    }
}

/** The fields of the mapping at `keyPath` (from its unknown-key error), or undefined when it is not a mapping of settings. */
function fieldsOf(keyPath: string[]): string[] | undefined {
    const error = errorWith([...keyPath, PROBE], 1);
    const expectedKey = `${PREFIX}${[...keyPath, PROBE].join(".")}`;
    if (!error || error.key !== expectedKey || !/is not a known setting/.test(error.message)) return undefined;
    const known = /use one of: (.*)$/m.exec(error.message);
    assert.ok(known, `the unknown-key error of ${keyPath.join(".")} lists the known keys: ${error.message}`);
    return known[1].split(", ").map((field) => field.trim()).filter((field) => field.length > 0);
}

/** Every leaf key the parsers read, as dotted paths without the namespace. */
function parsedKeys(): string[] {
    const keys: string[] = [];
    const walk = (keyPath: string[]): void => {
        const fields = fieldsOf(keyPath);
        if (fields === undefined) {
            keys.push(keyPath.join("."));
            return;
        }
        for (const field of fields) walk([...keyPath, field]);
    };
    for (const name of topLevelNames()) walk([name]);
    return keys.sort();
}

/**
 * Keys the reference table names: the first cell's keys (`a.b.c` / `.d` means a.b.c and a.b.d) and any
 * full dotted key in backticks elsewhere in a row. `<name>` matches any one segment.
 */
function documentedKeys(): string[] {
    const readme = fs.readFileSync(path.join(__dirname, "..", "infra", "config", "README.md"), "utf8");
    const documented = new Set<string>();
    for (const line of readme.split("\n")) {
        if (!line.startsWith("| `")) continue;
        const cells = line.split("|").map((cell) => cell.trim());
        let base: string[] = [];
        for (const part of cells[1].split(" / ")) {
            const key = part.replace(/`/g, "").trim();
            if (key.startsWith(".")) {
                documented.add([...base.slice(0, -1), key.slice(1)].join("."));
            } else {
                base = key.split(".");
                documented.add(key);
            }
        }
        const rest = cells.slice(2).join("|");
        for (const match of rest.matchAll(/`([a-z][A-Za-z]*(?:\.[A-Za-z<>]+)+)`/g)) {
            if (topLevelNames().includes(match[1].split(".")[0])) documented.add(match[1]);
        }
    }
    return [...documented].sort();
}

function matches(pattern: string, key: string): boolean {
    const a = pattern.split(".");
    const b = key.split(".");
    return a.length === b.length && a.every((segment, i) => /^<.*>$/.test(segment) || segment === b[i]);
}

describe("configuration reference (infra/config/README.md)", function () {
    this.timeout(60_000);
    const parsed = parsedKeys();
    const documented = documentedKeys();

    it("discovers the settings from the parsers themselves", () => {
        // A sanity floor: the probe found nested sections, not only the top level.
        assert.ok(parsed.includes("dataproc.data.hosts"), parsed.join(", "));
        assert.ok(parsed.includes("network.adminCidrs"), parsed.join(", "));
        assert.ok(parsed.includes("sshPublicKey"), parsed.join(", "));
    });

    it("documents every key the configuration code reads", () => {
        const missing = parsed.filter((key) => !documented.some((pattern) => matches(pattern, key)));
        assert.deepStrictEqual(missing, [], `add these keys to the table in infra/config/README.md: ${missing.join(", ")}`);
    });

    it("names no key the configuration code does not read", () => {
        const stale = documented.filter((pattern) => !parsed.some((key) => matches(pattern, key) || key.startsWith(`${pattern}.`) || matches(pattern, key.split(".").slice(0, pattern.split(".").length).join("."))));
        assert.deepStrictEqual(stale, [], `remove or correct these keys in infra/config/README.md: ${stale.join(", ")}`);
    });
});
