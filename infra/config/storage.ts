// Section `fraud-mlops:storage`: bucket sizes, retention and lifecycle. Sizes are in GB as Yandex Cloud
// counts them (2^30 bytes).
import { RawConfig, Section } from "./reader";

export interface StorageConfig {
    /** Quota of the raw bucket. */
    readonly rawMaxSizeGb: number;
    /** Size of the raw data set the quota must hold (the source data set is 120.6e9 bytes = 112.3 GB). */
    readonly rawDataSizeGb: number;
    /** When true, `pulumi destroy` deletes the data buckets and their objects. Default: data survives. */
    readonly allowDataDestroy: boolean;
    readonly logRetentionDays: number;
    readonly cleanedColdAfterDays: number;
    /** Old versions of overwritten raw objects are kept this long, then expire. */
    readonly rawNoncurrentVersionDays: number;
    /** Database backups (MLFLOW_BACKUP_PREFIX of the MLflow bucket) expire after this. */
    readonly backupRetentionDays: number;
    /** Makes bucket names globally unique; defaults to the folder id. */
    readonly bucketSuffix: string;
}

/** Database backups of the orchestrator VM (infra/orchestrator/services/backup) live under this prefix of the
 * MLflow bucket, next to the artifacts the restored registry points to; a lifecycle rule expires them. */
export const MLFLOW_BACKUP_PREFIX = "backups/";

export const BUCKET_PURPOSES = ["raw", "cleaned", "mlflow", "logs", "code"] as const;
export type BucketPurpose = (typeof BUCKET_PURPOSES)[number];

/** Globally unique (Object Storage names are shared by all clouds), stable per project + stack. */
export function bucketName(project: string, stack: string, purpose: BucketPurpose, suffix: string): string {
    return `${project}-${stack}-${purpose}-${suffix}`;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

export interface StorageContext {
    readonly project: string;
    readonly stack: string;
    readonly folderId: string;
}

export const STORAGE_DEFAULTS = {
    rawMaxSizeGb: 150,
    rawDataSizeGb: 113,
    logRetentionDays: 30,
    cleanedColdAfterDays: 30,
    rawNoncurrentVersionDays: 30,
    backupRetentionDays: 30,
} as const;

/** Room above the data set for re-uploads kept as old versions until they expire. */
export const RAW_HEADROOM = 1.1;
const DAYS = { min: 1, max: 3650 };
const BUCKET_SUFFIX = /^[a-z0-9][a-z0-9-]{0,24}$/;

function readRawDataSizeGb(section: Section): number {
    return section.integer("rawDataSizeGb", STORAGE_DEFAULTS.rawDataSizeGb, { min: 1, max: 1024 * 1024 });
}

/** `storage.rawDataSizeGb` alone (the HDFS staging check of fraud-mlops:pipeline.cleanFrom sizes the copy by it). */
export function parseRawDataSizeGb(config: RawConfig): number {
    return readRawDataSizeGb(Section.of(config, "storage"));
}

export function parseStorage(config: RawConfig, context: StorageContext): StorageConfig {
    const section = Section.of(config, "storage");
    const rawDataSizeGb = readRawDataSizeGb(section);
    const needed = Math.ceil(rawDataSizeGb * RAW_HEADROOM);
    const rawMaxSizeGb = section.integer("rawMaxSizeGb", STORAGE_DEFAULTS.rawMaxSizeGb, { min: 1, max: 1024 * 1024 });
    if (rawMaxSizeGb < needed) {
        section.fail("rawMaxSizeGb", `${rawMaxSizeGb} GB cannot hold ${rawDataSizeGb} GB of raw data plus ${Math.round((RAW_HEADROOM - 1) * 100)} % for old versions`, String(needed));
    }
    const bucketSuffix = section.string("bucketSuffix", context.folderId);
    if (!BUCKET_SUFFIX.test(bucketSuffix)) {
        section.fail("bucketSuffix", `"${bucketSuffix}" must be 1-25 lowercase letters, digits or dashes`, "my-team");
    }
    for (const purpose of BUCKET_PURPOSES) {
        const name = bucketName(context.project, context.stack, purpose, bucketSuffix);
        if (!BUCKET_NAME.test(name)) {
            section.fail("bucketSuffix", `bucket name ${name} is not valid for Object Storage (3-63 of a-z 0-9 -; the stack name counts too)`, "a shorter suffix, or a shorter lowercase stack name");
        }
    }
    const storage: StorageConfig = {
        rawMaxSizeGb,
        rawDataSizeGb,
        allowDataDestroy: section.boolean("allowDataDestroy", false),
        logRetentionDays: section.integer("logRetentionDays", STORAGE_DEFAULTS.logRetentionDays, DAYS),
        cleanedColdAfterDays: section.integer("cleanedColdAfterDays", STORAGE_DEFAULTS.cleanedColdAfterDays, DAYS),
        rawNoncurrentVersionDays: section.integer("rawNoncurrentVersionDays", STORAGE_DEFAULTS.rawNoncurrentVersionDays, DAYS),
        // At least two days: with a daily backup, one backup always exists while the VM runs.
        backupRetentionDays: section.integer("backupRetentionDays", STORAGE_DEFAULTS.backupRetentionDays, { min: 2, max: DAYS.max }),
        bucketSuffix,
    };
    section.finish();
    return storage;
}
