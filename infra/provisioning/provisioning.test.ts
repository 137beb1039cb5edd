// The Provisioning component under Pulumi mocks (offline runner, child process per configuration).
import * as assert from "assert";
import { contractErrors, RUN_PARAMS } from "../config/pipeline-contract";
import * as path from "path";
import { OfflineResource, OfflineResult, runProgram } from "../../tools/offline";
import { fileHashes } from "./files";
import { SENTINELS, TEST_PRIVATE_KEY } from "./testing/fixtures";

const PROGRAM = path.join(__dirname, "testing", "program.ts");
const COMMAND_TYPES = ["command:local:Command", "command:remote:Command", "command:remote:CopyToRemote"];
const HASH = /^[0-9a-f]{64}$/;

function run(overrides: Record<string, unknown> = {}): Promise<OfflineResult> {
    return runProgram({ program: PROGRAM, overrides: { "fraud-mlops:sshPrivateKey": TEST_PRIVATE_KEY, ...overrides } }).then((result) => {
        if (result.error) throw new Error(`provisioning program failed: ${result.error.message}`);
        return result;
    });
}

const commands = (result: OfflineResult) => result.resources.filter((r) => COMMAND_TYPES.includes(r.type));
const named = (result: OfflineResult, name: string): OfflineResource => {
    const found = result.resources.find((r) => r.name === name);
    assert.ok(found, `no resource ${name} (have ${result.resources.map((r) => r.name).join(", ")})`);
    return found;
};
const deps = (resource: OfflineResource) => resource.options.dependsOn.map((key) => key.split("::")[1]);

/** Every string leaf of a value with its dotted path. */
function leaves(value: unknown, at = ""): [string, string][] {
    if (typeof value === "string") return [[at, value]];
    if (Array.isArray(value)) return value.flatMap((item, i) => leaves(item, `${at}[${i}]`));
    if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => leaves(v, at ? `${at}.${k}` : k));
    return [];
}

