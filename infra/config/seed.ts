// Sections `fraud-mlops:seed` (which dataset files `pulumi up` copies into the raw bucket) and
// `fraud-mlops:provisioning` (the post-deploy steps), plus the secret `fraud-mlops:sshPrivateKey`.
// Pure: tests call them with tables of inputs.
import { ConfigError } from "./errors";
import { PROJECT, RawConfig, Section, topLevelString } from "./reader";

/** The public dataset: 40 files of 30 days each, named by their first day (see infra/provisioning/README.md). */
export const DATASET = { firstDay: "2019-08-22", files: 40, daysPerFile: 30 } as const;
const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX = /^([A-Za-z0-9._-]+\/)*$/;

export function addDays(date: string, days: number): string {
    return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** `2019-08-22.txt`, `2019-09-21.txt`, ... `2022-11-04.txt`: deterministic, so known at preview time. */
export function datasetFileNames(): string[] {
    return Array.from({ length: DATASET.files }, (_, i) => `${addDays(DATASET.firstDay, i * DATASET.daysPerFile)}.txt`);
}

/** A place the dataset files may be read from: `s3://<bucket>/<prefix><YYYY-MM-DD>.txt`. */
export interface SeedSource {
    readonly bucket: string;
    /** Empty (bucket root) or folders ending with "/". */
    readonly prefix: string;
}

export interface SeedConfig {
    /**
     * Where to copy from, in the order the seed step probes them; it copies from the first that has the files.
     * The known public locations by default; exactly the configured one with seed.sourceBucket.
     */
    readonly sources: readonly SeedSource[];
    /** Prefix in the raw bucket; the pipeline reads `s3a://<raw bucket>/<targetPrefix>`. */
    readonly targetPrefix: string;
    /** The selected file names, in date order (never empty). */
    readonly files: readonly string[];
}

/**
 * The public copies of the dataset, oldest course material first (infra/provisioning/README.md): which still
 * answers cannot be known before the seed step asks, so by default it probes them in this order.
 */
export const PUBLIC_SOURCES: readonly SeedSource[] = [
    { bucket: "mlops-data", prefix: "fraud-data/" },
    { bucket: "otus-mlops-source-data", prefix: "" },
];

// Three files (90 days): the default run window (7 + 7 + 7 days) also reads 51 days before trainStart for the
// validation fold, the delay-sweep windows and the features' 30-day look-back (pipeline-run.ts resolveRunWindow).
export const SEED_DEFAULTS = { targetPrefix: "raw/", count: 3 } as const;

/** seed.sourceBucket/sourcePrefix: unset probes PUBLIC_SOURCES; a known public bucket keeps its own prefix. */
function parseSources(section: Section): SeedSource[] {
    const sourcePrefix = section.optionalString("sourcePrefix");
    if (sourcePrefix !== undefined) checkPrefix(section, "sourcePrefix", sourcePrefix);
    const bucket = section.optionalString("sourceBucket");
    if (bucket === undefined) {
        if (sourcePrefix !== undefined) section.fail("sourcePrefix", "needs seed.sourceBucket: set both to copy from one place, or neither to probe the public copies", "<remove sourcePrefix>");
        return [...PUBLIC_SOURCES];
    }
    if (!BUCKET.test(bucket)) section.fail("sourceBucket", `"${bucket}" is not a bucket name`, PUBLIC_SOURCES[0].bucket);
    const prefix = sourcePrefix ?? PUBLIC_SOURCES.find((s) => s.bucket === bucket)?.prefix ?? "";
    return [{ bucket, prefix }];
}

function checkDate(section: Section, field: string, value: string | undefined): void {
    if (value !== undefined && (!DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))) {
        section.fail(field, `must be a date YYYY-MM-DD (got ${JSON.stringify(value)})`, DATASET.firstDay);
    }
}

function checkPrefix(section: Section, field: string, value: string): void {
    if (!PREFIX.test(value)) section.fail(field, `must be empty or folders ending with "/" (got ${JSON.stringify(value)})`, '"fraud-data/"');
}

