// The days a training run needs: the same definition as the training job's `data_window`
// (jobs/fraud_jobs/train/run.py, protocol.py), computed here from the same declared parameters, because the
// config check cannot call Python. jobs/tests/train/test_window_contract.py runs the job's own function on the
// cases windowCases() writes and asserts both agree. Pure.
import { addDays } from "./seed";

export interface RunWindowDays {
    readonly trainStart: string;
    readonly trainDays: number;
    readonly delayDays: number;
    readonly testDays: number;
}

/** What the training job derives its extra windows from; rendered into pipeline.json and passed to the job. */
export interface RunProtocol {
    /** Prequential folds before trainStart (train job --validation-folds). */
    readonly validationFolds: number;
    /** Label delays also trained and reported (--delay-sweep, opt-in): each may move a training window before trainStart. */
    readonly delaySweepDays: readonly number[];
}

// No delay sweep by default: it is an opt-in experiment (pipeline.json training.delaySweepDays, the delaySweepDays run param).
export const RUN_PROTOCOL: RunProtocol = { validationFolds: 1, delaySweepDays: [] };

/** The longest look-back of the features (jobs/fraud_jobs/features/customer.py WINDOW_DAYS). */
export const FEATURE_LOOKBACK_DAYS = 30;

interface Protocol {
    readonly start: number;
    readonly train: number;
    readonly delay: number;
    readonly test: number;
}

function protocolsUsed(main: Protocol, protocol: RunProtocol): Protocol[] {
    const testStart = main.start + main.train + main.delay;
    const sweep = protocol.delaySweepDays.filter((d) => d !== main.delay).map((d) => ({ ...main, start: testStart - d - main.train, delay: d }));
    const used = [main, ...sweep];
    const folds = used.flatMap((p) => Array.from({ length: protocol.validationFolds }, (_, i) => ({ ...p, start: p.start - (p.delay + p.test) - i * p.test })));
    return [...used, ...folds];
}

/** [first day any feature of any window looks at, first day after the test window), as day offsets from trainStart. */
export function runDataOffsets(window: Omit<RunWindowDays, "trainStart">, protocol: RunProtocol = RUN_PROTOCOL): { before: number; after: number } {
    const main = { start: 0, train: window.trainDays, delay: window.delayDays, test: window.testDays };
    const historyStart = Math.min(...protocolsUsed(main, protocol).map((p) => p.start - (p.delay + FEATURE_LOOKBACK_DAYS)));
    return { before: -historyStart, after: window.trainDays + window.delayDays + window.testDays };
}

/** The days a run reads: [first, end) with `end` exclusive, as the training job's data_window. */
export function runDataWindow(window: RunWindowDays, protocol: RunProtocol = RUN_PROTOCOL): { first: string; end: string } {
    const { before, after } = runDataOffsets(window, protocol);
    return { first: addDays(window.trainStart, -before), end: addDays(window.trainStart, after) };
}
