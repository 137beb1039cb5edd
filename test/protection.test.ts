// fraud-mlops:protect: on by default for stacks named like production, so the real program satisfies the
// policy pack's production-deletion-protection rule there; off for dev. Offline runs of the real index.ts.
import * as assert from "assert";
import { parseConfig } from "../infra/config";
import { TYPES } from "../infra/cost/estimate";
import { RESOURCE_POLICIES } from "../policy/policies";
import { productionDeletionProtection, STATEFUL_TYPES } from "../policy/rules/deletion-protection";
import { PolicyTarget, resourceViolations } from "../policy/testing";
import { OfflineResult } from "../tools/offline";
import { configInput } from "./support/config-input";
import { OFFLINE_RUN_TIMEOUT_MS, programRun } from "./support/dev-stack";

// The dev stack's file deployed under a production-like name (no Pulumi.production.yaml is committed).
const PRODUCTION = { stack: "production", configStack: "dev" };

function targets(result: OfflineResult): PolicyTarget[] {
    return result.resources.map((r) => ({ type: r.type, name: r.name, custom: r.custom, inputs: r.inputs, protect: r.options.protect }));
}

const stateful = (resources: PolicyTarget[]) => resources.filter((r) => STATEFUL_TYPES.has(r.type));

describe("deletion protection (fraud-mlops:protect)", function () {
    this.timeout(OFFLINE_RUN_TIMEOUT_MS);

    it("defaults on for production-like stack names only; explicit values win", () => {
        const protect = (stack: string, overrides: Record<string, unknown> = {}) => parseConfig({ ...configInput(overrides), stack }).protect;
        assert.deepStrictEqual(["production", "prod", "eu-prod", "prod-2"].map((stack) => protect(stack)), [true, true, true, true]);
        assert.deepStrictEqual(["dev", "product-demo", "staging"].map((stack) => protect(stack)), [false, false, false]);
        assert.strictEqual(protect("dev", { protect: true }), true);
        assert.strictEqual(protect("production", { protect: "false" }), false);
    });

    it("a stack named production protects every bucket, the KMS key, the cluster and the VM", async () => {
        const resources = stateful(targets(await programRun(PRODUCTION)));
        const types = new Set(resources.map((r) => r.type));
        for (const type of [TYPES.bucket, TYPES.kmsKey, TYPES.dataproc, TYPES.instance]) assert.ok(types.has(type), `no ${type} declared`);
        assert.strictEqual(resources.filter((r) => r.type === TYPES.bucket).length, 5);
        assert.deepStrictEqual(resources.filter((r) => r.protect !== true).map((r) => r.name), []);
        for (const type of [TYPES.dataproc, TYPES.kmsKey]) {
            assert.ok(resources.filter((r) => r.type === type).every((r) => r.inputs.deletionProtection === true), `${type} deletionProtection`);
        }
    });

    it("the production stack passes production-deletion-protection and every other resource rule", async () => {
        const resources = targets(await programRun(PRODUCTION));
        assert.deepStrictEqual(await resourceViolations(productionDeletionProtection, resources, "production"), []);
        for (const policy of RESOURCE_POLICIES) {
            assert.deepStrictEqual(await resourceViolations(policy, resources, "production"), [], policy.name);
        }
    });

    it("the dev stack sets no protection (so `pulumi destroy` works), and would fail the rule under a production name", async () => {
        const dev = targets(await programRun({ stack: "dev" }));
        assert.deepStrictEqual(dev.filter((r) => r.protect === true).map((r) => r.name), []);
        const cluster = dev.find((r) => r.type === TYPES.dataproc);
        assert.strictEqual(cluster?.inputs.deletionProtection, false);
        const found = await resourceViolations(productionDeletionProtection, dev, "production");
        assert.strictEqual(found.length, stateful(dev).length + 1, found.join("\n")); // + the cluster's deletionProtection
    });

    it("switching protection off on a production stack is honoured, and the policy then blocks it", async () => {
        const result = await programRun({ ...PRODUCTION, overrides: { "fraud-mlops:protect": false } });
        const found = await resourceViolations(productionDeletionProtection, targets(result), "production");
        assert.ok(found.some((m) => /StorageBucket "raw" on production stack "production" is not protected/.test(m)), found.join("\n"));
        assert.ok(found.some((m) => /ComputeInstance ".*" on production stack "production" is not protected/.test(m)), found.join("\n"));
    });
});
