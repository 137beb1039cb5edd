// One error type for every configuration problem, so callers (index.ts, tests, tools) can tell a user
// mistake from a bug: it names the key and says how to fix it.
export class ConfigError extends Error {
    constructor(
        readonly key: string,
        readonly problem: string,
        readonly fix: string,
    ) {
        super(`Configuration error in ${key}: ${problem}. Fix: ${fix}`);
        this.name = "ConfigError";
    }
}
