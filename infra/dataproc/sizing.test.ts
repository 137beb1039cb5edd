// Job sizing from the data hosts' preset: containers that fit the (assumed) NodeManager memory, Spark's own
// overhead rules, the driver's container in cluster mode, and a refusal when no executor would fit.
import * as assert from "assert";
import { DATAPROC_DEFAULTS, DATAPROC_PRESETS } from "../config/dataproc";
import { ConfigError } from "../config/errors";
import { DRIVER_SLOTS, jobSparkProperties, YARN_ASSUMPTIONS, yarnSlots } from "./sizing";

const mb = (value: string) => Number(/^(\d+)m$/.exec(value)![1]);

describe("Data Proc job sizing", () => {
    it("sizes the default data hosts (3 x s3-c4-m16) in cluster mode", () => {
        const { clean, train } = jobSparkProperties(DATAPROC_DEFAULTS.data);
        assert.deepStrictEqual(clean, {
            "spark.submit.deployMode": "cluster",
            "spark.driver.cores": "2", "spark.driver.memory": "5376m", "spark.driver.memoryOverhead": "768m",
            "spark.executor.cores": "2", "spark.executor.memory": "5376m", "spark.executor.memoryOverhead": "768m",
            "spark.dynamicAllocation.enabled": "false", "spark.executor.instances": "5",
        });
        // The training driver gets a whole host: half of it off-heap for the pandas scores.
        assert.strictEqual(train["spark.driver.memory"], "6144m");
        assert.strictEqual(train["spark.driver.memoryOverhead"], "6144m");
        assert.strictEqual(train["spark.executor.instances"], "4");
    });

    for (const preset of DATAPROC_PRESETS) {
        it(`fits the containers of both jobs into a ${preset} host`, () => {
            const data = { ...DATAPROC_DEFAULTS.data, preset, hosts: 2 };
            const slots = yarnSlots(data);
            for (const [job, properties] of Object.entries(jobSparkProperties(data))) {
                const executor = mb(properties["spark.executor.memory"]) + mb(properties["spark.executor.memoryOverhead"]);
                const driver = mb(properties["spark.driver.memory"]) + mb(properties["spark.driver.memoryOverhead"]);
                for (const container of [executor, driver]) {
                    assert.strictEqual(container % YARN_ASSUMPTIONS.minimumAllocationMb, 0, `${job}: YARN would round ${container} MB up`);
                    assert.ok(container <= slots.nodeManagerMb, `${job}: ${container} MB > NodeManager ${slots.nodeManagerMb} MB`);
                }
                for (const side of ["executor", "driver"]) {
                    const heap = mb(properties[`spark.${side}.memory`]);
                    assert.ok(mb(properties[`spark.${side}.memoryOverhead`]) >= Math.max(384, heap * 0.1), `${job} ${side} overhead below Spark's minimum`);
                }
                // Every container of the job (driver + executors) fits the hosts' NodeManagers together.
                const driverSlots = Math.min(DRIVER_SLOTS[job as keyof typeof DRIVER_SLOTS], slots.slotsPerHost);
                assert.strictEqual(Number(properties["spark.executor.instances"]) + driverSlots, slots.hosts * slots.slotsPerHost);
                assert.ok(slots.slotsPerHost * slots.slotMb <= slots.nodeManagerMb);
            }
        });
    }

    it("refuses data hosts that leave no executor beside the driver, naming the key", () => {
        assert.throws(() => jobSparkProperties({ ...DATAPROC_DEFAULTS.data, preset: "s3-c2-m8", hosts: 1 }),
            (error: unknown) => error instanceof ConfigError && error.key === "fraud-mlops:dataproc.data.hosts");
    });
});
