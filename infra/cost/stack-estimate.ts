// The stack-level estimate: the declared resources plus the Data Proc cluster the pipeline mode implies.
// In ephemeral mode the program declares no cluster (Airflow creates one per DAG run from the same
// dataproc config), so the estimator adds that cluster, billed only for the hours the runs keep it alive.
import { CostConfig, parseCost } from "../config/cost";
import { DataprocConfig, parseDataproc } from "../config/dataproc";
import { parsePipeline, PipelineConfig, PipelineMode } from "../config/pipeline";
import { PROJECT, RawConfig } from "../config/reader";
import { subclusters } from "../dataproc/spec";
import { estimateMonthlyCost, TYPES } from "./estimate";
import { CostEstimate, DeclaredResource } from "./types";
import { ClusterLife, usageAssumptions } from "./usage";

export interface StackCostSettings {
    readonly mode: PipelineMode;
    readonly cost: CostConfig;
    readonly dataproc: DataprocConfig;
    /** The DAG's schedule (`fraud-mlops:pipeline.schedule`: preset, cron, or absent = manual runs). */
    readonly schedule: string | null;
}

/** Picks what the estimate needs from the program's typed config (the `Config` of infra/config). */
export function costSettingsOf(config: { pipeline: PipelineConfig; cost: CostConfig; dataproc: DataprocConfig }): StackCostSettings {
    return { mode: config.pipeline.mode, cost: config.cost, dataproc: config.dataproc, schedule: config.pipeline.schedule };
}

/** The same from a stack's config as Pulumi keys it (`fraud-mlops:cost`, ...), for tools and the policy pack. */
export function stackCostSettings(stackConfig: Readonly<Record<string, unknown>>): StackCostSettings {
    const prefix = `${PROJECT}:`;
    const config: RawConfig = Object.fromEntries(Object.entries(stackConfig)
        .filter(([key]) => key.startsWith(prefix)).map(([key, value]) => [key.slice(prefix.length), value]));
    return costSettingsOf({ pipeline: parsePipeline(config), cost: parseCost(config), dataproc: parseDataproc(config) });
}

export const EPHEMERAL_CLUSTER_NAME = "dataproc (per DAG run)";

/** The cluster Airflow creates in ephemeral mode, shaped like the declared resource's inputs. */
export function ephemeralCluster(dataproc: DataprocConfig): DeclaredResource {
    const subclusterSpecs = subclusters(dataproc).map(({ name, role, resourcePresetId, diskTypeId, diskSize, hostsCount, assignPublicIp }) =>
        ({ name, role, resources: { resourcePresetId, diskTypeId, diskSize }, hostsCount, assignPublicIp }));
    return { type: TYPES.dataproc, name: EPHEMERAL_CLUSTER_NAME, inputs: { clusterConfig: { subclusterSpecs } } };
}

/**
 * Estimate for one cluster life: `persistent` prices a cluster all month (the declared one, or the
 * configured shape when the stack declares none); `ephemeral` swaps any declared cluster for the
 * per-run cluster. Local mode runs no cluster, so both lives price the same resources.
 */
export function estimateStack(resources: readonly DeclaredResource[], settings: StackCostSettings,
    life: ClusterLife): CostEstimate {
    const usage = usageAssumptions(life, settings.cost, settings.schedule);
    if (settings.mode === "local") {
        return estimateMonthlyCost(resources, usage);
    }
    const declared = resources.filter((r) => r.type === TYPES.dataproc);
    const others = resources.filter((r) => r.type !== TYPES.dataproc);
    const clusters = life === "persistent" && declared.length > 0 ? declared : [ephemeralCluster(settings.dataproc)];
    const renamed = life === "persistent" && declared.length === 0
        ? clusters.map((c) => ({ ...c, name: "dataproc (if persistent)" })) : clusters;
    return estimateMonthlyCost([...others, ...renamed], usage);
}

/** The estimate for the life the stack's pipeline mode actually uses. */
export function estimateConfiguredStack(resources: readonly DeclaredResource[], settings: StackCostSettings): CostEstimate {
    return estimateStack(resources, settings, settings.mode === "ephemeral" ? "ephemeral" : "persistent");
}
