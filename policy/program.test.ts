// Every rule against what the REAL program declares for the dev stack (offline runner, Pulumi mocks):
// it passes there, and fails with a clear message on a deliberately broken variant of the same program.
import * as assert from "assert";
import { OfflineResource, OfflineResult } from "../tools/offline";
import { OFFLINE_RUN_TIMEOUT_MS, programRun } from "../test/support/dev-stack";
import { RESOURCE_POLICIES, STACK_POLICIES } from "./policies";
import { bucketNoAnonymousAccess } from "./rules/bucket-access";
import { bucketKmsEncryption } from "./rules/bucket-encryption";
import { monthlyBudget } from "./rules/budget";
import { dataprocWithinLimits } from "./rules/dataproc-limits";
import { productionDeletionProtection } from "./rules/deletion-protection";
import { noPrivateKeyInMetadata } from "./rules/instance-metadata";
import { noPlainHttpUiIngress } from "./rules/plain-http-ui-ports";
import { noPublicAdminIngress } from "./rules/security-group-ingress";
import { PolicyTarget, resourceViolations, stackViolations } from "./testing";
import { withInput } from "./fixtures";

function targets(result: OfflineResult): PolicyTarget[] {
    return result.resources.map((r: OfflineResource) => ({ type: r.type, name: r.name, custom: r.custom, inputs: r.inputs, protect: r.options.protect }));
}

function only(resources: PolicyTarget[], type: string, name?: string): PolicyTarget {
    const found = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
    assert.ok(found.length >= 1, `the program declares no ${type} ${name ?? ""}`);
    return found[0];
}

