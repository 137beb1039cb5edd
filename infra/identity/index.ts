// Identity: one service account per role, folder roles as non-authoritative members, acting as the
// cluster account granted on that account only, the bucket ACL grants as data for Storage, the KMS key
// every bucket uses with encrypt/decrypt rights for exactly the accounts that touch data, and the S3
// static key.
import * as pulumi from "@pulumi/pulumi";
import * as yandex from "@pulumi/yandex";
import { PipelineMode } from "../config/pipeline";
import { BucketPurpose } from "../config/storage";
import { Account, actsAs, BUCKET_ACCESS, BucketPermission, folderRoles, KMS_ROLE, KMS_USERS } from "./roles";

/** One ACL grant of a bucket (yandex_storage_bucket `grants` item). */
export interface BucketGrant {
    readonly id: pulumi.Output<string>;
    readonly type: "CanonicalUser";
    readonly permissions: BucketPermission[];
}

export interface IdentityArgs {
    readonly namePrefix: string;
    readonly folderId: string;
    readonly mode: PipelineMode;
    /** The key must outlive `pulumi destroy` while retained buckets hold data encrypted with it. */
    readonly retainKey: boolean;
    /** Pulumi `protect` (fraud-mlops:protect): the KMS key, also with its deletionProtection; production stacks must set it. */
    readonly protect: boolean;
}

const DESCRIPTIONS: Record<Account, string> = {
    cluster: "Data Proc cluster hosts",
    orchestrator: "Orchestrator VM (Airflow: submits jobs, manages ephemeral clusters)",
    storage: "S3 API access (MLflow artifacts, job code uploads) through its static key",
};

export class Identity extends pulumi.ComponentResource {
    readonly serviceAccountIds: Record<Account, pulumi.Output<string>>;
    readonly kmsKeyId: pulumi.Output<string>;
    readonly storageAccessKeyId: pulumi.Output<string>;
    readonly storageSecretKey: pulumi.Output<string>;
    /**
     * Resources that must exist before anything uses the accounts (IAM propagates before use). The bucket
     * ACLs are part of the buckets: Storage.grants.
     */
    readonly grants: pulumi.Resource[] = [];
    /** ACL grants per bucket, from BUCKET_ACCESS: Storage puts them on its buckets. */
    readonly bucketGrants: Partial<Record<BucketPurpose, BucketGrant[]>> = {};

    constructor(name: string, args: IdentityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fraud-mlops:infra:Identity", name, {}, opts);
        const child = { parent: this };
        const roles = folderRoles(args.mode);

        const accounts = Object.fromEntries((Object.keys(roles) as Account[]).map((account) => [
            account,
            new yandex.IamServiceAccount(`${account}-sa`, { name: `${args.namePrefix}-${account}`, description: DESCRIPTIONS[account], folderId: args.folderId }, child),
        ])) as Record<Account, yandex.IamServiceAccount>;

        for (const account of Object.keys(roles) as Account[]) {
            for (const role of roles[account]) {
                this.grants.push(new yandex.ResourcemanagerFolderIamMember(`${account}-${role.replace(/\./g, "-")}`, {
                    folderId: args.folderId,
                    role,
                    member: pulumi.interpolate`serviceAccount:${accounts[account].id}`,
                }, child));
            }
        }

        for (const grant of actsAs(args.mode)) {
            this.grants.push(new yandex.IamServiceAccountIamMember(`${grant.account}-acts-as-${grant.as}`, {
                serviceAccountId: accounts[grant.as].id,
                role: grant.role,
                member: pulumi.interpolate`serviceAccount:${accounts[grant.account].id}`,
            }, child));
        }

        for (const account of Object.keys(BUCKET_ACCESS) as Account[]) {
            for (const [purpose, permissions] of Object.entries(BUCKET_ACCESS[account]) as [BucketPurpose, BucketPermission[]][]) {
                (this.bucketGrants[purpose] ??= []).push({ id: accounts[account].id, type: "CanonicalUser", permissions });
            }
        }

        const key = new yandex.KmsSymmetricKey("data-key", {
            name: `${args.namePrefix}-data`,
            description: "Encrypts every bucket of the platform",
            defaultAlgorithm: "AES_256",
            rotationPeriod: "8760h",
            deletionProtection: args.retainKey || args.protect,
        }, { ...child, retainOnDelete: args.retainKey, protect: args.protect });
        // Non-authoritative, one member per account that reads or writes data: exactly KMS_USERS.
        for (const account of KMS_USERS) {
            this.grants.push(new yandex.KmsSymmetricKeyIamMember(`${account}-data-key-user`, {
                symmetricKeyId: key.id,
                role: KMS_ROLE,
                member: pulumi.interpolate`serviceAccount:${accounts[account].id}`,
            }, child));
        }

        const staticKey = new yandex.IamServiceAccountStaticAccessKey("storage-key", {
            serviceAccountId: accounts.storage.id,
            description: "S3 API key for MLflow and uploads",
        }, { ...child, additionalSecretOutputs: ["accessKey", "secretKey"] });

        this.serviceAccountIds = {
            cluster: accounts.cluster.id,
            orchestrator: accounts.orchestrator.id,
            storage: accounts.storage.id,
        };
        this.kmsKeyId = key.id;
        this.storageAccessKeyId = pulumi.secret(staticKey.accessKey);
        this.storageSecretKey = pulumi.secret(staticKey.secretKey);
        this.registerOutputs({
            serviceAccountIds: this.serviceAccountIds,
            kmsKeyId: this.kmsKeyId,
            storageAccessKeyId: this.storageAccessKeyId,
            storageSecretKey: this.storageSecretKey,
        });
    }
}
