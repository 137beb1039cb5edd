// Writes what the cross-language window test (jobs/tests/train/test_window_contract.py) compares with the
// training job's own data_window: the dev stack's run parameters and seeded days, and a matrix of windows
// with the days this module says a run reads. Usage: npx ts-node infra/config/testing/window-cases.ts OUT_FILE
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { parsePipeline } from "../pipeline";
import { parseSeedForRun, runParams } from "../pipeline-run";
import { RawConfig } from "../reader";
import { RUN_PROTOCOL, runDataWindow, RunProtocol } from "../run-window";
import { seededDays } from "../seed";

const REPO = path.resolve(__dirname, "..", "..", "..");

/** Pulumi.dev.yaml's `fraud-mlops:` keys, without the namespace. */
export function devStackConfig(): RawConfig {
    const stack = yaml.load(fs.readFileSync(path.join(REPO, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
    return Object.fromEntries(Object.entries(stack.config).filter(([key]) => key.startsWith("fraud-mlops:")).map(([key, value]) => [key.slice("fraud-mlops:".length), value]));
}

export function windowCases() {
    const config = devStackConfig();
    const seed = parseSeedForRun(config);
    const defaultStack = { params: runParams(parsePipeline(config).runWindow, seed, "s3a://raw/raw/"), protocol: RUN_PROTOCOL, seeded: seededDays(seed) };
    const protocols: RunProtocol[] = [RUN_PROTOCOL, { validationFolds: 1, delaySweepDays: [1, 3, 7] }, { validationFolds: 3, delaySweepDays: [1, 3, 7] }, { validationFolds: 2, delaySweepDays: [14] }, { validationFolds: 1, delaySweepDays: [7] }];
    const cases = [];
    for (const trainDays of [1, 7, 30]) {
        for (const delayDays of [1, 3, 7, 10]) {
            for (const testDays of [1, 7, 14]) {
                for (const protocol of protocols) {
                    const window = { trainStart: "2020-03-01", trainDays, delayDays, testDays };
                    cases.push({ window, protocol, reads: runDataWindow(window, protocol) });
                }
            }
        }
    }
    return { defaultStack, cases };
}

if (require.main === module) {
    const out = process.argv[2];
    if (!out) {
        console.error("usage: window-cases.ts OUT_FILE");
        process.exit(2);
    }
    fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    fs.writeFileSync(out, JSON.stringify(windowCases(), null, 2));
}
