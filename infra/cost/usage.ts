// Turns the cost config and a cluster mode into the usage the estimator prices.
import type { CostConfig } from "../config/cost";
import { HOURS_PER_MONTH } from "./prices";
import { runsPerMonth } from "./schedule";
import { UsageAssumptions } from "./types";

export type ClusterLife = "persistent" | "ephemeral";

/** Hours a month a Data Proc cluster exists: always (persistent) or per DAG run (ephemeral). */
export function clusterHoursPerMonth(life: ClusterLife, cost: CostConfig, schedule: string | null): number {
    if (life === "persistent") {
        return HOURS_PER_MONTH;
    }
    const hours = runsPerMonth(schedule, cost.manualRunsPerMonth) * cost.ephemeralRunMinutes / 60;
    return Math.min(HOURS_PER_MONTH, hours);
}

export function usageAssumptions(life: ClusterLife, cost: CostConfig, schedule: string | null): UsageAssumptions {
    return {
        clusterHoursPerMonth: clusterHoursPerMonth(life, cost, schedule),
        bucketSizesGb: cost.bucketSizesGb,
        egressGbPerMonth: cost.egressGbPerMonth,
    };
}
