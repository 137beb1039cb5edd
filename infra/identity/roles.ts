// Least-privilege access per service account, as data. No primitive admin/editor role anywhere; object
// access is per bucket (ACL grants), the KMS role per key, acting as the cluster account per account.
// What stays folder-wide and why: infra/identity/README.md.
import { BucketPurpose } from "../config/storage";
import { PipelineMode } from "../config/pipeline";

export type Account = "cluster" | "orchestrator" | "storage";

/**
 * Folder roles each account gets, one non-authoritative member resource per role. Only roles with no
 * narrower scope in provider 0.137.0 (or whose objects do not exist before the account needs them).
 */
export function folderRoles(mode: PipelineMode): Record<Account, string[]> {
    const createsClusters = mode === "ephemeral";
    return {
        // Data Proc agent on its hosts; cluster logs to the folder's default log group.
        cluster: ["dataproc.agent", "logging.writer"],
        // Airflow submits jobs; in ephemeral mode it also creates/deletes clusters in the subnet
        // (acting as the cluster account is granted on that account only: ACTS_AS).
        orchestrator: createsClusters ? ["dataproc.editor", "vpc.user"] : ["dataproc.editor"],
        // The static key's account needs no folder role: its buckets grant it access (BUCKET_ACCESS).
        storage: [],
    };
}

/** Service-account-level grants: `account` may act as `as` (attach it to the clusters it creates). */
export interface ActsAs {
    readonly account: Account;
    readonly as: Account;
    readonly role: string;
}

export const SERVICE_ACCOUNT_USER = "iam.serviceAccounts.user";

export function actsAs(mode: PipelineMode): ActsAs[] {
    // Creating a cluster that runs as the cluster account requires this role on that account.
    return mode === "ephemeral" ? [{ account: "orchestrator", as: "cluster", role: SERVICE_ACCOUNT_USER }] : [];
}

/** Bucket ACL permissions (yandex_storage_bucket grant): READ lists and reads, WRITE writes and deletes. */
export type BucketPermission = "READ" | "WRITE";
const READ: BucketPermission[] = ["READ"];
const READ_WRITE: BucketPermission[] = ["READ", "WRITE"];

/** Who may touch which bucket. A bucket's ACL applies to every object in it. */
export const BUCKET_ACCESS: Readonly<Record<Account, Partial<Record<BucketPurpose, BucketPermission[]>>>> = {
    // Spark jobs: read raw data and job code (with the MLflow login file), write cleaned data and
    // reports; the logs bucket is the cluster bucket (job driver output). s3a deletes its temporary
    // files, hence WRITE where it writes.
    cluster: { raw: READ, cleaned: READ_WRITE, logs: READ_WRITE, code: READ },
    orchestrator: {},
    // The static key: seed copies (and deletes) raw files, the deploy step uploads job code, MLflow
    // stores artifacts.
    storage: { raw: READ_WRITE, code: READ_WRITE, mlflow: READ_WRITE },
};

/** Accounts that read or write bucket objects, hence need the KMS key: exactly those with bucket access. */
export const KMS_USERS: readonly Account[] = (Object.keys(BUCKET_ACCESS) as Account[])
    .filter((account) => Object.keys(BUCKET_ACCESS[account]).length > 0);
export const KMS_ROLE = "kms.keys.encrypterDecrypter";

/**
 * Roles that let their holder act as (or mint credentials of) another account when granted on a
 * folder: primitive roles, IAM roles other than viewers, and resource-manager roles that grant roles.
 */
export function letsActAsOthers(role: string): boolean {
    return /^(admin|editor|owner)$/.test(role)
        || (/^iam\./.test(role) && !/\.(viewer|auditor)$/.test(role))
        || /^resource-manager\.(admin|editor|clouds\.owner)$/.test(role);
}
