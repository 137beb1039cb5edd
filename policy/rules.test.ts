// Each policy on hand-built resources: passes on the compliant set, fails with a clear message when broken.
import * as assert from "assert";
import { bucketNoAnonymousAccess } from "./rules/bucket-access";
import { bucketKmsEncryption } from "./rules/bucket-encryption";
import { monthlyBudget } from "./rules/budget";
import { dataprocWithinLimits } from "./rules/dataproc-limits";
import { productionDeletionProtection } from "./rules/deletion-protection";
import { noPrivateKeyInMetadata } from "./rules/instance-metadata";
import { noPlainHttpUiIngress } from "./rules/plain-http-ui-ports";
import { jupyterPortPrivate } from "./rules/jupyter-port";
import { noPublicAdminIngress } from "./rules/security-group-ingress";
import { RESOURCE_POLICIES } from "./policies";
import { compliantBucket, compliantCluster, compliantInstance, compliantResources, compliantSecurityGroup, withInput } from "./fixtures";
import { isProductionStack } from "./stack-config";
import { resourceViolations, stackViolations } from "./testing";

describe("policy rules on hand-built resources", () => {
    it("every resource policy passes the compliant set", async () => {
        for (const policy of RESOURCE_POLICIES) {
            assert.deepStrictEqual(await resourceViolations(policy, compliantResources), [], policy.name);
        }
    });

    it("bucket-no-anonymous-access: public read, list, acl or AllUsers grant", async () => {
        const broken = [
            withInput(compliantBucket, (i) => { i.anonymousAccessFlags.read = true; }),
            withInput(compliantBucket, (i) => { i.anonymousAccessFlags.list = true; }),
            withInput(compliantBucket, (i) => { i.acl = "public-read"; }),
            withInput(compliantBucket, (i) => { i.grants = [{ type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers", permissions: ["READ"] }]; }),
        ];
        const found = await resourceViolations(bucketNoAnonymousAccess, broken);
        assert.strictEqual(found.length, 4);
        assert.match(found[0], /bucket "cleaned": anonymousAccessFlags.read is true/);
        assert.match(found[1], /anonymousAccessFlags.list is true/);
        assert.match(found[2], /acl "public-read"/);
        assert.match(found[3], /AllUsers makes the bucket public/);
    });

    it("bucket-kms-encryption: missing, non-KMS, or keyless encryption", async () => {
        const found = await resourceViolations(bucketKmsEncryption, [
            withInput(compliantBucket, (i) => { delete i.serverSideEncryptionConfiguration; }),
            withInput(compliantBucket, (i) => { i.serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault.sseAlgorithm = "AES256"; }),
            withInput(compliantBucket, (i) => { delete i.serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault.kmsMasterKeyId; }),
        ]);
        assert.strictEqual(found.length, 3);
        assert.match(found[0], /bucket "cleaned" has no default server-side encryption; set serverSideEncryptionConfiguration/);
        assert.match(found[1], /uses sseAlgorithm "AES256" instead of "aws:kms"/);
        assert.match(found[2], /no kmsMasterKeyId/);
    });

    it("bucket-kms-encryption accepts the one-item-list form of the bridged block", async () => {
        const listForm = withInput(compliantBucket, (i) => {
            i.serverSideEncryptionConfiguration = [{ rule: [{ applyServerSideEncryptionByDefault: [{ sseAlgorithm: "aws:kms", kmsMasterKeyId: "k" }] }] }];
        });
        assert.deepStrictEqual(await resourceViolations(bucketKmsEncryption, [listForm]), []);
    });

    it("security-group-no-public-admin-ports: each protected port, ranges and ANY", async () => {
        const open = (rule: object) => withInput(compliantSecurityGroup, (i) => { i.ingresses.push(rule); });
        const found = await resourceViolations(noPublicAdminIngress, [
            open({ protocol: "TCP", port: 22, v4CidrBlocks: ["0.0.0.0/0"] }),
            open({ protocol: "TCP", port: 8080, v4CidrBlocks: ["10.0.0.0/8", "0.0.0.0/0"] }),
            open({ protocol: "TCP", port: 5000, v4CidrBlocks: ["0.0.0.0/0"] }),
            open({ protocol: "TCP", port: 8888, v4CidrBlocks: ["0.0.0.0/0"] }),
            open({ protocol: "TCP", port: 443, v4CidrBlocks: ["0.0.0.0/0"] }),
            open({ protocol: "TCP", fromPort: 18000, toPort: 19000, v4CidrBlocks: ["0.0.0.0/0"] }),
            open({ protocol: "ANY", v4CidrBlocks: ["0.0.0.0/0"] }),
        ]);
        assert.strictEqual(found.length, 7);
        assert.match(found[0], /security group "cluster-sg" ingresses\[3\] opens 22 \(SSH\) to 0.0.0.0\/0; restrict v4CidrBlocks/);
        assert.match(found[1], /8080 \(Airflow\)/);
        assert.match(found[2], /5000 \(MLflow\)/);
        assert.match(found[3], /8888 \(Jupyter\)/);
        assert.match(found[4], /443 \(Data Proc UI Proxy/);
        assert.match(found[5], /18080 \(Spark History Server\)/);
        assert.match(found[6], /22 \(SSH\), 443 .*18080/);
    });

    it("security-group-no-public-admin-ports allows public non-admin ports, UDP, egress and private CIDRs", async () => {
        const fine = withInput(compliantSecurityGroup, (i) => {
            i.ingresses.push({ protocol: "TCP", port: 9000, v4CidrBlocks: ["0.0.0.0/0"] });
            i.ingresses.push({ protocol: "UDP", fromPort: 0, toPort: 65535, v4CidrBlocks: ["0.0.0.0/0"] });
            i.ingresses.push({ protocol: "TCP", port: 8080, v4CidrBlocks: ["192.168.10.0/24"] });
            i.egresses.push({ protocol: "ANY", v4CidrBlocks: ["0.0.0.0/0"] });
        });
        assert.deepStrictEqual(await resourceViolations(noPublicAdminIngress, [fine]), []);
        const rule = { type: "yandex:index/vpcSecurityGroupRule:VpcSecurityGroupRule", name: "ssh-rule", inputs: { direction: "ingress", protocol: "TCP", port: 22, v4CidrBlocks: ["0.0.0.0/0"] } };
        assert.match((await resourceViolations(noPublicAdminIngress, [rule]))[0], /security group rule "ssh-rule" opens 22 \(SSH\)/);
    });

    it("orchestrator-ui-ports-private: 8080 or 5000 from any address range, admin networks included", async () => {
        const open = (rule: object) => withInput(compliantSecurityGroup, (i) => { i.ingresses.push(rule); });
        const found = await resourceViolations(noPlainHttpUiIngress, [
            open({ protocol: "TCP", port: 8080, v4CidrBlocks: ["203.0.113.0/24"] }),
            open({ protocol: "TCP", port: 5000, v4CidrBlocks: ["10.10.0.0/24"] }),
            open({ protocol: "TCP", fromPort: 4000, toPort: 9000, v4CidrBlocks: ["198.51.100.7/32"] }),
            open({ protocol: "ANY", v6CidrBlocks: ["::/0"] }),
        ]);
        assert.strictEqual(found.length, 4, found.join("\n"));
        assert.match(found[0], /security group "cluster-sg" ingresses\[3\] admits 203.0.113.0\/24 to 8080 \(Airflow, plain HTTP\); remove the rule: open the UIs with the stack output uiTunnel/);
        assert.match(found[1], /admits 10.10.0.0\/24 to 5000 \(MLflow, plain HTTP\)/);
        assert.match(found[2], /5000 \(MLflow, plain HTTP\), 8080 \(Airflow, plain HTTP\)/);
        assert.match(found[3], /admits ::\/0 to 5000/);
        const rule = { type: "yandex:index/vpcSecurityGroupRule:VpcSecurityGroupRule", name: "ui-rule", inputs: { direction: "ingress", protocol: "TCP", port: 8080, v4CidrBlocks: ["203.0.113.7/32"] } };
        assert.match((await resourceViolations(noPlainHttpUiIngress, [rule]))[0], /security group rule "ui-rule" admits 203.0.113.7\/32 to 8080/);
    });

    it("orchestrator-ui-ports-private allows the cluster's security group on 5000, 443 from admins, and egress", async () => {
        const fine = withInput(compliantSecurityGroup, (i) => {
            i.ingresses.push({ protocol: "TCP", port: 5000, securityGroupId: "cluster-members" });
            i.ingresses.push({ protocol: "TCP", port: 443, v4CidrBlocks: ["203.0.113.0/24"] });
            i.egresses.push({ protocol: "TCP", port: 5000, v4CidrBlocks: ["10.10.0.0/24"] });
        });
        assert.deepStrictEqual(await resourceViolations(noPlainHttpUiIngress, [fine]), []);
    });

    it("jupyter-port-private: 8888 from any address range or another security group, ranges and ANY included", async () => {
        const open = (rule: object) => withInput(compliantSecurityGroup, (i) => { i.ingresses.push(rule); });
        const found = await resourceViolations(jupyterPortPrivate, [
            open({ protocol: "TCP", port: 8888, v4CidrBlocks: ["203.0.113.0/24"] }),
            open({ protocol: "TCP", port: 8888, securityGroupId: "orchestrator-sg" }),
            open({ protocol: "TCP", fromPort: 8000, toPort: 9000, v4CidrBlocks: ["10.10.0.0/24"] }),
            open({ protocol: "ANY", v6CidrBlocks: ["::/0"] }),
        ]);
        assert.strictEqual(found.length, 4, found.join("\n"));
        assert.match(found[0], /security group "cluster-sg" ingresses\[3\] admits 203.0.113.0\/24 to 8888 \(Jupyter\); remove the rule: open JupyterLab with the stack output jupyterLabTunnel/);
        assert.match(found[1], /admits security group orchestrator-sg to 8888/);
        assert.match(found[2], /admits 10.10.0.0\/24 to 8888/);
        assert.match(found[3], /admits ::\/0 to 8888/);
        const rule = { type: "yandex:index/vpcSecurityGroupRule:VpcSecurityGroupRule", name: "jupyter-rule", inputs: { direction: "ingress", protocol: "TCP", port: 8888, v4CidrBlocks: ["198.51.100.7/32"] } };
        assert.match((await resourceViolations(jupyterPortPrivate, [rule]))[0], /security group rule "jupyter-rule" admits 198.51.100.7\/32 to 8888/);
    });

    it("jupyter-port-private allows the cluster's own hosts (all ports within the group), other ports and egress", async () => {
        const fine = withInput(compliantSecurityGroup, (i) => {
            i.ingresses.push({ protocol: "ANY", fromPort: 0, toPort: 65535, predefinedTarget: "self_security_group" });
            i.ingresses.push({ protocol: "TCP", port: 22, v4CidrBlocks: ["203.0.113.0/24"] });
            i.ingresses.push({ protocol: "UDP", port: 8888, v4CidrBlocks: ["203.0.113.0/24"] });
            i.egresses.push({ protocol: "TCP", port: 8888, v4CidrBlocks: ["10.10.0.0/24"] });
        });
        assert.deepStrictEqual(await resourceViolations(jupyterPortPrivate, [fine]), []);
    });

    it("no-private-key-in-metadata: PEM, OpenSSH, service-account key JSON; Data Proc keys too", async () => {
        const pem = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----";
        const found = await resourceViolations(noPrivateKeyInMetadata, [
            withInput(compliantInstance, (i) => { i.metadata["user-data"] += `write_files:\n- content: |\n    ${pem}\n`; }),
            withInput(compliantInstance, (i) => { i.metadata["sa-key"] = JSON.stringify({ id: "a", private_key: "-----BEGIN PRIVATE KEY-----" }); }),
            withInput(compliantCluster, (i) => { i.clusterConfig.hadoop.sshPublicKeys.push("-----BEGIN RSA PRIVATE KEY-----\nMIIE"); }),
        ]);
        assert.strictEqual(found.length, 3);
        assert.match(found[0], /ComputeInstance "orchestrator": metadata.user-data contains private key material/);
        assert.match(found[1], /metadata.sa-key contains private key material/);
        assert.match(found[2], /DataprocCluster "spark": clusterConfig.hadoop.sshPublicKeys\[1\]/);
    });

    it("dataproc-within-limits: too many hosts, autoscaling beyond the limit, preset not allowed", async () => {
        const check = (mutate: (inputs: any) => void) => resourceViolations(dataprocWithinLimits, [withInput(compliantCluster, mutate)]);
        assert.deepStrictEqual(await check((i) => { i.clusterConfig.subclusterSpecs[1].hostsCount = 5; }), [
            'Data Proc cluster "spark" subclusterSpecs[1] (data) can grow to 5 hosts, above fraud-mlops:cost.limits.maxHostsPerSubcluster = 4; lower hostsCount/maxHostsCount or raise the limit',
            'Data Proc cluster "spark" can grow to 6 hosts in all, above fraud-mlops:cost.limits.maxHostsPerCluster = 5',
        ]);
        const autoscaled = await check((i) => { i.clusterConfig.subclusterSpecs[1].autoscalingConfig = { maxHostsCount: 4 }; i.clusterConfig.subclusterSpecs[0].hostsCount = 2; });
        assert.deepStrictEqual(autoscaled, ['Data Proc cluster "spark" can grow to 6 hosts in all, above fraud-mlops:cost.limits.maxHostsPerCluster = 5']);
        const preset = await check((i) => { i.clusterConfig.subclusterSpecs[1].resources.resourcePresetId = "m3-c32-m256"; });
        assert.deepStrictEqual(preset, ['Data Proc cluster "spark" subclusterSpecs[1] (data) uses preset "m3-c32-m256", not in fraud-mlops:cost.limits.allowedPresets (s3-c2-m8, s3-c4-m16, s3-c8-m32); pick one of them or extend the list']);
    });

    it("production-deletion-protection: applies to production-like stack names only", async () => {
        assert.ok(isProductionStack("prod") && isProductionStack("production") && isProductionStack("eu-prod"));
        assert.ok(!isProductionStack("dev") && !isProductionStack("product-demo") && !isProductionStack("preprod2"));
        assert.deepStrictEqual(await resourceViolations(productionDeletionProtection, compliantResources, "dev"), []);
        const found = await resourceViolations(productionDeletionProtection, compliantResources, "production");
        assert.ok(found.some((m) => /StorageBucket "cleaned" on production stack "production" is not protected; pass the resource option \{ protect: true \}/.test(m)), found.join("\n"));
        assert.ok(found.some((m) => /DataprocCluster "spark" on production stack "production" needs deletionProtection: true/.test(m)));
        assert.ok(!found.some((m) => /cluster-sg/.test(m)), "security groups hold no data");
        const protectedSet = compliantResources.map((r) => withInput(r, (i) => { i.deletionProtection = true; }, { protect: true }));
        assert.deepStrictEqual(await resourceViolations(productionDeletionProtection, protectedSet, "production"), []);
    });

    it("monthly-budget: within the default budget; over it names the total and the largest items", async () => {
        assert.deepStrictEqual(await stackViolations(monthlyBudget, compliantResources), []);
        const big = withInput(compliantCluster, (i) => { i.clusterConfig.subclusterSpecs[1].resources.resourcePresetId = "s3-c32-m128"; });
        const found = await stackViolations(monthlyBudget, [...compliantResources.filter((r) => r !== compliantCluster), big]);
        assert.strictEqual(found.length, 1);
        assert.match(found[0], /^estimated [\d,]+ RUB a month exceeds the budget of 45,000 RUB \(fraud-mlops:cost.monthlyBudgetRub\); largest items: spark: data \(DATANODE\): 3 x s3-c32-m128 RAM [\d,]+ RUB; spark: data \(DATANODE\): 3 x s3-c32-m128 vCPU/);
    });
});
