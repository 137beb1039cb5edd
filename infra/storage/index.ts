// Storage: the platform's buckets, all private and encrypted with the KMS key.
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
    /** Pulumi `protect` (fraud-mlops:protect): every bucket (the policy counts logs and code too); production stacks must set it. */
    readonly protect: boolean;
}

export class Storage extends pulumi.ComponentResource {
    readonly bucketNames: Record<BucketPurpose, pulumi.Output<string>>;

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
                forceDestroy: plan.forceDestroy,
                tags: { project: args.project, stack: args.stack, purpose: plan.purpose },
            }, { parent: this, retainOnDelete: plan.retainOnDelete, protect: args.protect });
            names[plan.purpose] = bucket.bucket;
        }
        this.bucketNames = names as Record<BucketPurpose, pulumi.Output<string>>;
        this.registerOutputs({ bucketNames: this.bucketNames });
    }
}
