// Section `fraud-mlops:cost`: the monthly budget, usage the estimate cannot read from resources (run
// length, bucket sizes, egress) and the limits the policy pack enforces on Data Proc.
import { DATAPROC_PRESETS } from "./dataproc";
import { RawConfig, Section } from "./reader";
import { BUCKET_PURPOSES, STORAGE_DEFAULTS } from "./storage";

export interface CostLimits {
    /** Most hosts in one Data Proc subcluster (an autoscaling maximum counts). */
    readonly maxHostsPerSubcluster: number;
    /** Most hosts in one Data Proc cluster, all subclusters together. */
    readonly maxHostsPerCluster: number;
    readonly allowedPresets: readonly string[];
}

export interface CostConfig {
    readonly monthlyBudgetRub: number;
    /** One DAG run's cluster life (create + jobs + delete) in minutes, configured or measured. */
    readonly ephemeralRunMinutes: number;
    /** Runs a month assumed when the DAG has no schedule (triggered by hand). */
    readonly manualRunsPerMonth: number;
    /** Expected stored GB by bucket (logical name = purpose). */
    readonly bucketSizesGb: Readonly<Record<string, number>>;
    readonly egressGbPerMonth: number;
    readonly limits: CostLimits;
}

export const COST_DEFAULTS = {
    // The persistent dev stack estimates at about 40,200 a month (infra/cost/README.md); 45,000 leaves ~10 % room.
    monthlyBudgetRub: 45000,
    ephemeralRunMinutes: 90,
    manualRunsPerMonth: 4,
    // raw defaults to fraud-mlops:storage.rawDataSizeGb; cleaned Parquet is about a third of the raw text.
    bucketSizesGb: { cleaned: 40, mlflow: 2, logs: 5, code: 1 } as Record<string, number>,
    egressGbPerMonth: 20,
    limits: { maxHostsPerSubcluster: 4, maxHostsPerCluster: 5, allowedPresets: ["s3-c2-m8", "s3-c4-m16", "s3-c8-m32"] },
} as const;

const SIZE_GB = { min: 0, max: 1024 * 1024 };

function parseLimits(section: Section): CostLimits {
    const defaults = COST_DEFAULTS.limits;
    const limits: CostLimits = {
        maxHostsPerSubcluster: section.integer("maxHostsPerSubcluster", defaults.maxHostsPerSubcluster, { min: 1, max: 32 }),
        maxHostsPerCluster: section.integer("maxHostsPerCluster", defaults.maxHostsPerCluster, { min: 2, max: 65 }),
        allowedPresets: section.stringList("allowedPresets", defaults.allowedPresets),
    };
    const unknown = limits.allowedPresets.filter((preset) => !(DATAPROC_PRESETS as readonly string[]).includes(preset));
    if (limits.allowedPresets.length === 0 || unknown.length > 0) {
        section.fail("allowedPresets", `must list Data Proc presets (${unknown.length ? `unknown: ${unknown.join(", ")}` : "empty"})`, `'["s3-c2-m8", "s3-c4-m16"]'`);
    }
    if (limits.maxHostsPerCluster < limits.maxHostsPerSubcluster) {
        section.fail("maxHostsPerCluster", `(${limits.maxHostsPerCluster}) must be at least maxHostsPerSubcluster (${limits.maxHostsPerSubcluster})`, String(limits.maxHostsPerSubcluster + 1));
    }
    return limits;
}

export function parseCost(config: RawConfig): CostConfig {
    const section = Section.of(config, "cost");
    // The raw bucket holds the raw data set, whose size the storage section already states.
    const rawDataSizeGb = Section.of(config, "storage").integer("rawDataSizeGb", STORAGE_DEFAULTS.rawDataSizeGb, { min: 1, max: SIZE_GB.max });
    const sizes = section.child("bucketSizesGb");
    const defaults: Record<string, number> = { raw: rawDataSizeGb, ...COST_DEFAULTS.bucketSizesGb };
    const bucketSizesGb = Object.fromEntries(BUCKET_PURPOSES.map((purpose) => [purpose, sizes.integer(purpose, defaults[purpose], SIZE_GB)]));
    const cost: CostConfig = {
        monthlyBudgetRub: section.integer("monthlyBudgetRub", COST_DEFAULTS.monthlyBudgetRub, { min: 1, max: 100_000_000 }),
        ephemeralRunMinutes: section.integer("ephemeralRunMinutes", COST_DEFAULTS.ephemeralRunMinutes, { min: 10, max: 24 * 60 }),
        manualRunsPerMonth: section.integer("manualRunsPerMonth", COST_DEFAULTS.manualRunsPerMonth, { min: 0, max: 31 * 24 }),
        bucketSizesGb,
        egressGbPerMonth: section.integer("egressGbPerMonth", COST_DEFAULTS.egressGbPerMonth, SIZE_GB),
        limits: parseLimits(section.child("limits")),
    };
    section.finish();
    return cost;
}
