// `npm run plan` / `npm run cost` output for the dev stack, and the monthlyCostRub stack output.
import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as path from "path";
import { estimateConfiguredStack, estimateStack } from "../infra/cost/stack-estimate";
import { renderPlan } from "../tools/plan-render";
import { declaredResources, offlineCostSettings, parseStackArgument } from "../tools/stack-cost";
import { OFFLINE_RUN_TIMEOUT_MS, programRun } from "./support/dev-stack";
import { matchSnapshotFile } from "./support/snapshot";

const EPHEMERAL = { stack: "dev", overrides: { "fraud-mlops:pipeline": { mode: "ephemeral" } } };

describe("offline plan and cost of the dev stack", function () {
    this.timeout(OFFLINE_RUN_TIMEOUT_MS);

    it("the plan (resource tree, key settings, cost) matches the reviewed snapshot", async () => {
        const plan = renderPlan(await programRun({ stack: "dev" }), offlineCostSettings({ stack: "dev" }));
        matchSnapshotFile(path.join(__dirname, "__snapshots__", "plan-dev.txt"), plan);
        assert.match(plan, /DATANODE 3 x s3-c4-m16 128 GB network-ssd/);
        assert.match(plan, /orchestrator  \[in TCP 22 198\.51\.100\.0\/24; in TCP 5000 sg cluster-members-id;/);
    });

    it("monthlyCostRub is the estimate for the stack's pipeline mode, in both modes", async () => {
        for (const options of [{ stack: "dev" }, EPHEMERAL]) {
            const result = await programRun(options);
            const expected = Math.round(estimateConfiguredStack(declaredResources(result), offlineCostSettings(options)).totalRub);
            assert.deepStrictEqual(result.outputs.monthlyCostRub, { value: expected, secret: false }, JSON.stringify(options));
        }
        const persistent = (await programRun({ stack: "dev" })).outputs.monthlyCostRub.value as number;
        const ephemeral = (await programRun(EPHEMERAL)).outputs.monthlyCostRub.value as number;
        assert.ok(ephemeral < persistent / 2, `ephemeral ${ephemeral} vs persistent ${persistent}`);
    });

    it("the ephemeral stack prices the per-run cluster it does not declare; both stacks agree on both lives", async () => {
        const persistentStack = await programRun({ stack: "dev" });
        const ephemeralStack = await programRun(EPHEMERAL);
        assert.ok(!declaredResources(ephemeralStack).some((r) => r.type.endsWith(":DataprocCluster")));
        const settings = offlineCostSettings(EPHEMERAL);
        const estimate = estimateStack(declaredResources(ephemeralStack), settings, "ephemeral");
        assert.ok(estimate.lines.some((l) => l.component === "dataproc (per DAG run)" && l.hours === 6), "4 manual runs x 90 min");
        for (const life of ["persistent", "ephemeral"] as const) {
            const a = estimateStack(declaredResources(persistentStack), offlineCostSettings({ stack: "dev" }), life).totalRub;
            const b = estimateStack(declaredResources(ephemeralStack), settings, life).totalRub;
            assert.ok(Math.abs(a - b) < 0.01, `${life}: ${a} vs ${b}`);
        }
    });

    it("npm run cost prints the table and the total; a bad argument fails with the usage line", () => {
        const root = path.resolve(__dirname, "..");
        const out = execFileSync("npm", ["run", "--silent", "cost", "--", "--stack", "dev"], { cwd: root, encoding: "utf8" });
        assert.match(out, /^Monthly cost estimate: stack dev, pipeline mode persistent/);
        assert.match(out, /\nTOTAL [\d,]+\.\d\d RUB a month\n/);
        assert.match(out, /The ephemeral mode saves [\d,]+\.\d\d RUB a month/);
        const missing = spawnSync("npm", ["run", "--silent", "cost", "--", "--stack", "nosuch"], { cwd: root, encoding: "utf8" });
        assert.strictEqual(missing.status, 1);
        assert.strictEqual(missing.stderr, "error: no stack file Pulumi.nosuch.yaml; stacks here: dev\n");
        assert.throws(() => parseStackArgument(["--stak", "dev"], "npm run cost [-- --stack NAME]"),
            /unexpected argument "--stak"; usage: npm run cost \[-- --stack NAME\]/);
        assert.throws(() => parseStackArgument(["--stack", "../x"], "u"), /--stack "\.\.\/x" is not a stack name/);
    });
});
