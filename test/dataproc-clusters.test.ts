// Issue 11 item 7 and issue 15 item 2 on the REAL index.ts under mocks: one Data Proc spec feeds the
// persistent cluster and Airflow's template; clusters Airflow creates carry the stack's labels; a destroy-time
// step deletes them after the VM and before the network, accounts and buckets.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { CLEANUP_SCRIPT } from "../infra/dataproc";
import { OfflineResult, OfflineResource } from "../tools/offline";
import { OFFLINE_RUN_TIMEOUT_MS, programRun } from "./support/dev-stack";
import { one } from "./support/inventory";

const ROOT = path.resolve(__dirname, "..");
const CLEANUP = "delete-airflow-clusters";
const LABELS = { project: "fraud-mlops", stack: "dev", "created-by": "airflow" };

function cleanupOf(result: OfflineResult): OfflineResource {
    const found = result.resources.filter((r) => r.type === "command:local:Command" && r.name === CLEANUP);
    assert.strictEqual(found.length, 1, `one ${CLEANUP} command`);
    return found[0];
}

/** pipeline.json as the deploy step sends it to the VM (its stdin bundle). */
function pipelineJson(result: OfflineResult): Record<string, any> {
    const deploy = result.resources.find((r) => r.name === "deploy-orchestrator");
    assert.ok(deploy, "the deploy step");
    const bundle = JSON.parse(String(deploy.inputs.stdin)) as { files: { path: string; content: string }[] };
    const file = bundle.files.find((f) => f.path.endsWith("/pipeline.json"));
    assert.ok(file, bundle.files.map((f) => f.path).join(", "));
    return JSON.parse(file.content);
}

describe("Data Proc clusters of the stack (issue 11 item 7, issue 15 item 2)", function () {
    this.timeout(OFFLINE_RUN_TIMEOUT_MS);
    let persistent: OfflineResult;
    let ephemeral: OfflineResult;

    before(async () => {
        [persistent, ephemeral] = await Promise.all([
            programRun({ stack: "dev" }),
            programRun({ stack: "dev", overrides: { "fraud-mlops:pipeline": { mode: "ephemeral" } } }),
        ]);
    });

    it("Airflow's template carries project, stack and the cleanup's marker; the persistent cluster lacks the marker", () => {
        for (const run of [persistent, ephemeral]) assert.deepStrictEqual((run.outputs.dataprocClusterTemplate.value as any).labels, LABELS);
        assert.deepStrictEqual(one(persistent, "DataprocCluster", "cluster").inputs.labels, { project: "fraud-mlops", stack: "dev" });
        assert.deepStrictEqual(pipelineJson(ephemeral).dataproc.spec, ephemeral.outputs.dataprocClusterTemplate.value);
    });

    it("the persistent cluster is built from the same spec as the template", () => {
        const cluster = one(persistent, "DataprocCluster", "cluster").inputs as Record<string, any>;
        const template = persistent.outputs.dataprocClusterTemplate.value as Record<string, any>;
        assert.strictEqual(cluster.zoneId, template.zone);
        assert.strictEqual(cluster.serviceAccountId, template.serviceAccountId);
        assert.strictEqual(cluster.bucket, template.bucket);
        assert.deepStrictEqual(cluster.securityGroupIds, template.securityGroupIds);
        assert.strictEqual(cluster.clusterConfig.versionId, template.imageVersion);
        assert.deepStrictEqual(cluster.clusterConfig.hadoop.services, template.services);
        assert.deepStrictEqual(cluster.clusterConfig.hadoop.properties, template.properties);
        assert.deepStrictEqual(cluster.clusterConfig.hadoop.sshPublicKeys, template.sshPublicKeys);
        const data = cluster.clusterConfig.subclusterSpecs.find((s: any) => s.role === "DATANODE");
        assert.deepStrictEqual([data.hostsCount, data.resources.resourcePresetId, data.resources.diskSize, data.subnetId], [template.data.hosts, template.data.preset, template.data.diskSizeGb, template.subnetId]);
    });

    for (const mode of ["persistent", "ephemeral"] as const) {
        it(`${mode}: a delete-only step removes every cluster with the template's labels, credentials from the environment`, () => {
            const run = mode === "persistent" ? persistent : ephemeral;
            const cleanup = cleanupOf(run);
            assert.deepStrictEqual(Object.keys(cleanup.inputs).filter((k) => cleanup.inputs[k] !== undefined).sort(), ["delete"]);
            const text = String(cleanup.inputs.delete);
            assert.match(text, new RegExp(`^jobs/\\.venv/bin/python ${CLEANUP_SCRIPT} --folder-id b1gofflinefolder0000 `));
            for (const [key, value] of Object.entries(LABELS)) assert.ok(text.includes(`--label ${key}=${value}`), text);
            assert.doesNotMatch(text, /token|offline-token|\.json|secret/i);
            assert.ok(fs.existsSync(path.join(ROOT, CLEANUP_SCRIPT)), "Pulumi runs the script from the project root");
        });

        it(`${mode}: the cleanup runs after the VM is gone and before the network, accounts and buckets go`, () => {
            const run = mode === "persistent" ? persistent : ephemeral;
            const deps = cleanupOf(run).options.dependsOn;
            // Destroy deletes dependents first: everything the cleanup depends on outlives it.
            assert.ok(deps.includes("fraud-mlops:infra:Network::network"), deps.join(", "));
            assert.ok(deps.some((d) => d.endsWith("::cluster-dataproc-agent")), "the cluster account's grants");
            assert.ok(deps.includes("yandex:index/storageBucket:StorageBucket::logs"), "the cluster bucket");
            const vmDeps = one(run, "ComputeInstance", "vm").options.dependsOn;
            assert.ok(vmDeps.includes(`command:local:Command::${CLEANUP}`), vmDeps.join(", "));
        });
    }

    it("index.ts imports only each folder's index.ts", () => {
        const source = fs.readFileSync(path.join(ROOT, "index.ts"), "utf8");
        const local = [...source.matchAll(/from "(\.[^"]+)"/g)].map((m) => m[1]);
        assert.ok(local.length > 5);
        for (const module of local) assert.match(module, /^\.\/infra\/[a-z-]+$/, `${module} is not a folder's index`);
    });
});
