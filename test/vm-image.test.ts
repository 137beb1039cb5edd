// Issue 11 item 10: `orchestrator.imageId` pins the VM image, so a preview needs no API call and an image
// update is a deliberate change; without it the family lookup stays the default.
import * as assert from "assert";
import { OFFLINE_RUN_TIMEOUT_MS, programRun } from "./support/dev-stack";
import { one } from "./support/inventory";

const PINNED = "fd8pinnedubuntu22040";

describe("the orchestrator VM's image", function () {
    this.timeout(OFFLINE_RUN_TIMEOUT_MS);

    it("a pinned image id is used as is, with no image lookup", async () => {
        const result = await programRun({ stack: "dev", overrides: { "fraud-mlops:orchestrator": { imageId: PINNED } } });
        assert.deepStrictEqual(result.calls.map((c) => c.token), []);
        assert.strictEqual((one(result, "ComputeInstance", "vm").inputs as any).bootDisk.initializeParams.imageId, PINNED);
    });

    it("without it, the family's latest image is looked up", async () => {
        const result = await programRun({ stack: "dev" });
        assert.deepStrictEqual(result.calls.map((c) => [c.token, c.inputs.family]), [["yandex:index/getComputeImage:getComputeImage", "ubuntu-2204-lts"]]);
    });
});
