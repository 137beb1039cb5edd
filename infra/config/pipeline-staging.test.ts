// pipeline.cleanFrom: choices and default from the contract, refused outside persistent mode and when the
// data hosts' disks cannot hold the staged copy; what the stack renders, the DAG's contract accepts.
import * as assert from "assert";
import { ConfigError } from "./errors";
import { parsePipeline } from "./pipeline";
import { contractErrors } from "./pipeline-contract";
import { CLEAN_FROM_CHOICES, CLEAN_FROM_DEFAULT, HDFS_STAGING_MAX_DISK_SHARE } from "./pipeline-staging";
import { renderPipelineConfig } from "../orchestrator/services/pipeline-config";
import { samplePipelineInput, sampleLocalPipelineInput } from "../orchestrator/services/testing/samples";

// Disks that hold the default 113 GB of raw data x 3 replicas within the allowed share.
const BIG_DISKS = { dataproc: { data: { diskSizeGb: 200 } } };

describe("pipeline.cleanFrom (HDFS staging switch)", () => {
    it("takes its choices and default from the pipeline contract", () => {
        assert.deepStrictEqual([...CLEAN_FROM_CHOICES], ["objectStorage", "hdfs"]);
        assert.strictEqual(CLEAN_FROM_DEFAULT, "objectStorage");
        assert.strictEqual(parsePipeline({}).cleanFrom, "objectStorage");
        assert.strictEqual(parsePipeline({ pipeline: { mode: "persistent", cleanFrom: "hdfs" }, ...BIG_DISKS }).cleanFrom, "hdfs");
    });

    it("refuses hdfs in ephemeral and local mode, naming the key, the reason and the fix", () => {
        for (const [mode, reason] of [["ephemeral", /deleted with it/], ["local", /local mode has no HDFS/]] as const) {
            assert.throws(() => parsePipeline({ pipeline: { mode, cleanFrom: "hdfs" }, ...BIG_DISKS }), (error: unknown) =>
                error instanceof ConfigError
                && error.key === "fraud-mlops:pipeline.cleanFrom"
                && new RegExp(`needs pipeline.mode "persistent" \\(mode is "${mode}"\\)`).test(error.message)
                && reason.test(error.message)
                && /"objectStorage"/.test(error.message));
        }
    });

    it("refuses an unknown source", () => {
        assert.throws(() => parsePipeline({ pipeline: { cleanFrom: "s3" } }), /fraud-mlops:pipeline\.cleanFrom: .*objectStorage, hdfs/);
    });

    it("refuses hdfs when the data hosts' disks cannot hold the raw data times the replication, and says which disk size can", () => {
        // Defaults: 113 GB x 3 replicas = 339 GB; 3 x 128 GB disks allow 60 % = 230 GB.
        assert.throws(() => parsePipeline({ pipeline: { cleanFrom: "hdfs" } }), (error: unknown) =>
            error instanceof ConfigError
            && error.key === "fraud-mlops:pipeline.cleanFrom"
            && /113 GB x replication 3 = 339 GB, more than 60 % of the data hosts' 3 x 128 GB disks \(230 GB\)/.test(error.message)
            && /dataproc.data.diskSizeGb 189/.test(error.message));
        // The suggested size passes; one host fewer lowers the replication, not the need per host.
        assert.strictEqual(parsePipeline({ pipeline: { cleanFrom: "hdfs" }, dataproc: { data: { diskSizeGb: 189 } } }).cleanFrom, "hdfs");
        assert.strictEqual(parsePipeline({ pipeline: { cleanFrom: "hdfs" }, storage: { rawDataSizeGb: 20 } }).cleanFrom, "hdfs");
        assert.ok(HDFS_STAGING_MAX_DISK_SHARE < 1);
    });

    it("renders a pipeline.json the DAG's contract accepts, and the contract refuses hdfs outside persistent mode", () => {
        const persistent = JSON.parse(renderPipelineConfig(samplePipelineInput("persistent", "hdfs")));
        assert.strictEqual(persistent.cleanFrom, "hdfs");
        assert.deepStrictEqual(contractErrors(persistent), []);
        for (const input of [samplePipelineInput("ephemeral"), sampleLocalPipelineInput("/srv/fraud-local")]) {
            const document = JSON.parse(JSON.stringify({ ...input, cleanFrom: "hdfs" }));
            assert.deepStrictEqual(contractErrors(document).map((error) => error.key), ["cleanFrom"], input.mode);
        }
    });
});
