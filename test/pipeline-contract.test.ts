// The pipeline contract in TypeScript: the invalid documents of jobs/tests/dags/contract_cases.json are refused
// naming exactly the keys the DAG's Python names (jobs/tests/dags/test_contract.py reads the same file); the
// config parsers take their limits from the schema, so the renderer never refuses what the config accepted.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parseConfig } from "../infra/config";
import { ConfigError } from "../infra/config/errors";
import { dagFiles } from "../infra/provisioning/bundle";
import { readTree } from "../infra/provisioning/files";
import { REPO_ROOT } from "../infra/provisioning";
import { VM_LAYOUT } from "../infra/orchestrator";
import { contractErrors, PIPELINE_SCHEMA, PIPELINE_SCHEMA_FILE, RUN_PARAMS, RUN_WINDOW, schemaRange } from "../infra/config/pipeline-contract";
import { FEATURE_SETS, PIPELINE_DAG_LIMITS, TRAIN_MODELS } from "../infra/config/pipeline-dag";
import { renderPipelineConfig } from "../infra/orchestrator/services/pipeline-config";
import { sampleLocalPipelineInput, samplePipelineInput } from "../infra/orchestrator/services/testing/samples";
import { runProgram } from "../tools/offline";
import { configInput } from "./support/config-input";
import { OFFLINE_RUN_TIMEOUT_MS } from "./support/dev-stack";

interface Case { name: string; base: string; set?: Record<string, unknown>; unset?: string[]; keys: string[] }
const CASES = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "jobs", "tests", "dags", "contract_cases.json"), "utf8")) as { runParams: unknown; cases: Case[] };

function rendered(base: string): Record<string, unknown> {
    if (base === "runParams") return structuredClone(CASES.runParams) as Record<string, unknown>;
    // The same inputs render-samples.ts writes for the DAG tests.
    const input = base === "local" ? sampleLocalPipelineInput("/srv/fraud-local") : samplePipelineInput(base as "persistent" | "ephemeral");
    return JSON.parse(renderPipelineConfig(input));
}

function apply(document: Record<string, unknown>, testCase: Case): Record<string, unknown> {
    const parentOf = (dotted: string): [Record<string, unknown>, string] => {
        const parts = dotted.split(".");
        const last = parts.pop()!;
        return [parts.reduce((node, part) => node[part] as Record<string, unknown>, document), last];
    };
    for (const [dotted, value] of Object.entries(testCase.set ?? {})) {
        const [node, last] = parentOf(dotted);
        node[last] = value;
    }
    for (const dotted of testCase.unset ?? []) {
        const [node, last] = parentOf(dotted);
        delete node[last];
    }
    return document;
}

