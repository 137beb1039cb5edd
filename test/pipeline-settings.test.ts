// The DAG's schedule, retries, timeouts and training choices (fraud-mlops:pipeline): documented defaults,
// accepted forms, the real program's pipeline.json, and the ephemeral cost derived from the schedule.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parseConfig } from "../infra/config";
import { PIPELINE_DAG_DEFAULTS } from "../infra/config/pipeline-dag";
import { costSettingsOf, EPHEMERAL_CLUSTER_NAME, estimateStack } from "../infra/cost/stack-estimate";
import { HOURS_PER_MONTH } from "../infra/cost/prices";
import { VM_LAYOUT } from "../infra/orchestrator";
import { OfflineResult } from "../tools/offline";
import { declaredResources } from "../tools/stack-cost";
import { configInput } from "./support/config-input";
import { OFFLINE_RUN_TIMEOUT_MS, programRun } from "./support/dev-stack";

const pipelineOf = (pipeline: Record<string, unknown>) => parseConfig(configInput({ pipeline })).pipeline;

function renderedPipelineJson(result: OfflineResult): Record<string, any> {
    const deploy = result.resources.find((r) => r.name === "deploy-orchestrator");
    assert.ok(deploy, "the program declares no deploy-orchestrator command");
    const bundle = JSON.parse(deploy.inputs.stdin as string) as { files: { path: string; content: string }[] };
    const file = bundle.files.find((f) => f.path === VM_LAYOUT.pipelineConfigFile);
    assert.ok(file, `no ${VM_LAYOUT.pipelineConfigFile} in the deploy bundle`);
    return JSON.parse(file.content);
}

/**
 * The defaults the configuration reference (infra/config/README.md) gives for the DAG settings, e.g. the row
 * "| `pipeline.retries` / `.retryDelayMinutes` | `1` / `5` | ..." gives retries 1 and retryDelayMinutes 5.
 */
function readmePipelineDefaults(): Record<string, unknown> {
    const readme = fs.readFileSync(path.join(__dirname, "..", "infra", "config", "README.md"), "utf8");
    const documented: Record<string, unknown> = {};
    for (const line of readme.split("\n")) {
        const [, keysCell, defaultsCell] = line.split("|").map((cell) => cell.trim());
        if (!line.startsWith("| `pipeline.") || defaultsCell === undefined) continue;
        const keys = keysCell.split(" / ").map((key) => key.replace(/`/g, "").replace(/^(pipeline)?\./, ""));
        const values = defaultsCell.split(" / ").map((value) => value.replace(/`/g, ""));
        keys.forEach((key, i) => {
            if (!(key in PIPELINE_DAG_DEFAULTS)) return;
            const value = values[i];
            documented[key] = value.startsWith("unset") ? null : /^\d+$/.test(value) ? Number(value) : value;
        });
    }
    return documented;
}

