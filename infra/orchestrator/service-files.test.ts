// The pipeline config the provisioning deploy renders: valid for the orchestrator's renderer in both cloud
// modes, and its training window is the one the run step sends.
import * as assert from "assert";
import { parseDataproc } from "../config/dataproc";
import { jobSparkProperties } from "../dataproc/sizing";
import { parsePipeline } from "../config/pipeline";
import { runParams } from "../config/pipeline-run";
import { parseSeed } from "../config/seed";
import { renderServiceFiles } from "./services";
import { SAMPLE_SERVICES_INPUT, samplePipelineInput } from "./services/testing/samples";
import { pipelineConfigInput, ServiceFilesArgs, VM_LAYOUT } from "./service-files";

const TEMPLATE = samplePipelineInput("ephemeral").dataproc!.spec;

function args(pipeline: Record<string, unknown>, seed: Record<string, unknown> = {}): ServiceFilesArgs {
    return {
        pipeline: parsePipeline({ pipeline }), seed: parseSeed({ seed }), jobProperties: jobSparkProperties(parseDataproc({}).data), codePrefix: "jobs/",
        s3Endpoint: "https://storage.yandexcloud.net", s3Region: "ru-central1", ports: { airflow: 8080, mlflow: 5000 }, access: { tls: false },
        buckets: { raw: "r", cleaned: "c", code: "k", mlflow: "m", logs: "l" }, storageAccessKeyId: "id", storageSecretKey: "key",
        vm: { publicIp: "203.0.113.10", internalIp: "10.10.0.10" },
        cluster: { template: TEMPLATE },
    };
}
const RESOLVED = { raw: "fraud-raw", cleaned: "fraud-cleaned", code: "fraud-code", logs: "fraud-logs", publicIp: "203.0.113.10", internalIp: "10.10.0.10", clusterId: "c9qcluster", template: TEMPLATE };

describe("provisioning pipeline config", () => {
    for (const mode of ["persistent", "ephemeral"]) {
        it(`renders a valid pipeline.json in ${mode} mode at the path the run step hashes`, () => {
            const input = pipelineConfigInput(args({ mode }), { ...RESOLVED, clusterId: mode === "persistent" ? "c9qcluster" : "" });
            const files = renderServiceFiles(SAMPLE_SERVICES_INPUT, input);
            const config = files.find((f) => f.path === VM_LAYOUT.pipelineConfigFile);
            assert.ok(config, `no ${VM_LAYOUT.pipelineConfigFile} among ${files.map((f) => f.path).join(", ")}`);
            assert.ok(files.some((f) => f.path === VM_LAYOUT.composeFile));
            const parsed = JSON.parse(config.content);
            assert.strictEqual(parsed.jobs.pyFiles[0], "s3a://fraud-code/jobs/fraud_jobs.zip");
            assert.strictEqual(parsed.data.rawPrefix, "s3a://fraud-raw/raw");
        });
    }

    it("takes the run window, so DAG defaults and the provisioning run agree", () => {
        const a = args({ runWindow: { trainStart: "2019-10-25", trainDays: 5 } }, { count: 3 });
        const training = pipelineConfigInput(a, RESOLVED).training;
        const params = runParams(a.pipeline.runWindow, a.seed, "s3a://fraud-raw/raw/");
        assert.deepStrictEqual([training.trainStart, training.trainDays, training.delayDays, training.testDays],
            [params.trainStart, params.trainDays, params.delayDays, params.testDays]);
        // Default start: the first seeded day (2020-01-19) plus the 51 days the default run reads before trainStart.
        assert.strictEqual(pipelineConfigInput(args({}, { fromDate: "2020-01-01" }), RESOLVED).training.trainStart, "2020-03-10");
    });
});
