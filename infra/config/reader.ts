// Typed readers over one config section (`fraud-mlops:<section>`, an object in Pulumi.<stack>.yaml,
// JSON text when it comes from the Pulumi runtime). Every read is recorded so `finish()` can reject
// unknown keys: a typo must fail loudly instead of silently falling back to a default.
import { ConfigError } from "./errors";

export const PROJECT = "fraud-mlops";

/** Config values keyed without the `fraud-mlops:` namespace, as strings (runtime) or parsed YAML (files). */
export type RawConfig = Readonly<Record<string, unknown>>;

export interface Range {
    readonly min: number;
    readonly max: number;
}

function setHint(key: string, example: string): string {
    return `pulumi config set --path '${key}' ${example}`;
}

function decodeObject(key: string, value: unknown): Record<string, unknown> {
    let decoded = value;
    if (typeof value === "string") {
        try {
            decoded = JSON.parse(value);
        } catch {
            throw new ConfigError(key, `is not a valid object (got ${JSON.stringify(value)})`, `set it as a YAML mapping under ${key} in Pulumi.<stack>.yaml`);
        }
    }
    if (decoded === null || typeof decoded !== "object" || Array.isArray(decoded)) {
        throw new ConfigError(key, `must be a mapping of keys (got ${JSON.stringify(value)})`, `set it as a YAML mapping under ${key} in Pulumi.<stack>.yaml`);
    }
    return decoded as Record<string, unknown>;
}

/** true/false as YAML booleans or the strings the Pulumi runtime passes; undefined for anything else. */
function asBoolean(value: unknown): boolean | undefined {
    if (value === true || value === "true") return true;
    if (value === false || value === "false") return false;
    return undefined;
}

export class Section {
    private readonly used = new Set<string>();
    private readonly children: Section[] = [];

    private constructor(
        readonly key: string,
        private readonly raw: Record<string, unknown>,
    ) {}

    /** The section `name` of the stack config; an absent section reads as empty (all defaults). */
    static of(config: RawConfig, name: string): Section {
        const key = `${PROJECT}:${name}`;
        const value = config[name];
        return new Section(key, value === undefined ? {} : decodeObject(key, value));
    }

    path(field: string): string {
        return `${this.key}.${field}`;
    }

    fail(field: string, problem: string, example: string): never {
        throw new ConfigError(this.path(field), problem, setHint(this.path(field), example));
    }

    private value(field: string): unknown {
        this.used.add(field);
        const value = this.raw[field];
        return value === null || value === "" ? undefined : value;
    }

    has(field: string): boolean {
        return this.value(field) !== undefined;
    }

    string(field: string, fallback: string): string {
        const value = this.value(field);
        if (value === undefined) return fallback;
        if (typeof value !== "string") return this.fail(field, `must be a string (got ${JSON.stringify(value)})`, JSON.stringify(fallback));
        return value.trim();
    }

    optionalString(field: string): string | undefined {
        const value = this.value(field);
        if (value === undefined) return undefined;
        if (typeof value !== "string") return this.fail(field, `must be a string (got ${JSON.stringify(value)})`, "<text>");
        return value.trim();
    }

    oneOf<T extends string>(field: string, allowed: readonly T[], fallback: T): T {
        const value = this.string(field, fallback);
        if (!(allowed as readonly string[]).includes(value)) {
            return this.fail(field, `must be one of ${allowed.join(", ")} (got ${JSON.stringify(value)})`, allowed[0]);
        }
        return value as T;
    }

    integer(field: string, fallback: number, range: Range): number {
        const value = this.value(field);
        if (value === undefined) return fallback;
        const parsed = typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
        if (typeof parsed !== "number" || !Number.isInteger(parsed)) {
            return this.fail(field, `must be a whole number (got ${JSON.stringify(value)})`, String(fallback));
        }
        if (parsed < range.min || parsed > range.max) {
            return this.fail(field, `must be between ${range.min} and ${range.max} (got ${parsed})`, String(fallback));
        }
        return parsed;
    }

    /** A number (YAML number or numeric string) that `problem` accepts (it returns undefined for a good value). */
    number(field: string, fallback: number, problem: (value: number) => string | undefined): number {
        const value = this.value(field);
        if (value === undefined) return fallback;
        const parsed = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
        if (typeof parsed !== "number" || !Number.isFinite(parsed)) {
            return this.fail(field, `must be a number (got ${JSON.stringify(value)})`, String(fallback));
        }
        const refused = problem(parsed);
        return refused === undefined ? parsed : this.fail(field, `${refused} (got ${parsed})`, String(fallback));
    }

    boolean(field: string, fallback: boolean): boolean {
        const value = this.value(field);
        if (value === undefined) return fallback;
        return asBoolean(value) ?? this.fail(field, `must be true or false (got ${JSON.stringify(value)})`, String(fallback));
    }

    stringList(field: string, fallback: readonly string[]): string[] {
        const value = this.value(field);
        if (value === undefined) return [...fallback];
        if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
            return this.fail(field, `must be a list of strings (got ${JSON.stringify(value)})`, `'["${fallback[0] ?? "value"}"]'`);
        }
        return value.map((item: string) => item.trim());
    }

    stringMap(field: string, fallback: Readonly<Record<string, string>>): Record<string, string> {
        const value = this.value(field);
        if (value === undefined) return { ...fallback };
        const map = decodeObject(this.path(field), value);
        for (const [name, item] of Object.entries(map)) {
            if (typeof item !== "string") {
                this.fail(`${field}.${name}`, `must be a string (got ${JSON.stringify(item)})`, '"1.0.0"');
            }
        }
        return map as Record<string, string>;
    }

    /** A nested mapping, read with the same rules; its unknown keys are checked by this section's `finish`. */
    child(field: string): Section {
        const value = this.value(field);
        const child = new Section(this.path(field), value === undefined ? {} : decodeObject(this.path(field), value));
        this.children.push(child);
        return child;
    }

    /** Rejects keys nobody read (typos, removed settings). Call after reading every field. */
    finish(): void {
        for (const field of Object.keys(this.raw)) {
            if (!this.used.has(field)) {
                const known = [...this.used].sort().join(", ");
                throw new ConfigError(this.path(field), "is not a known setting", `remove it or use one of: ${known}`);
            }
        }
        for (const child of this.children) child.finish();
    }
}

/** A top-level (non-section) string such as `fraud-mlops:sshPublicKey`. */
export function topLevelString(config: RawConfig, name: string): string | undefined {
    const value = config[name];
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value !== "string") {
        throw new ConfigError(`${PROJECT}:${name}`, `must be a string (got ${JSON.stringify(value)})`, `pulumi config set ${PROJECT}:${name} <value>`);
    }
    return value.trim();
}

/** A top-level (non-section) flag such as `fraud-mlops:protect`; absent or empty reads as `fallback`. */
export function topLevelBoolean(config: RawConfig, name: string, fallback: boolean): boolean {
    const value = config[name];
    if (value === undefined || value === null || value === "") return fallback;
    const flag = asBoolean(value);
    if (flag === undefined) {
        throw new ConfigError(`${PROJECT}:${name}`, `must be true or false (got ${JSON.stringify(value)})`, `pulumi config set ${PROJECT}:${name} ${fallback}`);
    }
    return flag;
}
