// Ids for the explicit Yandex provider (from `.env`, loaded by dotenv, or the environment) and a check that
// its credential is in the environment of the `pulumi` command: the provider and the destroy-time steps read
// it there at run time, so no credential is a provider input (inputs are stored in the state, and
// `pulumi destroy` reuses them without running this program).
import { ConfigError } from "./errors";
import { ZONES } from "./network";

/** The environment variables the Yandex provider (and the destroy-time cleanup) authenticate with. */
export const CREDENTIAL_VARIABLES = ["YC_TOKEN", "YC_SERVICE_ACCOUNT_KEY_FILE"] as const;
export type CredentialVariable = (typeof CREDENTIAL_VARIABLES)[number];

export interface ProviderSettings {
    readonly cloudId: string;
    readonly folderId: string;
    readonly zone: string;
    /** Which variable holds the credential (its value is never read into the program's resources). */
    readonly credentialVariable: CredentialVariable;
}

export type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_ZONE = "ru-central1-a";
// Yandex resource ids: 20 lowercase letters and digits (clouds start with b1g, folders usually too).
const YANDEX_ID = /^[a-z][a-z0-9]{19}$/;

function envValue(env: Env, name: string): string | undefined {
    const value = env[name]?.trim();
    return value ? value : undefined;
}

function yandexId(env: Env, name: string, what: string): string {
    const value = envValue(env, name);
    if (!value) throw new ConfigError(name, `is not set (the ${what} id)`, `add ${name}=<id> to .env (see .env.example; 'yc config list' shows it)`);
    if (!YANDEX_ID.test(value)) throw new ConfigError(name, `"${value}" is not a Yandex ${what} id (20 lowercase letters and digits)`, `copy the id from 'yc resource-manager ${what} list'`);
    return value;
}

/**
 * Pure: `fileExists` is injected so tests need no files. `onlyInEnvFile` names the variables whose value came
 * from `.env` alone: the provider plugin is started by the Pulumi CLI, not by this program, so it never
 * sees them.
 */
export function parseProviderEnv(env: Env, fileExists: (path: string) => boolean, onlyInEnvFile: ReadonlySet<string> = new Set()): ProviderSettings {
    const token = envValue(env, "YC_TOKEN");
    const serviceAccountKeyFile = envValue(env, "YC_SERVICE_ACCOUNT_KEY_FILE");
    if (token && serviceAccountKeyFile) {
        throw new ConfigError("YC_TOKEN / YC_SERVICE_ACCOUNT_KEY_FILE", "both are set, so it is unclear which identity deploys", "keep one of them in .env (a service-account key file is preferred)");
    }
    if (!token && !serviceAccountKeyFile) {
        throw new ConfigError("YC_TOKEN / YC_SERVICE_ACCOUNT_KEY_FILE", "neither is set, so the provider cannot authenticate", "set YC_SERVICE_ACCOUNT_KEY_FILE=<path to key.json> (yc iam key create ...) or YC_TOKEN in .env");
    }
    if (serviceAccountKeyFile && !fileExists(serviceAccountKeyFile)) {
        throw new ConfigError("YC_SERVICE_ACCOUNT_KEY_FILE", `file ${serviceAccountKeyFile} does not exist`, "point it at the JSON key written by 'yc iam key create --output key.json'");
    }
    const credentialVariable: CredentialVariable = token ? "YC_TOKEN" : "YC_SERVICE_ACCOUNT_KEY_FILE";
    if (onlyInEnvFile.has(credentialVariable)) {
        throw new ConfigError(credentialVariable, "is set in .env only, but the Yandex provider and the destroy-time cleanup read it from the environment of the pulumi command (it is never stored in the state)", "export it before running pulumi: `set -a; . ./.env; set +a` (CI: set it in the step's env)");
    }
    const zone = envValue(env, "YC_ZONE") ?? DEFAULT_ZONE;
    if (!(ZONES as readonly string[]).includes(zone)) {
        throw new ConfigError("YC_ZONE", `is ${JSON.stringify(zone)}, not a zone of ${ZONES.join(", ")}`, `set YC_ZONE=${DEFAULT_ZONE} (or another of those) in .env`);
    }
    return {
        cloudId: yandexId(env, "YC_CLOUD_ID", "cloud"),
        folderId: yandexId(env, "YC_FOLDER_ID", "folder"),
        zone,
        credentialVariable,
    };
}
