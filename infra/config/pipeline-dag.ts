// Keys of `fraud-mlops:pipeline` that shape the `fraud_pipeline` DAG rendered into pipeline.json: its
// schedule, retries, timeouts and training choices. Pure; the one place their defaults and limits live.
import { cronRunsPerMonth } from "./cron";
import { schemaAt, schemaEnum, schemaRange } from "./pipeline-contract";
import { Range, Section } from "./reader";

/** The training job's --model and --feature-set choices, as the contract (pipeline.schema.json) lists them. */
export const TRAIN_MODELS = schemaEnum("/properties/training/properties/model");
export type TrainModel = string;
export const FEATURE_SETS = schemaEnum("/properties/training/properties/featureSet");

/** Airflow presets the DAG renderer accepts; anything else must be a five-field cron expression. */
export const SCHEDULE_PRESETS = ["@hourly", "@daily", "@weekly", "@monthly", "@yearly"] as const;

export interface PipelineDagConfig {
    /** Airflow preset or cron expression; null: runs only when triggered (by `pulumi up` or by hand). */
    readonly schedule: string | null;
    readonly retries: number;
    readonly retryDelayMinutes: number;
    /** Per Spark job task. */
    readonly jobTimeoutMinutes: number;
    /** Cluster creation and deletion (ephemeral mode). */
    readonly clusterTimeoutMinutes: number;
    readonly model: TrainModel;
    /** handbook: the book's 15 inputs; extended: and the label-free ones. Scoring follows the champion's own. */
    readonly featureSet: string;
    readonly experiment: string;
    readonly registeredModel: string;
}

export const PIPELINE_DAG_DEFAULTS = {
    schedule: null,
    retries: 1,
    retryDelayMinutes: 5,
    jobTimeoutMinutes: 120,
    clusterTimeoutMinutes: 45,
    model: "random_forest",
    featureSet: "handbook",
    experiment: "fraud-detection",
    registeredModel: "fraud-detector",
} as const satisfies PipelineDagConfig;

/** The contract's limits (pipeline.schema.json), read by name: the DAG checks the same numbers. */
export const PIPELINE_DAG_LIMITS = {
    retries: schemaRange("/properties/retries"),
    retryDelayMinutes: schemaRange("/properties/retryDelayMinutes"),
    jobTimeoutMinutes: schemaRange("/properties/jobTimeoutMinutes"),
    clusterTimeoutMinutes: schemaRange("/properties/clusterTimeoutMinutes"),
} as const satisfies Record<string, Range>;

// Passed to spark-submit as arguments and shown in MLflow's UI: plain names keep both unambiguous.
const MLFLOW_NAME = new RegExp(schemaAt("/$defs/mlflowName").pattern as string);

function parseSchedule(section: Section): string | null {
    const schedule = section.optionalString("schedule");
    if (schedule === undefined) return null;
    const example = '"@daily" (or "0 3 * * *"; leave it unset for manual runs only)';
    if (schedule.startsWith("@")) {
        if (!(SCHEDULE_PRESETS as readonly string[]).includes(schedule)) {
            section.fail("schedule", `must be one of ${SCHEDULE_PRESETS.join(", ")} or a five-field cron expression (got ${JSON.stringify(schedule)})`, example);
        }
        return schedule;
    }
    try {
        cronRunsPerMonth(schedule);
    } catch (error) {
        section.fail("schedule", `is not a valid Airflow schedule: ${(error as Error).message}`, example);
    }
    return schedule.split(/\s+/).join(" ");
}

function parseName(section: Section, field: "experiment" | "registeredModel"): string {
    const name = section.string(field, PIPELINE_DAG_DEFAULTS[field]);
    if (!MLFLOW_NAME.test(name)) {
        section.fail(field, `must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit (got ${JSON.stringify(name)})`, JSON.stringify(PIPELINE_DAG_DEFAULTS[field]));
    }
    return name;
}

export function parsePipelineDag(section: Section): PipelineDagConfig {
    const defaults = PIPELINE_DAG_DEFAULTS;
    const limits = PIPELINE_DAG_LIMITS;
    return {
        schedule: parseSchedule(section),
        retries: section.integer("retries", defaults.retries, limits.retries),
        retryDelayMinutes: section.integer("retryDelayMinutes", defaults.retryDelayMinutes, limits.retryDelayMinutes),
        jobTimeoutMinutes: section.integer("jobTimeoutMinutes", defaults.jobTimeoutMinutes, limits.jobTimeoutMinutes),
        clusterTimeoutMinutes: section.integer("clusterTimeoutMinutes", defaults.clusterTimeoutMinutes, limits.clusterTimeoutMinutes),
        model: section.oneOf("model", TRAIN_MODELS, defaults.model),
        featureSet: section.oneOf("featureSet", FEATURE_SETS, defaults.featureSet),
        experiment: parseName(section, "experiment"),
        registeredModel: parseName(section, "registeredModel"),
    };
}
