// Keys of `fraud-mlops:pipeline` read by the provisioning run step: whether `pulumi up` runs the pipeline,
// how long it may wait, and the training window of that run. Pure. Limits come from the pipeline contract
// (pipeline.schema.json), so the DAG never refuses a window this check let through.
import { ConfigError } from "./errors";
import { contractErrors, RUN_WINDOW, schemaRange } from "./pipeline-contract";
import { addDays, DATASET, parseSeed, SeedConfig, seededDays } from "./seed";
import { RawConfig, Section } from "./reader";
import { runDataOffsets, runDataWindow, RunWindowDays } from "./run-window";

export interface RunWindow {
    /** Empty: the earliest day whose run finds every day it needs in the seeded data. */
    readonly trainStart?: string;
    readonly trainDays: number;
    readonly delayDays: number;
    readonly testDays: number;
}

export interface PipelineRunConfig {
    readonly runOnUp: boolean;
    readonly runTimeoutMinutes: number;
    readonly runWindow: RunWindow;
}

/** A DAG run's configuration (`fraud_pipeline` params): the keys of $defs/runParams, spelled as in pipeline.json. */
export interface RunParams extends RunWindowDays {
    readonly inputPrefix: string;
}

export const PIPELINE_RUN_DEFAULTS = { runOnUp: true, runTimeoutMinutes: 180, trainDays: 7, delayDays: 7, testDays: 7 } as const;

const WINDOW_KEY = "fraud-mlops:pipeline.runWindow";

export function parsePipelineRun(section: Section): PipelineRunConfig {
    const window = section.child("runWindow");
    const days = (field: "trainDays" | "delayDays" | "testDays") => window.integer(field, PIPELINE_RUN_DEFAULTS[field], schemaRange(`${RUN_WINDOW}/properties/${field}`));
    const runWindow = { trainStart: window.optionalString("trainStart"), trainDays: days("trainDays"), delayDays: days("delayDays"), testDays: days("testDays") };
    if (runWindow.trainStart !== undefined) {
        // The contract's own date rule (pattern and calendar date), named by the Pulumi key.
        const refused = contractErrors({ ...runWindow }, RUN_WINDOW).find((error) => error.key === "trainStart");
        if (refused) window.fail("trainStart", `${refused.message} (got ${JSON.stringify(runWindow.trainStart)})`, DATASET.firstDay);
    }
    return {
        runOnUp: section.boolean("runOnUp", PIPELINE_RUN_DEFAULTS.runOnUp),
        runTimeoutMinutes: section.integer("runTimeoutMinutes", PIPELINE_RUN_DEFAULTS.runTimeoutMinutes, schemaRange("/properties/dagRunTimeoutMinutes")),
        runWindow,
    };
}

/**
 * The run's window with its default start, checked against the seeded days: the training job reads
 * [runDataWindow.first, runDataWindow.end), i.e. the validation folds and delay-sweep windows before
 * trainStart and the features' look-back as well as training, delay and test.
 */
export function resolveRunWindow(window: RunWindow, seed: SeedConfig): RunWindowDays {
    const seeded = seededDays(seed);
    const { before, after } = runDataOffsets(window);
    const resolved = { ...window, trainStart: window.trainStart ?? addDays(seeded.first, before) };
    const needs = runDataWindow(resolved);
    if (needs.first < seeded.first || needs.end > seeded.end) {
        const latest = addDays(seeded.end, -after);
        const earliest = addDays(seeded.first, before);
        const files = Math.ceil((before + after) / DATASET.daysPerFile);
        const choice = earliest <= latest ? `pick pipeline.runWindow.trainStart between ${earliest} and ${latest}, or seed more files` : `seed at least ${files} consecutive files (seed.count: ${files}, or a seed.fromDate/toDate range)`;
        throw new ConfigError(WINDOW_KEY, `a run from trainStart ${resolved.trainStart} reads [${needs.first}, ${needs.end}) (${before} days before trainStart for the validation folds, the delay-sweep windows and the features' look-back; ${after} from it for training, delay and test), but the seeded data covers [${seeded.first}, ${seeded.end})`, choice);
    }
    return resolved;
}

/** The DAG run's configuration for the window (what run_pipeline.py passes to `airflow dags trigger`). */
export function runParams(window: RunWindow, seed: SeedConfig, inputPrefix: string): RunParams {
    const { trainStart, trainDays, delayDays, testDays } = resolveRunWindow(window, seed);
    return { inputPrefix, trainStart, trainDays, delayDays, testDays };
}

/** `fraud-mlops:seed`, checked against the run window of `fraud-mlops:pipeline` (both read purely). */
export function parseSeedForRun(config: RawConfig): SeedConfig {
    const seed = parseSeed(config);
    resolveRunWindow(parsePipelineRun(Section.of(config, "pipeline")).runWindow, seed);
    return seed;
}
