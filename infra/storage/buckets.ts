// The bucket plan as data (pure): names, classes, quotas, lifecycle and what survives `pulumi destroy`.
import { BucketPurpose, bucketName, MLFLOW_BACKUP_PREFIX, StorageConfig } from "../config/storage";

export { BUCKET_PURPOSES, BucketPurpose } from "../config/storage";

const GB = 1024 ** 3;

export interface LifecycleRule {
    readonly id: string;
    readonly enabled: true;
    /** Only objects under this key prefix. */
    readonly filter?: { prefix: string };
    readonly abortIncompleteMultipartUploadDays?: number;
    readonly expiration?: { days: number };
    readonly transitions?: { days: number; storageClass: "COLD" | "ICE" }[];
    readonly noncurrentVersionExpiration?: { days: number };
}

export interface BucketPlan {
    readonly purpose: BucketPurpose;
    readonly bucket: string;
    readonly defaultStorageClass: "STANDARD" | "COLD";
    readonly maxSizeBytes?: number;
    readonly versioning: boolean;
    readonly lifecycleRules: LifecycleRule[];
    /** Data buckets: kept (left in the cloud, dropped from state) by `pulumi destroy`. */
    readonly retainOnDelete: boolean;
    /** Lets destroy delete a bucket that still holds objects. */
    readonly forceDestroy: boolean;
}

// Unfinished multipart uploads are billed like objects and invisible in listings.
const ABORT_UPLOADS: LifecycleRule = { id: "abort-incomplete-uploads", enabled: true, abortIncompleteMultipartUploadDays: 7 };

export function planBuckets(project: string, stack: string, config: StorageConfig): BucketPlan[] {
    const keepData = !config.allowDataDestroy;
    const data = { retainOnDelete: keepData, forceDestroy: !keepData };
    const disposable = { retainOnDelete: false, forceDestroy: true };
    const name = (purpose: BucketPurpose) => bucketName(project, stack, purpose, config.bucketSuffix);
    return [
        {
            // Written once, read by a few cleaning runs: cold storage halves the price of holding it.
            purpose: "raw", bucket: name("raw"), defaultStorageClass: "COLD", maxSizeBytes: config.rawMaxSizeGb * GB, versioning: true,
            lifecycleRules: [ABORT_UPLOADS, { id: "expire-old-versions", enabled: true, noncurrentVersionExpiration: { days: config.rawNoncurrentVersionDays } }],
            ...data,
        },
        {
            purpose: "cleaned", bucket: name("cleaned"), defaultStorageClass: "STANDARD", versioning: false,
            lifecycleRules: [ABORT_UPLOADS, { id: "old-partitions-to-cold", enabled: true, transitions: [{ days: config.cleanedColdAfterDays, storageClass: "COLD" }] }],
            ...data,
        },
        {
            // Also holds the database backups: a restored registry is only useful with the artifacts it points to.
            purpose: "mlflow", bucket: name("mlflow"), defaultStorageClass: "STANDARD", versioning: false,
            lifecycleRules: [ABORT_UPLOADS, { id: "expire-db-backups", enabled: true, filter: { prefix: MLFLOW_BACKUP_PREFIX }, expiration: { days: config.backupRetentionDays } }],
            ...data,
        },
        {
            purpose: "logs", bucket: name("logs"), defaultStorageClass: "STANDARD", versioning: false,
            lifecycleRules: [ABORT_UPLOADS, { id: "expire-logs", enabled: true, expiration: { days: config.logRetentionDays } }],
            ...disposable,
        },
        // Rebuilt from the repository by every deploy.
        { purpose: "code", bucket: name("code"), defaultStorageClass: "STANDARD", versioning: false, lifecycleRules: [ABORT_UPLOADS], ...disposable },
    ];
}
