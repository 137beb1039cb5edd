import * as assert from "assert";
import { COST_DEFAULTS, parseCost } from "./cost";

describe("parseCost (fraud-mlops:cost)", () => {
    it("takes documented defaults; the raw bucket's size follows the storage section", () => {
        const cost = parseCost({});
        assert.strictEqual(cost.monthlyBudgetRub, COST_DEFAULTS.monthlyBudgetRub);
        assert.deepStrictEqual(cost.bucketSizesGb, { raw: 113, cleaned: 40, mlflow: 2, logs: 5, code: 1 });
        assert.strictEqual(parseCost({ storage: { rawDataSizeGb: 10 } }).bucketSizesGb.raw, 10);
    });

    it("accepts the JSON text Pulumi passes for structured config", () => {
        const cost = parseCost({ cost: JSON.stringify({ ephemeralRunMinutes: 45, bucketSizesGb: { cleaned: 7 }, limits: { allowedPresets: ["s3-c4-m16"], maxHostsPerSubcluster: 3 } }) });
        assert.strictEqual(cost.ephemeralRunMinutes, 45);
        assert.strictEqual(cost.bucketSizesGb.cleaned, 7);
        assert.deepStrictEqual(cost.limits, { maxHostsPerSubcluster: 3, maxHostsPerCluster: 5, allowedPresets: ["s3-c4-m16"] });
    });

    it("names the key and the fix for bad values", () => {
        const fails = (cost: unknown, message: RegExp) => assert.throws(() => parseCost({ cost }), message);
        fails({ monthlyBudgetRub: -5 }, /Configuration error in fraud-mlops:cost.monthlyBudgetRub: must be between 1 and 100000000 \(got -5\)\. Fix: pulumi config set --path 'fraud-mlops:cost.monthlyBudgetRub' 45000/);
        fails({ ephemeralRunMinutes: "soon" }, /fraud-mlops:cost.ephemeralRunMinutes: must be a whole number \(got "soon"\)/);
        fails({ bucketSizesGb: { cleaned: "big" } }, /fraud-mlops:cost.bucketSizesGb.cleaned: must be a whole number/);
        fails({ bucketSizesGb: { archive: 5 } }, /fraud-mlops:cost.bucketSizesGb.archive: is not a known setting/);
        fails({ limits: { allowedPresets: ["s3-c4-m16", "huge"] } }, /fraud-mlops:cost.limits.allowedPresets: must list Data Proc presets \(unknown: huge\)/);
        fails({ limits: { maxHostsPerSubcluster: 6, maxHostsPerCluster: 3 } }, /maxHostsPerCluster: \(3\) must be at least maxHostsPerSubcluster \(6\)/);
        fails({ budget: 1 }, /fraud-mlops:cost.budget: is not a known setting/);
        fails("{oops", /fraud-mlops:cost: is not a valid object/);
    });
});
