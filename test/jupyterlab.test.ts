// Issue 13 item 5 (access) on the REAL index.ts under mocks: the persistent cluster installs JupyterLab with
// an initialization action whose script is uploaded to the code bucket first; the tunnel is a stack output;
// no security group of the program admits anything to Jupyter's port.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { JUPYTER_INIT_SCRIPT, JUPYTER_PORT } from "../infra/dataproc/jupyter";
import { jupyterPortPrivate } from "../policy/rules/jupyter-port";
import { resourceViolations } from "../policy/testing";
import { OfflineResult } from "../tools/offline";
import { OFFLINE_RUN_TIMEOUT_MS, programRun } from "./support/dev-stack";
import { one, ofType } from "./support/inventory";

const ROOT = path.resolve(__dirname, "..");

describe("JupyterLab on the persistent cluster (issue 13 item 5)", function () {
    this.timeout(OFFLINE_RUN_TIMEOUT_MS);
    let persistent: OfflineResult;
    let ephemeral: OfflineResult;
    let without: OfflineResult;

    before(async () => {
        [persistent, ephemeral, without] = await Promise.all([
            programRun({ stack: "dev" }),
            programRun({ stack: "dev", overrides: { "fraud-mlops:pipeline": { mode: "ephemeral" } } }),
            programRun({ stack: "dev", overrides: { "fraud-mlops:dataproc": { jupyterLab: false } } }),
        ]);
    });

    it("uploads the script to the code bucket and runs it at creation with the port as its argument", () => {
        const object = one(persistent, "StorageObject", "jupyterlab-init").inputs as Record<string, any>;
        assert.strictEqual(object.content, fs.readFileSync(path.join(ROOT, JUPYTER_INIT_SCRIPT), "utf8"));
        const codeBucket = (persistent.outputs.bucketNames.value as Record<string, string>).code;
        assert.strictEqual(object.bucket, codeBucket);
        const hadoop = (one(persistent, "DataprocCluster", "cluster").inputs as Record<string, any>).clusterConfig.hadoop;
        assert.deepStrictEqual(hadoop.initializationActions, [
            { uri: `s3a://${codeBucket}/dataproc/init/jupyterlab.sh`, args: [String(JUPYTER_PORT)], timeout: "900" },
        ]);
    });

    it("exports the tunnel to the master's loopback port through the VM", () => {
        assert.match(String(persistent.outputs.jupyterLabTunnel.value),
            /^ssh -N -J ubuntu@203\.0\.113\.10 -L 8888:127\.0\.0\.1:8888 ubuntu@\$\(yc dataproc cluster list-hosts --id cluster-id /);
    });

    it("nothing of it without a persistent cluster or with dataproc.jupyterLab false; the per-run template never has it", () => {
        for (const run of [ephemeral, without]) {
            assert.deepStrictEqual(ofType(run, "StorageObject"), []);
            assert.strictEqual(run.outputs.jupyterLabTunnel.value, null);
        }
        const hadoop = (one(without, "DataprocCluster", "cluster").inputs as Record<string, any>).clusterConfig.hadoop;
        assert.deepStrictEqual(hadoop.initializationActions ?? [], []);
        assert.ok(!("initializationActions" in (persistent.outputs.dataprocClusterTemplate.value as object)));
    });

    it("no security group of the program admits anything to Jupyter's port (policy jupyter-port-private)", async () => {
        const groups = ofType(persistent, "VpcSecurityGroup").map((r) => ({ type: r.type, name: r.name, inputs: r.inputs }));
        assert.ok(groups.length >= 3);
        assert.deepStrictEqual(await resourceViolations(jupyterPortPrivate, groups), []);
    });
});