export function parseSeed(config: RawConfig): SeedConfig {
    const section = Section.of(config, "seed");
    const sources = parseSources(section);
    const targetPrefix = section.string("targetPrefix", SEED_DEFAULTS.targetPrefix);
    // Never empty (an empty value reads as unset): the pipeline reads one folder of the raw bucket.
    checkPrefix(section, "targetPrefix", targetPrefix);
    const fromDate = section.optionalString("fromDate");
    const toDate = section.optionalString("toDate");
    checkDate(section, "fromDate", fromDate);
    checkDate(section, "toDate", toDate);
    const all = datasetFileNames();
    let files: string[];
    if (fromDate !== undefined || toDate !== undefined) {
        if (section.has("count")) section.fail("count", "cannot be combined with fromDate/toDate: choose a count or a date range", "<remove count>");
        const from = fromDate ?? DATASET.firstDay;
        const to = toDate ?? "9999-12-31";
        if (from > to) section.fail("toDate", `(${to}) is before fromDate (${from})`, from);
        files = all.filter((name) => name.slice(0, 10) >= from && name.slice(0, 10) <= to);
        if (files.length === 0) {
            section.fail("fromDate", `selects no file: files start on ${DATASET.firstDay} and every ${DATASET.daysPerFile} days up to ${all[all.length - 1].slice(0, 10)}`, DATASET.firstDay);
        }
    } else {
        files = all.slice(0, section.integer("count", SEED_DEFAULTS.count, { min: 1, max: DATASET.files }));
    }
    section.finish();
    return { sources, targetPrefix, files };
}

/** The days the seeded files cover: [first, end) with `end` exclusive. */
export function seededDays(seed: SeedConfig): { first: string; end: string } {
    const first = seed.files[0].slice(0, 10);
    return { first, end: addDays(seed.files[seed.files.length - 1].slice(0, 10), DATASET.daysPerFile) };
}

export interface ProvisioningConfig {
    /** false: `pulumi up` creates the infrastructure only (no seeding, deployment or run). */
    readonly enabled: boolean;
    /** Interpreter with boto3 for the local scripts (seeding, code upload), relative to the project. */
    readonly python: string;
    /** Where the job code goes in the code bucket. */
    readonly codePrefix: string;
    readonly s3Endpoint: string;
    readonly s3Region: string;
    /** OpenSSH private key matching sshPublicKey (secret config); undefined when disabled. */
    readonly sshPrivateKey?: string;
}

export const PROVISIONING_DEFAULTS = {
    enabled: true,
    python: "jobs/.venv/bin/python",
    codePrefix: "jobs/",
    s3Endpoint: "https://storage.yandexcloud.net",
    s3Region: "ru-central1",
} as const;

const PRIVATE_KEY_FIX = `pulumi config set --secret ${PROJECT}:sshPrivateKey < ~/.ssh/id_ed25519`;

export function parseProvisioning(config: RawConfig): ProvisioningConfig {
    const section = Section.of(config, "provisioning");
    const enabled = section.boolean("enabled", PROVISIONING_DEFAULTS.enabled);
    const python = section.string("python", PROVISIONING_DEFAULTS.python);
    if (!/^[A-Za-z0-9._/-]+$/.test(python)) section.fail("python", `must be a path without spaces or quotes (got ${JSON.stringify(python)})`, PROVISIONING_DEFAULTS.python);
    const codePrefix = section.string("codePrefix", PROVISIONING_DEFAULTS.codePrefix);
    checkPrefix(section, "codePrefix", codePrefix);
    const s3Endpoint = section.string("s3Endpoint", PROVISIONING_DEFAULTS.s3Endpoint);
    if (!/^https?:\/\/[A-Za-z0-9.:-]+$/.test(s3Endpoint)) section.fail("s3Endpoint", `must be an http(s) URL without a path (got ${JSON.stringify(s3Endpoint)})`, PROVISIONING_DEFAULTS.s3Endpoint);
    const s3Region = section.string("s3Region", PROVISIONING_DEFAULTS.s3Region);
    section.finish();
    const sshPrivateKey = enabled ? topLevelString(config, "sshPrivateKey") : undefined;
    if (enabled) {
        const key = `${PROJECT}:sshPrivateKey`;
        if (!sshPrivateKey) throw new ConfigError(key, "is not set; the deploy and run steps connect to the VM with it (or set provisioning.enabled: false)", PRIVATE_KEY_FIX);
        if (!/^-----BEGIN (OPENSSH|RSA|EC) PRIVATE KEY-----/.test(sshPrivateKey)) {
            throw new ConfigError(key, "is not a PEM/OpenSSH private key (it must start with -----BEGIN ... PRIVATE KEY-----)", PRIVATE_KEY_FIX);
        }
    }
    return { enabled, python, codePrefix, s3Endpoint, s3Region, sshPrivateKey };
}
