// The seed, provisioning and pipeline-run config: defaults, subsets, and errors that name the key.
import * as assert from "assert";
import { datasetFileNames, parseProvisioning, parseSeed } from "./seed";
import { parseSeedForRun, runParams } from "./pipeline-run";
import { parsePipeline } from "./pipeline";

const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----";

describe("seed and provisioning config", () => {
    it("knows the 40 dataset files without listing the bucket", () => {
        const names = datasetFileNames();
        assert.strictEqual(names.length, 40);
        assert.strictEqual(names[0], "2019-08-22.txt");
        assert.strictEqual(names[1], "2019-09-21.txt");
        assert.strictEqual(names[39], "2022-11-04.txt");
    });

    it("defaults to the three files the default run window needs, probing the public copies in order", () => {
        assert.deepStrictEqual(parseSeed({}), {
            sources: [{ bucket: "mlops-data", prefix: "fraud-data/" }, { bucket: "otus-mlops-source-data", prefix: "" }],
            targetPrefix: "raw/",
            files: ["2019-08-22.txt", "2019-09-21.txt", "2019-10-21.txt"],
        });
    });

    it("seed.sourceBucket overrides the probe; a known public bucket keeps its prefix unless sourcePrefix is set", () => {
        assert.deepStrictEqual(parseSeed({ seed: { sourceBucket: "otus-mlops-source-data" } }).sources, [{ bucket: "otus-mlops-source-data", prefix: "" }]);
        assert.deepStrictEqual(parseSeed({ seed: { sourceBucket: "mlops-data" } }).sources, [{ bucket: "mlops-data", prefix: "fraud-data/" }]);
        assert.deepStrictEqual(parseSeed({ seed: { sourceBucket: "my-copy", sourcePrefix: "data/fraud/" } }).sources, [{ bucket: "my-copy", prefix: "data/fraud/" }]);
        assert.deepStrictEqual(parseSeed({ seed: { sourceBucket: "my-copy" } }).sources, [{ bucket: "my-copy", prefix: "" }]);
    });

    it("selects by count or by date range", () => {
        assert.strictEqual(parseSeed({ seed: { count: 40 } }).files.length, 40);
        assert.deepStrictEqual(parseSeed({ seed: JSON.stringify({ fromDate: "2022-10-01" }) }).files, ["2022-10-05.txt", "2022-11-04.txt"]);
        assert.deepStrictEqual(parseSeed({ seed: { fromDate: "2019-09-01", toDate: "2019-10-21" } }).files, ["2019-09-21.txt", "2019-10-21.txt"]);
    });

    const errors: [string, Record<string, unknown>, RegExp][] = [
        ["count above 40", { seed: { count: 41 } }, /fraud-mlops:seed\.count: must be between 1 and 40/],
        ["count and dates", { seed: { count: 2, fromDate: "2019-08-22" } }, /fraud-mlops:seed\.count: cannot be combined/],
        ["an empty range", { seed: { fromDate: "2023-01-01" } }, /fraud-mlops:seed\.fromDate: selects no file/],
        ["a reversed range", { seed: { fromDate: "2020-01-01", toDate: "2019-01-01" } }, /fraud-mlops:seed\.toDate/],
        ["a bad date", { seed: { toDate: "2019/08/22" } }, /fraud-mlops:seed\.toDate: must be a date/],
        ["a prefix without slash", { seed: { sourcePrefix: "fraud-data" } }, /fraud-mlops:seed\.sourcePrefix/],
        ["a target prefix that is not a folder", { seed: { targetPrefix: "raw" } }, /fraud-mlops:seed\.targetPrefix/],
        ["a bad bucket", { seed: { sourceBucket: "Bad_Bucket" } }, /fraud-mlops:seed\.sourceBucket/],
        ["a source prefix without its bucket", { seed: { sourcePrefix: "fraud-data/" } }, /fraud-mlops:seed\.sourcePrefix: needs seed\.sourceBucket/],
        ["a typo", { seed: { cuont: 2 } }, /fraud-mlops:seed\.cuont: is not a known setting/],
    ];
    for (const [what, config, message] of errors) {
        it(`rejects ${what}`, () => assert.throws(() => parseSeed(config), message));
    }

    it("requires a private key only when provisioning is on, and never a public one", () => {
        assert.throws(() => parseProvisioning({}), /fraud-mlops:sshPrivateKey: is not set.*pulumi config set --secret/);
        assert.throws(() => parseProvisioning({ sshPrivateKey: "ssh-ed25519 AAAA" }), /not a PEM\/OpenSSH private key/);
        assert.strictEqual(parseProvisioning({ provisioning: { enabled: false } }).enabled, false);
        assert.strictEqual(parseProvisioning({ sshPrivateKey: KEY }).python, "jobs/.venv/bin/python");
        assert.throws(() => parseProvisioning({ sshPrivateKey: KEY, provisioning: { python: "python3; rm -rf /" } }), /provisioning\.python/);
    });

    it("reads the run keys of the pipeline section", () => {
        const pipeline = parsePipeline({ pipeline: { runOnUp: "false", runTimeoutMinutes: 30, runWindow: { trainDays: 14 } } });
        assert.strictEqual(pipeline.runOnUp, false);
        assert.strictEqual(pipeline.runTimeoutMinutes, 30);
        assert.strictEqual(pipeline.runWindow.trainDays, 14);
        assert.throws(() => parsePipeline({ pipeline: { runTimeoutMinutes: 1 } }), /fraud-mlops:pipeline\.runTimeoutMinutes/);
        assert.throws(() => parsePipeline({ pipeline: { runWindow: { trainStart: "22.08.2019" } } }), /fraud-mlops:pipeline\.runWindow\.trainStart/);
    });

    it("builds the run parameters: the default start leaves room for every window the job reads before it", () => {
        const seed = parseSeed({ seed: { count: 3 } });
        // 51 days before trainStart: the validation fold of the 1-day delay variant reaches 21 days back, plus
        // its 30-day feature look-back; 21 from it: training, delay and test.
        assert.deepStrictEqual(runParams({ trainDays: 7, delayDays: 7, testDays: 7 }, seed, "s3a://raw/raw/"), {
            inputPrefix: "s3a://raw/raw/", trainStart: "2019-10-12", trainDays: 7, delayDays: 7, testDays: 7,
        });
        assert.doesNotThrow(() => parseSeedForRun({ seed: { count: 3 }, pipeline: { runWindow: { trainStart: "2019-10-30" } } }));
        assert.throws(() => parseSeedForRun({ seed: { count: 3 }, pipeline: { runWindow: { trainStart: "2019-10-31" } } }),
            /runWindow: a run from trainStart 2019-10-31 reads \[2019-09-10, 2019-11-21\) .*seeded data covers \[2019-08-22, 2019-11-20\)\. Fix: pick pipeline\.runWindow\.trainStart between 2019-10-12 and 2019-10-30/);
    });

    it("refuses the old defaults (one file, training from its first day): the job reads 51 days before trainStart", () => {
        assert.throws(() => parseSeedForRun({ seed: { count: 1 } }),
            /fraud-mlops:pipeline\.runWindow: .*seeded data covers \[2019-08-22, 2019-09-21\)\. Fix: seed at least 3 consecutive files/);
        assert.throws(() => parseSeedForRun({ seed: { count: 3 }, pipeline: { runWindow: { trainStart: "2019-08-22" } } }),
            /reads \[2019-07-02, 2019-09-12\)/);
    });
});
