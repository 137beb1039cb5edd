// Every bucket encrypts its objects with a KMS key by default.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { inputAt, TYPES } from "../../infra/cost/estimate";

/** The bridged block may arrive as one object or as a one-item list. */
function first(value: unknown): unknown {
    return Array.isArray(value) ? value[0] : value;
}

export const bucketKmsEncryption: ResourceValidationPolicy = {
    name: "bucket-kms-encryption",
    description: "Object Storage buckets must use server-side encryption with a KMS key (aws:kms).",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        if (args.type !== TYPES.bucket) {
            return;
        }
        const rule = first(inputAt(first(inputAt(args.props, "serverSideEncryptionConfiguration")), "rule"));
        const byDefault = first(inputAt(rule, "applyServerSideEncryptionByDefault"));
        const algorithm = inputAt(byDefault, "sseAlgorithm");
        const fix = "set serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault = { sseAlgorithm: \"aws:kms\", kmsMasterKeyId: <yandex.KmsSymmetricKey id> }";
        if (byDefault === undefined) {
            report(`bucket "${args.name}" has no default server-side encryption; ${fix}`);
        } else if (algorithm !== "aws:kms") {
            report(`bucket "${args.name}" uses sseAlgorithm ${JSON.stringify(algorithm)} instead of "aws:kms"; ${fix}`);
        } else if (!("kmsMasterKeyId" in (byDefault as object))) {
            // Checked with `in`, not read: during preview a key created in the same update is unknown,
            // and reading an unknown value makes @pulumi/policy downgrade the rule to advisory.
            report(`bucket "${args.name}" has sseAlgorithm aws:kms but no kmsMasterKeyId; ${fix}`);
        }
    },
};
