// One offline run of the real program per stack configuration per mocha process, shared by the test files
// that only read its result (policies, cost, plan): each run costs a child process and a compile.
import { OfflineResult, runProgram, RunOptions } from "../../tools/offline";

const runs = new Map<string, Promise<OfflineResult>>();

export function programRun(options: RunOptions = {}): Promise<OfflineResult> {
    const key = JSON.stringify(options);
    if (!runs.has(key)) {
        runs.set(key, runProgram(options).then((result) => {
            if (result.error) {
                throw new Error(`the program failed offline (${key}): ${result.error.message}`);
            }
            return result;
        }));
    }
    return runs.get(key)!;
}

export const OFFLINE_RUN_TIMEOUT_MS = 180_000;