describe("policy pack on the real program (dev stack, offline)", function () {
    this.timeout(OFFLINE_RUN_TIMEOUT_MS);
    let dev: PolicyTarget[];

    before(async () => {
        dev = targets(await programRun({ stack: "dev" }));
    });

    it("the dev stack declares what the rules look at", () => {
        for (const type of ["StorageBucket", "VpcSecurityGroup", "ComputeInstance", "DataprocCluster", "KmsSymmetricKey"]) {
            assert.ok(dev.some((r) => r.type.endsWith(`:${type}`)), type);
        }
    });

    for (const policy of RESOURCE_POLICIES) {
        it(`${policy.name} passes on every resource of the dev stack`, async () => {
            assert.deepStrictEqual(await resourceViolations(policy, dev), []);
        });
    }
    for (const policy of STACK_POLICIES) {
        it(`${policy.name} passes on the dev stack`, async () => {
            assert.deepStrictEqual(await stackViolations(policy, dev), []);
        });
    }

    it("bucket-no-anonymous-access fails a real bucket made public", async () => {
        const bucket = only(dev, "yandex:index/storageBucket:StorageBucket", "raw");
        const found = await resourceViolations(bucketNoAnonymousAccess, [withInput(bucket, (i) => { i.anonymousAccessFlags = { read: true, list: true }; })]);
        assert.deepStrictEqual(found.map((m) => m.split(";")[0]), [
            'bucket "raw": anonymousAccessFlags.read is true',
            'bucket "raw": anonymousAccessFlags.list is true',
        ]);
    });

    it("bucket-kms-encryption fails a real bucket without its encryption block", async () => {
        const bucket = only(dev, "yandex:index/storageBucket:StorageBucket", "cleaned");
        const found = await resourceViolations(bucketKmsEncryption, [withInput(bucket, (i) => { delete i.serverSideEncryptionConfiguration; })]);
        assert.strictEqual(found.length, 1);
        assert.match(found[0], /^bucket "cleaned" has no default server-side encryption; set serverSideEncryptionConfiguration/);
    });

    it("security-group-no-public-admin-ports fails the program run with admin ports opened to the internet", async () => {
        const open = targets(await programRun({ stack: "dev", overrides: { "fraud-mlops:network": { adminCidrs: ["0.0.0.0/0"], dangerouslyOpenAdminPortsToInternet: true } } }));
        const found = await resourceViolations(noPublicAdminIngress, open);
        assert.ok(found.some((m) => /opens 22 \(SSH\) to 0\.0\.0\.0\/0/.test(m)), found.join("\n"));
        // The program opens no 443 at all (UI proxy off; the TLS proxy is opt-in): the rule's 443 case is in rules.test.ts.
        assert.ok(!found.some((m) => /opens 443/.test(m)), found.join("\n"));
    });

    it("orchestrator-ui-ports-private passes every stack the switches allow, and fails the real group given 8080/5000", async () => {
        const tlsOn = targets(await programRun({ stack: "dev", overrides: { "fraud-mlops:orchestrator": { tls: { enabled: true } } } }));
        assert.deepStrictEqual(await resourceViolations(noPlainHttpUiIngress, [...dev, ...tlsOn]), []);
        const group = only(dev, "yandex:index/vpcSecurityGroup:VpcSecurityGroup", "orchestrator");
        const exposed = withInput(group, (i) => {
            i.ingresses.push({ protocol: "TCP", port: 8080, v4CidrBlocks: ["198.51.100.0/24"] });
            i.ingresses.push({ protocol: "TCP", port: 5000, v4CidrBlocks: ["198.51.100.0/24"] });
        });
        const found = await resourceViolations(noPlainHttpUiIngress, [exposed]);
        assert.strictEqual(found.length, 2, found.join("\n"));
        assert.match(found[0], /admits 198\.51\.100\.0\/24 to 8080 \(Airflow, plain HTTP\)/);
        assert.match(found[1], /admits 198\.51\.100\.0\/24 to 5000 \(MLflow, plain HTTP\)/);
    });

    it("no-private-key-in-metadata fails the real VM with a key written by cloud-init", async () => {
        const vm = only(dev, "yandex:index/computeInstance:ComputeInstance");
        const leaked = withInput(vm, (i) => { i.metadata["user-data"] += "\nwrite_files:\n- path: /root/.ssh/id_ed25519\n  content: |\n    -----BEGIN OPENSSH PRIVATE KEY-----\n    b3BlbnNzaC1rZXktdjE=\n"; });
        const found = await resourceViolations(noPrivateKeyInMetadata, [leaked]);
        assert.deepStrictEqual(found.map((m) => m.split(";")[0]), [`ComputeInstance "${vm.name}": metadata.user-data contains private key material`]);
    });

    it("dataproc-within-limits fails the program run with more data hosts than the limit", async () => {
        const big = targets(await programRun({ stack: "dev", overrides: { "fraud-mlops:dataproc": { data: { hosts: 6 } } } }));
        const found = await resourceViolations(dataprocWithinLimits, big);
        assert.ok(found.some((m) => /subclusterSpecs\[1\] \(data\) can grow to 6 hosts, above fraud-mlops:cost.limits.maxHostsPerSubcluster = 4/.test(m)), found.join("\n"));
        assert.ok(found.some((m) => /can grow to 7 hosts in all, above fraud-mlops:cost.limits.maxHostsPerCluster = 5/.test(m)), found.join("\n"));
    });

    it("production-deletion-protection fails the dev resources under a production stack name", async () => {
        const found = await resourceViolations(productionDeletionProtection, dev, "production");
        assert.ok(found.some((m) => /StorageBucket "raw" on production stack "production" is not protected/.test(m)), found.join("\n"));
        assert.ok(found.some((m) => /DataprocCluster ".*" on production stack "production" needs deletionProtection: true/.test(m)), found.join("\n"));
    });

    it("monthly-budget fails the program run with a cluster of 32-vCPU data hosts", async () => {
        const big = targets(await programRun({ stack: "dev", overrides: { "fraud-mlops:dataproc": { data: { preset: "s3-c32-m128" } } } }));
        const found = await stackViolations(monthlyBudget, big);
        assert.strictEqual(found.length, 1);
        assert.match(found[0], /^estimated [\d,]+ RUB a month exceeds the budget of 45,000 RUB \(fraud-mlops:cost.monthlyBudgetRub\); largest items: .*3 x s3-c32-m128 RAM/);
    });
});