describe("pipeline contract (pipeline.schema.json)", () => {
    for (const testCase of CASES.cases) {
        it(`refuses ${testCase.name}, naming ${testCase.keys.join(", ")} as the DAG does`, () => {
            const pointer = testCase.base === "runParams" ? RUN_PARAMS : "";
            assert.deepStrictEqual(contractErrors(rendered(testCase.base), pointer), []);
            const document = apply(rendered(testCase.base), testCase);
            assert.deepStrictEqual(contractErrors(document, pointer).map((e) => e.key), testCase.keys);
        });
    }

    it("the renderer refuses a broken document naming the key and the fix", () => {
        const input = samplePipelineInput("ephemeral");
        assert.throws(() => renderPipelineConfig({ ...input, training: { ...input.training, delayDays: 0 } }),
            (error: unknown) => error instanceof ConfigError && error.key === "pipeline config training.delayDays" && /Fix: render a value that matches jobs\/dags\/fraud_pipeline_lib\/pipeline\.schema\.json: label delay/.test(error.message));
    });

    it("delayDays 0 is refused once, by the config check, with the Pulumi key and the fix", () => {
        assert.strictEqual(schemaRange(`${RUN_WINDOW}/properties/delayDays`).min, 1);
        assert.throws(() => parseConfig(configInput({ pipeline: { runWindow: { delayDays: 0 } } })),
            /Configuration error in fraud-mlops:pipeline\.runWindow\.delayDays: must be between 1 and 365 \(got 0\)\. Fix: pulumi config set --path 'fraud-mlops:pipeline\.runWindow\.delayDays' 7/);
        assert.doesNotThrow(() => parseConfig(configInput({ pipeline: { runWindow: { delayDays: 1 } } })));
    });

    it("every limit the config accepts renders: the config reads the schema's numbers", () => {
        for (const [key, range] of Object.entries(PIPELINE_DAG_LIMITS)) assert.deepStrictEqual(range, schemaRange(`/properties/${key}`), key);
        const base = samplePipelineInput("ephemeral");
        for (const field of ["trainDays", "delayDays", "testDays"] as const) {
            const { min, max } = schemaRange(`${RUN_WINDOW}/properties/${field}`);
            for (const value of [min, max]) assert.doesNotThrow(() => renderPipelineConfig({ ...base, training: { ...base.training, [field]: value } }), `${field} ${value}`);
        }
        const timeout = schemaRange("/properties/dagRunTimeoutMinutes");
        for (const runTimeoutMinutes of [timeout.min, timeout.max]) {
            const pipeline = parseConfig(configInput({ pipeline: { runTimeoutMinutes } })).pipeline;
            assert.doesNotThrow(() => renderPipelineConfig({ ...base, dagRunTimeoutMinutes: pipeline.runTimeoutMinutes }));
        }
        assert.throws(() => parseConfig(configInput({ pipeline: { runTimeoutMinutes: timeout.min - 1 } })), /fraud-mlops:pipeline\.runTimeoutMinutes/);
        // The training choices are the contract's enums: what the config accepts reaches pipeline.json.
        const chosen = parseConfig(configInput({ pipeline: { model: "xgboost", featureSet: "extended" } })).pipeline;
        const document = JSON.parse(renderPipelineConfig({ ...base, training: { ...base.training, model: chosen.model, featureSet: chosen.featureSet } }));
        assert.deepStrictEqual([document.training.model, document.training.featureSet], ["xgboost", "extended"]);
        // Every set the job offers (FEATURE_SETS in jobs/fraud_jobs/features/build.py) is accepted and rendered.
        assert.deepStrictEqual([...FEATURE_SETS], ["handbook", "extended", "extended_fraud_age"]);
        for (const featureSet of FEATURE_SETS) {
            const parsed = parseConfig(configInput({ pipeline: { featureSet } })).pipeline;
            const rendered = JSON.parse(renderPipelineConfig({ ...base, training: { ...base.training, featureSet: parsed.featureSet } }));
            assert.strictEqual(rendered.training.featureSet, featureSet);
        }
        assert.deepStrictEqual([...TRAIN_MODELS], ["logistic_regression", "random_forest", "gbt", "xgboost"]);
        assert.throws(() => parseConfig(configInput({ pipeline: { featureSet: "wide" } })), /fraud-mlops:pipeline\.featureSet.*must be one of handbook, extended, extended_fraud_age/);
    });

    it("data hosts too small for a driver and an executor fail the program before any resource, naming the key", async function () {
        this.timeout(OFFLINE_RUN_TIMEOUT_MS);
        const result = await runProgram({ stack: "dev", overrides: { "fraud-mlops:dataproc": { data: { preset: "s3-c2-m8", hosts: 1 } } } });
        assert.match(String(result.error?.message), /Configuration error in fraud-mlops:dataproc\.data\.hosts: 1 data host\(s\) give 1 YARN container.*Fix: pulumi config set/);
        assert.deepStrictEqual(result.resources.map((r) => r.type).filter((type) => type !== "pulumi:pulumi:Stack"), []);
    });

    it("is the file the deploy bundle ships with the DAG code, byte for byte", () => {
        // As infra/provisioning/index.ts builds the bundle: every file under jobs/dags, into the VM's DAG folder.
        const shipped = dagFiles(VM_LAYOUT.dagsDir, readTree(path.join(REPO_ROOT, "jobs", "dags")));
        const schema = shipped.find((file) => file.path === `${VM_LAYOUT.dagsDir}/fraud_pipeline_lib/pipeline.schema.json`);
        assert.ok(schema, `not shipped: ${shipped.map((f) => f.path).join(", ")}`);
        assert.deepStrictEqual(JSON.parse(schema.content), PIPELINE_SCHEMA);
        assert.strictEqual(path.join(REPO_ROOT, PIPELINE_SCHEMA_FILE), path.join(REPO_ROOT, "jobs", "dags", "fraud_pipeline_lib", "pipeline.schema.json"));
    });
});
