// Yandex Cloud price table (roubles, VAT 22 % included), one entry per billable unit.
// `estimate: true` marks a price that no dated public price list confirmed: the estimator carries the flag
// to every line that uses it, so a reader sees which part of a total is a guess.

export type PriceUnit = "vCPU-hour" | "GB-hour" | "hour" | "GB-month" | "GB" | "key-version-month";

export interface Price {
    readonly rub: number;
    readonly unit: PriceUnit;
    /** First day the price applies (ISO date); for undated sources, the day it was read (then estimate). */
    readonly effectiveFrom: string;
    readonly source: string;
    readonly estimate: boolean;
    readonly note?: string;
}

const COMPUTE_PRICE_LIST = "Yandex Compute Cloud price list, dated pull (shared/reference/yandex-cloud.md)";
const VPC_PRICE_LIST = "Yandex Virtual Private Cloud price list, dated pull (shared/reference/yandex-cloud.md)";

export const PRICES = {
    computeVcpuIceLake: {
        rub: 1.24, unit: "vCPU-hour", effectiveFrom: "2026-05-01", source: COMPUTE_PRICE_LIST, estimate: false,
        note: "Intel Ice Lake (standard-v3), 100 % core fraction",
    },
    computeRamIceLake: {
        rub: 0.33, unit: "GB-hour", effectiveFrom: "2026-05-01", source: COMPUTE_PRICE_LIST, estimate: false,
    },
    // The Data Proc service charge on top of the host's compute price. The last dated table showed about
    // 10 % of the host price; its 2026 value is not published in what we could read.
    dataprocMarkupVcpu: {
        rub: 0.124, unit: "vCPU-hour", effectiveFrom: "2026-05-01", estimate: true,
        source: "inferred: 10 % of the Ice Lake vCPU price (older Data Proc price page)",
    },
    dataprocMarkupRam: {
        rub: 0.033, unit: "GB-hour", effectiveFrom: "2026-05-01", estimate: true,
        source: "inferred: 10 % of the Ice Lake RAM price (older Data Proc price page)",
    },
    diskNetworkSsd: {
        rub: 0.0199, unit: "GB-hour", effectiveFrom: "2026-05-01", source: COMPUTE_PRICE_LIST, estimate: false,
        note: "about 14.5 per GB a month",
    },
    diskNetworkHdd: {
        rub: 0.0049, unit: "GB-hour", effectiveFrom: "2026-05-01", estimate: true,
        source: "inferred: the older HDD/SSD price ratio (about 1 : 4) applied to the 2026 SSD price",
    },
    publicIpv4: {
        rub: 0.26352, unit: "hour", effectiveFrom: "2026-01-01", source: VPC_PRICE_LIST, estimate: false,
    },
    natGateway: {
        rub: 0.39528, unit: "hour", effectiveFrom: "2026-01-01", source: VPC_PRICE_LIST, estimate: false,
    },
    internetEgress: {
        rub: 1.42, unit: "GB", effectiveFrom: "2026-08-01", estimate: true,
        source: "VPC price list, undated on the page (date = when it was read)",
        note: "first 100 GB a month free",
    },
    storageStandard: {
        rub: 2.3, unit: "GB-month", effectiveFrom: "2026-08-01", estimate: true,
        source: "unverified: Object Storage 2026 prices were not readable; older standard-class price",
    },
    storageCold: {
        rub: 1.67, unit: "GB-month", effectiveFrom: "2026-08-01", estimate: true,
        source: "derived from the course document: about 250 a month for 150 GB in cold storage",
    },
    storageIce: {
        rub: 1.0, unit: "GB-month", effectiveFrom: "2026-08-01", estimate: true,
        source: "unverified: older ice-class price",
    },
    kmsKeyVersion: {
        rub: 4.7, unit: "key-version-month", effectiveFrom: "2026-08-01", estimate: true,
        source: "unverified: older KMS price per active key version; operations not counted",
    },
} as const satisfies Record<string, Price>;

export type PriceKey = keyof typeof PRICES;

/** Hours in an average month (8760 / 12): the billing basis for anything that runs all the time. */
export const HOURS_PER_MONTH = 730;

/** Free allowance of internet egress per month, in GB. */
export const FREE_EGRESS_GB_PER_MONTH = 100;

/**
 * Resource types Yandex Cloud does not bill for (networks, subnets, security groups, IAM, objects whose
 * bytes are counted in their bucket's expected size) and engine-side resources that create nothing billable.
 */
export const FREE_TYPES: ReadonlySet<string> = new Set([
    "yandex:index/vpcNetwork:VpcNetwork",
    "yandex:index/vpcSubnet:VpcSubnet",
    "yandex:index/vpcRouteTable:VpcRouteTable",
    "yandex:index/vpcSecurityGroup:VpcSecurityGroup",
    "yandex:index/vpcSecurityGroupRule:VpcSecurityGroupRule",
    "yandex:index/iamServiceAccount:IamServiceAccount",
    "yandex:index/iamServiceAccountStaticAccessKey:IamServiceAccountStaticAccessKey",
    "yandex:index/iamServiceAccountIamMember:IamServiceAccountIamMember",
    "yandex:index/resourcemanagerFolderIamMember:ResourcemanagerFolderIamMember",
    "yandex:index/kmsSymmetricKeyIamMember:KmsSymmetricKeyIamMember",
    "yandex:index/storageObject:StorageObject",
    "aws:s3/bucketObject:BucketObject",
    "aws:s3/bucketObjectv2:BucketObjectv2",
    "command:local:Command",
    "command:remote:Command",
    "command:remote:CopyToRemote",
    "command:remote:CopyFile",
    "random:index/randomPassword:RandomPassword",
    "random:index/randomId:RandomId",
    "random:index/randomString:RandomString",
    "random:index/randomBytes:RandomBytes",
    "tls:index/privateKey:PrivateKey",
]);
