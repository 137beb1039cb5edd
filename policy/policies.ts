// Every policy of the pack, in one list: index.ts serves them, the tests call them directly.
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { bucketNoAnonymousAccess } from "./rules/bucket-access";
import { bucketKmsEncryption } from "./rules/bucket-encryption";
import { monthlyBudget } from "./rules/budget";
import { dataprocWithinLimits } from "./rules/dataproc-limits";
import { productionDeletionProtection } from "./rules/deletion-protection";
import { noPrivateKeyInMetadata } from "./rules/instance-metadata";
import { jupyterPortPrivate } from "./rules/jupyter-port";
import { noPlainHttpUiIngress } from "./rules/plain-http-ui-ports";
import { noPublicAdminIngress } from "./rules/security-group-ingress";

export const RESOURCE_POLICIES: readonly ResourceValidationPolicy[] = [
    bucketNoAnonymousAccess,
    bucketKmsEncryption,
    noPublicAdminIngress,
    noPlainHttpUiIngress,
    jupyterPortPrivate,
    noPrivateKeyInMetadata,
    dataprocWithinLimits,
    productionDeletionProtection,
];

export const STACK_POLICIES: readonly StackValidationPolicy[] = [monthlyBudget];
