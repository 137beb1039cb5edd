import * as assert from "assert";
import { compliantResources } from "../../policy/fixtures";
import { estimateMonthlyCost, TYPES } from "./estimate";
import { HOURS_PER_MONTH, PRICES } from "./prices";
import { UsageAssumptions } from "./types";
import { parseCost } from "../config/cost";
import { parseDataproc } from "../config/dataproc";
import { EPHEMERAL_CLUSTER_NAME, estimateStack } from "./stack-estimate";

const persistent: UsageAssumptions = { clusterHoursPerMonth: HOURS_PER_MONTH, bucketSizesGb: { default: 150 }, egressGbPerMonth: 0 };
const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 0.005, `${actual} != ${expected}`);
const componentTotal = (lines: readonly { component: string; monthlyRub: number }[], component: string) =>
    lines.filter((l) => l.component === component).reduce((sum, l) => sum + l.monthlyRub, 0);

describe("estimateMonthlyCost", () => {
    it("prices the course's cluster (s3-c2-m8 master with public IP + 3 x s3-c4-m16) by hand-checked figures", () => {
        const estimate = estimateMonthlyCost(compliantResources, persistent);
        // 14 vCPU, 56 GB RAM, 424 GB SSD, one public IP, 730 h
        const expected = 14 * 730 * (1.24 + 0.124) + 56 * 730 * (0.33 + 0.033) + 424 * 730 * 0.0199 + 730 * 0.26352;
        close(componentTotal(estimate.lines, "spark"), expected);
        close(componentTotal(estimate.lines, "spark"), 35131.34); // the same, worked out by hand
    });

    it("prices the VM, the bucket by class and size, the KMS key; marks estimate lines", () => {
        const estimate = estimateMonthlyCost(compliantResources, persistent);
        close(componentTotal(estimate.lines, "orchestrator"), 730 * (2 * 1.24 + 8 * 0.33 + 30 * 0.0199 + 0.26352));
        close(componentTotal(estimate.lines, "cleaned"), 150 * PRICES.storageStandard.rub);
        const markup = estimate.lines.find((l) => l.item.includes("Data Proc vCPU charge"));
        assert.strictEqual(markup?.estimate, true);
        assert.strictEqual(estimate.lines.find((l) => l.item.endsWith("x s3-c4-m16 vCPU"))?.estimate, false);
        close(estimate.estimatedPartRub, estimate.lines.filter((l) => l.estimate).reduce((s, l) => s + l.monthlyRub, 0));
        close(estimate.totalRub, estimate.lines.reduce((s, l) => s + l.monthlyRub, 0));
        assert.deepStrictEqual(estimate.free, [{ component: "cluster-sg", type: TYPES.securityGroup }]);
    });

    it("the ephemeral mode scales only the cluster by its hours", () => {
        const full = estimateMonthlyCost(compliantResources, persistent);
        const ephemeral = estimateMonthlyCost(compliantResources, { ...persistent, clusterHoursPerMonth: 45.65625 });
        close(componentTotal(ephemeral.lines, "spark"), componentTotal(full.lines, "spark") * 45.65625 / 730);
        close(componentTotal(ephemeral.lines, "orchestrator"), componentTotal(full.lines, "orchestrator"));
    });

    it("lists unknown types and unpriceable settings as unpriced, never as zero", () => {
        const estimate = estimateMonthlyCost([
            { type: "yandex:index/mdbPostgresqlCluster:MdbPostgresqlCluster", name: "pg", inputs: {} },
            { type: TYPES.instance, name: "old-vm", inputs: { resources: { cores: 2, memory: 4 }, bootDisk: { initializeParams: {} } } },
            { type: TYPES.dataproc, name: "gpu", inputs: { clusterConfig: { subclusterSpecs: [{ role: "DATANODE", hostsCount: 1, resources: { resourcePresetId: "g2-c32-m192", diskSize: 100, diskTypeId: "network-ssd-nonreplicated" } }] } } },
            { type: TYPES.bucket, name: "odd", inputs: { defaultStorageClass: "ARCHIVE" } },
            { type: "fraud:infra:Storage", name: "storage", inputs: {}, custom: false },
            { type: "fraud-mlops:infra:Network", name: "network", inputs: {} }, // as the policy engine passes components
        ], persistent);
        assert.deepStrictEqual(estimate.unpriced.map((u) => `${u.component}: ${u.reason}`), [
            "pg: type not in the price table",
            "old-vm: platformId unset (provider default standard-v1) is not priced; use standard-v3 (Ice Lake)",
            "old-vm: boot disk: disk size not set (the image decides it)",
            "gpu: subcluster (DATANODE): preset \"g2-c32-m192\" is not an Ice Lake preset the table prices",
            "gpu: subcluster (DATANODE): disk type network-ssd-nonreplicated is not in the price table",
            "odd: storage class ARCHIVE is not in the price table",
        ]);
        assert.deepStrictEqual(estimate.lines.map((l) => l.component), ["(stack)"]);
    });

    it("egress beyond the free 100 GB; NAT gateway and static address by the hour", () => {
        const estimate = estimateMonthlyCost([
            { type: TYPES.gateway, name: "nat", inputs: { sharedEgressGateway: {} } },
            { type: TYPES.address, name: "ip", inputs: {} },
        ], { ...persistent, egressGbPerMonth: 250 });
        close(componentTotal(estimate.lines, "(stack)"), 150 * 1.42);
        close(componentTotal(estimate.lines, "nat"), 730 * 0.39528);
        close(componentTotal(estimate.lines, "ip"), 730 * 0.26352);
    });

    it("a bucket with no expected size and no default is unpriced", () => {
        const estimate = estimateMonthlyCost([{ type: TYPES.bucket, name: "logs", inputs: {} }], { ...persistent, bucketSizesGb: { data: 5 } });
        assert.deepStrictEqual(estimate.unpriced.map((u) => u.reason), ["no expected size in fraud-mlops:cost.bucketSizesGb (known: data)"]);
    });

    it("every price has a unit, an ISO effective date, a source; estimates are flagged", () => {
        for (const [key, price] of Object.entries(PRICES)) {
            assert.match(price.effectiveFrom, /^\d{4}-\d{2}-\d{2}$/, key);
            assert.ok(price.rub > 0 && price.source.length > 10, key);
        }
        assert.deepStrictEqual(Object.entries(PRICES).filter(([, p]) => p.estimate).map(([k]) => k), [
            "dataprocMarkupVcpu", "dataprocMarkupRam", "diskNetworkHdd", "internetEgress",
            "storageStandard", "storageCold", "storageIce", "kmsKeyVersion",
        ]);
    });
});

