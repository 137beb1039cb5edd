// Storage: the platform's buckets, all private and encrypted with the KMS key; each grants object access
// through its ACL to exactly the accounts that use it (Identity.bucketGrants), no folder-wide storage role.
import * as pulumi from "@pulumi/pulumi";
import * as yandex from "@pulumi/yandex";
import { StorageConfig } from "../config/storage";
import { BucketPurpose, planBuckets } from "./buckets";

export interface StorageArgs {
    readonly project: string;
    readonly stack: string;
    readonly folderId: string;
    readonly kmsKeyId: pulumi.Input<string>;
    readonly config: StorageConfig;
    /** ACL grants per bucket (CanonicalUser = service account id); a bucket without any grants none. */
    readonly accessGrants: Partial<Record<BucketPurpose, pulumi.Input<yandex.types.input.StorageBucketGrant>[]>>;
    /** Pulumi `protect` (fraud-mlops:protect): every bucket (the policy counts logs and code too); production stacks must set it. */
    readonly protect: boolean;
}

export class Storage extends pulumi.ComponentResource {
    readonly bucketNames: Record<BucketPurpose, pulumi.Output<string>>;
    /** The buckets whose ACLs grant access: steps that use a bucket depend on these (like Identity.grants). */
    readonly grants: pulumi.Resource[] = [];

    constructor(name: string, args: StorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fraud-mlops:infra:Storage", name, {}, opts);
        const names: Partial<Record<BucketPurpose, pulumi.Output<string>>> = {};
        for (const plan of planBuckets(args.project, args.stack, args.config)) {
            const bucket = new yandex.StorageBucket(plan.purpose, {
                bucket: plan.bucket,
                folderId: args.folderId,
                defaultStorageClass: plan.defaultStorageClass,
                maxSize: plan.maxSizeBytes,
                anonymousAccessFlags: { read: false, list: false, configRead: false },
                versioning: { enabled: plan.versioning },
                lifecycleRules: plan.lifecycleRules,
                serverSideEncryptionConfiguration: {
                    rule: { applyServerSideEncryptionByDefault: { kmsMasterKeyId: args.kmsKeyId, sseAlgorithm: "aws:kms" } },
                },
                // Managing ACL grants needs storage.admin for the deployer (folder admin includes it).
                grants: args.accessGrants[plan.purpose],
                forceDestroy: plan.forceDestroy,
                tags: { project: args.project, stack: args.stack, purpose: plan.purpose },
            }, { parent: this, retainOnDelete: plan.retainOnDelete, protect: args.protect });
            names[plan.purpose] = bucket.bucket;
            if (args.accessGrants[plan.purpose]?.length) this.grants.push(bucket);
        }
        this.bucketNames = names as Record<BucketPurpose, pulumi.Output<string>>;
        this.registerOutputs({ bucketNames: this.bucketNames });
    }
}
