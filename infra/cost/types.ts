// Shapes shared by the estimator, the stack output, the policy pack and the tools.

/** One resource as the program registers it: its type token, logical name and resolved inputs. */
export interface DeclaredResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
    /** false for ComponentResources (groupings that cost nothing themselves). */
    readonly custom?: boolean;
}

/** What the estimator needs besides the resources: usage that no resource input tells. */
export interface UsageAssumptions {
    /** Hours a month each Data Proc cluster exists (730 when persistent; runs x run length when ephemeral). */
    readonly clusterHoursPerMonth: number;
    /** Expected stored GB per bucket, by the bucket's logical name; `default` covers the rest. */
    readonly bucketSizesGb: Readonly<Record<string, number>>;
    readonly egressGbPerMonth: number;
}

export interface CostLine {
    /** Logical name of the resource the line belongs to ("(stack)" for usage-only lines such as egress). */
    readonly component: string;
    readonly type: string;
    /** What is billed, e.g. "3 x s3-c4-m16 DATANODE hosts". */
    readonly item: string;
    readonly quantity: number;
    readonly unit: string;
    /** Billed hours a month for hourly items; undefined for monthly or per-GB items. */
    readonly hours?: number;
    readonly unitPriceRub: number;
    readonly monthlyRub: number;
    readonly estimate: boolean;
}

export interface UnpricedResource {
    readonly component: string;
    readonly type: string;
    readonly reason: string;
}

export interface CostEstimate {
    readonly lines: readonly CostLine[];
    /** Resources or parts the table cannot price: never counted as zero, always shown. */
    readonly unpriced: readonly UnpricedResource[];
    /** Resources Yandex Cloud does not bill for. */
    readonly free: readonly { readonly component: string; readonly type: string }[];
    readonly totalRub: number;
    /** The part of the total that rests on prices flagged as estimates. */
    readonly estimatedPartRub: number;
}