describe("estimateStack (pipeline modes)", () => {
    const settings = (mode: "persistent" | "ephemeral" | "local", schedule: string | null = null) =>
        ({ mode, cost: parseCost({}), dataproc: parseDataproc({}), schedule });

    it("the per-run cluster of the ephemeral mode is priced like the declared one, for the runs' hours", () => {
        const declared = estimateStack(compliantResources, settings("persistent"), "persistent");
        const perRun = estimateStack(compliantResources.filter((r) => r.type !== TYPES.dataproc), settings("ephemeral", "@daily"), "ephemeral");
        assert.deepStrictEqual(perRun.unpriced, []);
        const cluster = perRun.lines.filter((l) => l.component === EPHEMERAL_CLUSTER_NAME);
        assert.ok(cluster.length > 0 && cluster.every((l) => Math.abs((l.hours ?? 0) - 30.4375 * 1.5) < 1e-9));
        // the fixture's cluster has the default shape, with a public master: the per-run one has none
        const expected = (componentTotal(declared.lines, "spark") - 730 * PRICES.publicIpv4.rub) * 45.65625 / 730;
        close(componentTotal(perRun.lines, EPHEMERAL_CLUSTER_NAME), expected);
    });

    it("local mode prices no cluster in either life", () => {
        const local = compliantResources.filter((r) => r.type !== TYPES.dataproc);
        close(estimateStack(local, settings("local"), "persistent").totalRub, estimateStack(local, settings("local"), "ephemeral").totalRub);
        assert.ok(!estimateStack(local, settings("local"), "persistent").lines.some((l) => l.type === TYPES.dataproc));
    });
});