describe("Provisioning (mocks)", function () {
    this.timeout(180_000);
    let defaults: OfflineResult;
    let noRun: OfflineResult;
    let byDates: OfflineResult;
    let destroyable: OfflineResult;

    before(async () => {
        [defaults, noRun, byDates, destroyable] = await Promise.all([
            run(),
            run({ "fraud-mlops:pipeline": { runOnUp: false } }),
            run({ "fraud-mlops:seed": { fromDate: "2019-09-01", toDate: "2019-12-31" } }),
            run({ "fraud-mlops:seed": { count: 4 }, "fraud-mlops:allowDataDestroy": "true", "fraud-mlops:pipeline": { runTimeoutMinutes: 45 } }),
        ]);
    });

    it("declares every step as a child of the component", () => {
        const names = commands(defaults).map((r) => r.name).sort();
        assert.deepStrictEqual(names, [
            "deploy-job-code", "deploy-orchestrator", "run-pipeline", "seed-2019-08-22", "seed-2019-09-21", "seed-2019-10-21",
            "vm-script-deploy_orchestrator-py", "vm-script-run_pipeline-py", "vm-script-wait_cloud_init-sh", "wait-cloud-init",
        ].map((n) => n.replace(/_/g, "-")).sort());
        for (const resource of commands(defaults)) {
            assert.deepStrictEqual(resource.parents, ["fraud-mlops:provisioning:Provisioning::provisioning"], resource.name);
        }
    });

    it("the seed subset decides the set of copies (count or date range)", () => {
        const seeds = (result: OfflineResult) => commands(result).filter((r) => r.name.startsWith("seed-")).map((r) => r.name);
        assert.deepStrictEqual(seeds(defaults), ["seed-2019-08-22", "seed-2019-09-21", "seed-2019-10-21"]);
        assert.deepStrictEqual(seeds(byDates), ["seed-2019-09-21", "seed-2019-10-21", "seed-2019-11-20", "seed-2019-12-20"]);
        assert.deepStrictEqual(seeds(destroyable), ["seed-2019-08-22", "seed-2019-09-21", "seed-2019-10-21", "seed-2019-11-20"]);
        const create = String(named(byDates, "seed-2019-10-21").inputs.create);
        assert.match(create, /seed_raw\.py --source s3:\/\/mlops-data\/fraud-data\/ --source s3:\/\/otus-mlops-source-data\/ --target-bucket fraud-mlops-dev-raw-test --target-prefix raw\/ --file 2019-10-21\.txt$/);
    });

    it("the seed probes the public copies in order by default; seed.sourceBucket/sourcePrefix name the only one", async () => {
        const own = await run({ "fraud-mlops:seed": { sourceBucket: "my-copy", sourcePrefix: "fraud/" } });
        const create = String(named(own, "seed-2019-08-22").inputs.create);
        assert.match(create, /seed_raw\.py --source s3:\/\/my-copy\/fraud\/ --target-bucket /);
        // Where from is not what: another source re-runs the idempotent copy but never replaces (deletes) it.
        assert.deepStrictEqual(named(own, "seed-2019-08-22").inputs.triggers, named(defaults, "seed-2019-08-22").inputs.triggers);
        assert.notDeepStrictEqual(named(own, "run-pipeline").inputs.triggers, named(defaults, "run-pipeline").inputs.triggers);
    });

    it("deletes a seeded copy only when storage.allowDataDestroy allows it, and deletes before a replacement", () => {
        assert.strictEqual(named(defaults, "seed-2019-08-22").inputs.delete, undefined);
        assert.match(String(named(destroyable, "seed-2019-08-22").inputs.delete), / --delete$/);
        const options = defaults.outputs.options.value as Record<string, { deleteBeforeReplace?: boolean }>;
        assert.strictEqual(options["seed-2019-08-22"].deleteBeforeReplace, true);
    });

    it("the run step depends on seed, code, orchestrator and cluster; the deploy on cloud-init", () => {
        assert.deepStrictEqual(deps(named(destroyable, "run-pipeline")).sort(),
            ["cluster", "deploy-job-code", "deploy-orchestrator", "seed-2019-08-22", "seed-2019-09-21", "seed-2019-10-21", "seed-2019-11-20", "storage-bucket-acl", "storage-data-key-user"]);
        assert.ok(deps(named(defaults, "deploy-orchestrator")).includes("wait-cloud-init"));
        assert.deepStrictEqual(deps(named(defaults, "wait-cloud-init")).sort(),
            ["vm-script-deploy-orchestrator-py", "vm-script-run-pipeline-py", "vm-script-wait-cloud-init-sh"]);
    });

    it("every step that touches a bucket or the cluster depends on the storage and KMS grants", () => {
        const grants = ["storage-bucket-acl", "storage-data-key-user"];
        const touching = commands(destroyable).filter((r) => /^(seed-|deploy-job-code$|deploy-orchestrator$|run-pipeline$)/.test(r.name));
        assert.strictEqual(touching.length, 4 + 3, touching.map((r) => r.name).join(", "));
        for (const resource of touching) {
            for (const grant of grants) assert.ok(deps(resource).includes(grant), `${resource.name} does not depend on ${grant}: ${deps(resource).join(", ")}`);
        }
    });

    it("pipeline.runOnUp: false removes the run step and nothing else", () => {
        assert.ok(!commands(noRun).some((r) => r.name === "run-pipeline"));
        assert.strictEqual(commands(noRun).length, commands(defaults).length - 1);
    });

    it("every command carries content hashes in its triggers", () => {
        for (const resource of commands(defaults)) {
            const triggers = resource.inputs.triggers as unknown[];
            assert.ok(Array.isArray(triggers) && triggers.some((t) => typeof t === "string" && HASH.test(t)), `${resource.name}: ${JSON.stringify(triggers)}`);
        }
        const runTriggers = named(defaults, "run-pipeline").inputs.triggers as string[];
        assert.strictEqual(runTriggers.filter((t) => HASH.test(t)).length, 6, "code, DAG, pipeline config, seed set, window, script");
    });

    it("the code step's triggers name every job file with its hash, so a preview shows which file changes", () => {
        const [perFile] = named(defaults, "deploy-job-code").inputs.triggers as [Record<string, string>];
        const names = Object.keys(perFile);
        assert.ok(names.includes("fraud_jobs/__init__.py") && names.some((n) => n.startsWith("entrypoints/")), names.join(", "));
        assert.ok(!names.some((n) => n.includes("__pycache__")));
        for (const name of names) assert.match(perFile[name], HASH, name);
        const changed = fileHashes({ "fraud_jobs/a.py": "x", "fraud_jobs/b.py": "y" });
        const edited = fileHashes({ "fraud_jobs/a.py": "x", "fraud_jobs/b.py": "y2" });
        assert.deepStrictEqual(Object.keys(changed).filter((k) => changed[k] !== edited[k]), ["fraud_jobs/b.py"]);
    });

    it("the run re-triggers when the seeded input set or the window changes, not otherwise", async () => {
        const again = await run();
        assert.deepStrictEqual(named(again, "run-pipeline").inputs.triggers, named(defaults, "run-pipeline").inputs.triggers);
        assert.notDeepStrictEqual(named(byDates, "run-pipeline").inputs.triggers, named(defaults, "run-pipeline").inputs.triggers);
        assert.notStrictEqual(byDates.outputs.runPrefix.value, defaults.outputs.runPrefix.value);
        const stdin = JSON.parse(String(named(byDates, "run-pipeline").inputs.stdin));
        // Default start: the first seeded day plus the 51 days the run reads before it; keys as the DAG's params.
        assert.deepStrictEqual(stdin, { inputPrefix: "s3a://fraud-mlops-dev-raw-test/raw/", trainStart: "2019-11-11", trainDays: 7, delayDays: 7, testDays: 7 });
        assert.deepStrictEqual(contractErrors(stdin, RUN_PARAMS), [], "the run's conf matches the contract the DAG checks it with");
    });

    it("has deliberate timeouts on every step; the run's follows pipeline.runTimeoutMinutes", () => {
        const options = destroyable.outputs.options.value as Record<string, { customTimeouts?: { create?: string } }>;
        for (const resource of commands(destroyable)) {
            assert.match(String(options[resource.name]?.customTimeouts?.create), /^\d+m$/, resource.name);
        }
        assert.strictEqual(options["run-pipeline"].customTimeouts?.create, "60m");
    });

    it("no command text or trigger holds a secret; secrets appear only in secret inputs", () => {
        const sentinels = Object.values(SENTINELS);
        const seen = new Set<string>();
        for (const result of [defaults, destroyable]) {
            for (const resource of commands(result)) {
                for (const [at, value] of leaves(resource.inputs)) {
                    const leaked = sentinels.filter((s) => value.includes(s));
                    if (leaked.length === 0) continue;
                    leaked.forEach((s) => seen.add(s));
                    assert.ok(["environment", "stdin", "connection"].includes(at.split(/[.[]/)[0]), `${resource.name}.${at} holds a secret`);
                    assert.ok(resource.secretPaths.some((p) => at === p || at.startsWith(`${p}.`) || at.startsWith(`${p}[`)),
                        `${resource.name}.${at} holds a secret but is not marked secret (secret paths: ${resource.secretPaths.join(", ")})`);
                }
            }
        }
        // The search is not vacuous: every sentinel reached some command, through a secret input.
        assert.deepStrictEqual([...seen].sort(), [...sentinels].sort());
        assert.ok(named(defaults, "deploy-orchestrator").secretPaths.includes("stdin"));
    });

    it("ships the rendered files, the repository's DAGs and 0600 secret files under the VM root", () => {
        const bundle = JSON.parse(String(named(defaults, "deploy-orchestrator").inputs.stdin));
        const paths = [...bundle.files, ...bundle.secretFiles].map((f: { path: string }) => f.path);
        assert.ok(paths.every((p: string) => p.startsWith("/opt/fraud-mlops/")), paths.join(", "));
        assert.ok(paths.includes("/opt/fraud-mlops/airflow/dags/fraud_pipeline.py"));
        assert.ok(paths.includes("/opt/fraud-mlops/compose/config/pipeline.json"));
        assert.ok(bundle.secretFiles.length > 0 && bundle.secretFiles.every((f: { mode: number }) => f.mode === 0o600));
        assert.ok(!paths.some((p: string) => p.includes("__pycache__")));
        assert.deepStrictEqual(bundle.health.map((h: { name: string }) => h.name), ["airflow", "mlflow"]);
    });

    it("the run waits for Airflow to parse the very DAG file the deploy writes", () => {
        const bundle = JSON.parse(String(named(defaults, "deploy-orchestrator").inputs.stdin));
        const dagFile = String(named(defaults, "run-pipeline").inputs.create).match(/--dag-file (\S+)/)?.[1];
        assert.strictEqual(dagFile, "/opt/fraud-mlops/airflow/dags/fraud_pipeline.py");
        assert.ok(bundle.files.some((f: { path: string }) => f.path === dagFile));
    });

    it("rejects a run window outside the seeded days, naming the key", async () => {
        const result = await runProgram({ program: PROGRAM, overrides: {
            "fraud-mlops:sshPrivateKey": TEST_PRIVATE_KEY,
            "fraud-mlops:pipeline": { runWindow: { trainStart: "2019-09-10" } },
        } });
        assert.match(String(result.error?.message), /fraud-mlops:pipeline\.runWindow: a run from trainStart 2019-09-10 reads \[2019-07-21, 2019-10-01\) .* but the seeded data covers \[2019-08-22, 2019-11-20\)\. Fix: pick pipeline\.runWindow\.trainStart between 2019-10-12 and 2019-10-30/);
        assert.strictEqual(result.resources.filter((r) => COMMAND_TYPES.includes(r.type)).length, 0);
    });
});
