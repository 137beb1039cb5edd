// Keys of `fraud-mlops:pipeline` read by the provisioning run step: whether `pulumi up` runs the pipeline,
// how long it may wait, and the training window of that run. Pure.
import { ConfigError } from "./errors";
import { addDays, parseSeed, SeedConfig, seededDays } from "./seed";
import { RawConfig, Section } from "./reader";

export interface RunWindow {
    /** Empty: the first seeded day. */
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

export const PIPELINE_RUN_DEFAULTS = { runOnUp: true, runTimeoutMinutes: 180, trainDays: 7, delayDays: 7, testDays: 7 } as const;
const DAYS = { min: 1, max: 365 };

export function parsePipelineRun(section: Section): PipelineRunConfig {
    const window = section.child("runWindow");
    const trainStart = window.optionalString("trainStart");
    if (trainStart !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(trainStart)) {
        window.fail("trainStart", `must be a date YYYY-MM-DD (got ${JSON.stringify(trainStart)})`, "2019-08-22");
    }
    return {
        runOnUp: section.boolean("runOnUp", PIPELINE_RUN_DEFAULTS.runOnUp),
        runTimeoutMinutes: section.integer("runTimeoutMinutes", PIPELINE_RUN_DEFAULTS.runTimeoutMinutes, { min: 5, max: 24 * 60 }),
        runWindow: {
            trainStart,
            trainDays: window.integer("trainDays", PIPELINE_RUN_DEFAULTS.trainDays, DAYS),
            delayDays: window.integer("delayDays", PIPELINE_RUN_DEFAULTS.delayDays, { min: 0, max: 365 }),
            testDays: window.integer("testDays", PIPELINE_RUN_DEFAULTS.testDays, DAYS),
        },
    };
}

/** The DAG run parameters (`fraud_pipeline` params) for the window; it must lie inside the seeded days. */
export function runParams(window: RunWindow, seed: SeedConfig, inputPrefix: string): Record<string, string | number> {
    const { first, end } = seededDays(seed);
    const trainStart = window.trainStart ?? first;
    const windowEnd = addDays(trainStart, window.trainDays + window.delayDays + window.testDays);
    if (trainStart < first || windowEnd > end) {
        const fix = `pick pipeline.runWindow.trainStart so that it and the next ${window.trainDays + window.delayDays + window.testDays} days lie in [${first}, ${end}), or seed more files (seed.count / seed.toDate)`;
        throw new ConfigError("fraud-mlops:pipeline.runWindow", `[${trainStart}, ${windowEnd}) is outside the seeded data [${first}, ${end})`, fix);
    }
    return { input_prefix: inputPrefix, train_start: trainStart, train_days: window.trainDays, delay_days: window.delayDays, test_days: window.testDays };
}

/** `fraud-mlops:seed`, checked against the run window of `fraud-mlops:pipeline` (both read purely). */
export function parseSeedForRun(config: RawConfig): SeedConfig {
    const seed = parseSeed(config);
    runParams(parsePipelineRun(Section.of(config, "pipeline")).runWindow, seed, "");
    return seed;
}