describe("pipeline DAG settings (fraud-mlops:pipeline)", function () {
    this.timeout(OFFLINE_RUN_TIMEOUT_MS);

    it("the dev stack runs on the documented defaults: manual runs only", () => {
        const pipeline = pipelineOf({});
        for (const [key, value] of Object.entries(PIPELINE_DAG_DEFAULTS)) {
            assert.deepStrictEqual(pipeline[key as keyof typeof PIPELINE_DAG_DEFAULTS], value, key);
        }
        assert.strictEqual(pipeline.schedule, null);
        assert.deepStrictEqual(readmePipelineDefaults(), PIPELINE_DAG_DEFAULTS, "README's configuration table documents these defaults");
    });

    it("accepts presets and cron expressions (normalising spaces); null or empty means manual", () => {
        assert.strictEqual(pipelineOf({ schedule: "@weekly" }).schedule, "@weekly");
        assert.strictEqual(pipelineOf({ schedule: " 0  3 * *  mon-fri " }).schedule, "0 3 * * mon-fri");
        assert.strictEqual(pipelineOf({ schedule: null }).schedule, null);
        assert.strictEqual(pipelineOf({ schedule: "" }).schedule, null);
        // The Pulumi runtime passes sections as JSON text, numbers included.
        const fromRuntime = pipelineOf(JSON.stringify({ retries: "0", model: "gbt" }) as unknown as Record<string, unknown>);
        assert.deepStrictEqual([fromRuntime.retries, fromRuntime.model], [0, "gbt"]);
    });

    it("the real program renders the configured values into pipeline.json", async () => {
        const settings = {
            schedule: "30 2 * * 1", retries: 4, retryDelayMinutes: 15, jobTimeoutMinutes: 200, clusterTimeoutMinutes: 60,
            model: "xgboost", featureSet: "extended", experiment: "fraud-nightly", registeredModel: "fraud-gbt",
        };
        const rendered = renderedPipelineJson(await programRun({ stack: "dev", overrides: { "fraud-mlops:pipeline": { mode: "ephemeral", ...settings } } }));
        const { schedule, retries, retryDelayMinutes, jobTimeoutMinutes, clusterTimeoutMinutes } = rendered;
        const { model, featureSet, experiment, registeredModel } = rendered.training;
        assert.deepStrictEqual({ schedule, retries, retryDelayMinutes, jobTimeoutMinutes, clusterTimeoutMinutes, model, featureSet, experiment, registeredModel }, settings);
        const dev = renderedPipelineJson(await programRun({ stack: "dev" }));
        assert.deepStrictEqual([dev.schedule, dev.retries, dev.training.model], [null, PIPELINE_DAG_DEFAULTS.retries, PIPELINE_DAG_DEFAULTS.model]);
    });

    it("the schedule sets the ephemeral cluster's hours; without one, cost.manualRunsPerMonth does", async () => {
        const resources = declaredResources(await programRun({ stack: "dev" }));
        const clusterHours = (pipeline: Record<string, unknown>) => {
            const settings = costSettingsOf(parseConfig(configInput({ pipeline: { mode: "ephemeral", ...pipeline } })));
            const estimate = estimateStack(resources, settings, "ephemeral");
            const lines = estimate.lines.filter((l) => l.component === EPHEMERAL_CLUSTER_NAME);
            assert.ok(lines.length > 0, "no per-run cluster in the estimate");
            return { hours: lines[0].hours, totalRub: estimate.totalRub };
        };
        const manual = clusterHours({});
        const daily = clusterHours({ schedule: "@daily" });
        const weekdays = clusterHours({ schedule: "0 3 * * 1-5" });
        // The dev stack: 4 manual runs a month x 90 minutes (fraud-mlops:cost).
        assert.strictEqual(manual.hours, 4 * 1.5);
        assert.ok(Math.abs((daily.hours ?? 0) - (365.25 / 12) * 1.5) < 1e-9, `daily: ${daily.hours}`);
        assert.ok((weekdays.hours ?? 0) > manual.hours! && (weekdays.hours ?? 0) < daily.hours!, `weekdays: ${weekdays.hours}`);
        assert.ok(daily.totalRub > weekdays.totalRub && weekdays.totalRub > manual.totalRub);
        // Hourly runs of 90 minutes would overlap: the cluster then simply never goes away.
        assert.strictEqual(clusterHours({ schedule: "@hourly" }).hours, HOURS_PER_MONTH);
    });

    it("the stack output monthlyCostRub follows the schedule in ephemeral mode", async () => {
        const cost = async (pipeline: Record<string, unknown>) =>
            (await programRun({ stack: "dev", overrides: { "fraud-mlops:pipeline": { mode: "ephemeral", ...pipeline } } })).outputs.monthlyCostRub.value as number;
        const [manual, daily] = [await cost({}), await cost({ schedule: "@daily" })];
        assert.ok(daily > manual, `daily ${daily} vs manual ${manual}`);
    });
});
