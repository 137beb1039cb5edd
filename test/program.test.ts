// The REAL index.ts under Pulumi mocks with the dev stack config (plus variants): what it declares.
import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_REGISTRY_MIRRORS } from "../infra/config/orchestrator";
import { renderCloudInit } from "../infra/orchestrator/cloud-init";
import { OFFLINE_DEFAULTS, OfflineResult, runProgram } from "../tools/offline";
import { OFFLINE_RUN_TIMEOUT_MS, programRun } from "./support/dev-stack";
import { input, ofType, one } from "./support/inventory";

interface Rule {
    description: string;
    protocol: string;
    port?: number;
    fromPort?: number;
    toPort?: number;
    v4CidrBlocks?: string[];
    predefinedTarget?: string;
    securityGroupId?: string;
}
type Bucket = Record<string, any>;

const GB = 1024 ** 3;
const WORLD = "0.0.0.0/0";
const ADMIN = ["198.51.100.0/24"];
const SSH_KEY = OFFLINE_DEFAULTS.config["fraud-mlops:sshPublicKey"] as string;
const PROVIDER_URN = "urn:pulumi:dev::fraud-mlops::pulumi:pulumi:Stack$pulumi:providers:yandex::yandex::yandex-id";

function rules(result: OfflineResult, group: string, direction: "ingresses" | "egresses"): Rule[] {
    return input<Rule[]>(one(result, "VpcSecurityGroup", group), direction) ?? [];
}

function hasRule(list: Rule[], expected: Partial<Rule>): boolean {
    return list.some((rule) => Object.entries(expected).every(([key, value]) => JSON.stringify(rule[key as keyof Rule]) === JSON.stringify(value)));
}

function rolesByAccount(result: OfflineResult): Record<string, string[]> {
    const roles: Record<string, string[]> = {};
    for (const member of ofType(result, "ResourcemanagerFolderIamMember")) {
        const account = String(input(member, "member")).replace("serviceAccount:", "").replace(/-sa-id$/, "");
        (roles[account] ??= []).push(input(member, "role"));
    }
    for (const list of Object.values(roles)) list.sort();
    return roles;
}

describe("the Pulumi program under mocks", function () {
    this.timeout(OFFLINE_RUN_TIMEOUT_MS);
    let dev: OfflineResult;
    let ephemeral: OfflineResult;
    let disposable: OfflineResult;
    let unconfigured: OfflineResult;
    let withTls: OfflineResult;

    before(async () => {
        [dev, ephemeral, disposable, unconfigured, withTls] = await Promise.all([
            programRun({ stack: "dev" }),
            programRun({ stack: "dev", overrides: { "fraud-mlops:pipeline": { mode: "ephemeral" } } }),
            programRun({
                stack: "dev",
                overrides: {
                    "fraud-mlops:storage": { allowDataDestroy: true },
                    "fraud-mlops:network": { adminCidrs: [WORLD], dangerouslyOpenAdminPortsToInternet: true },
                },
            }),
            runProgram({ stack: "dev", withoutDefaults: true }),
            programRun({ stack: "dev", overrides: { "fraud-mlops:orchestrator": { tls: { enabled: true } } } }),
        ]);
        for (const run of [dev, ephemeral, disposable, withTls]) assert.strictEqual(run.error, undefined, JSON.stringify(run.error));
    });

    describe("inventory", () => {
        it("declares exactly the dev stack's cloud resources", () => {
            const inventory = dev.resources.filter((r) => r.type.startsWith("yandex:") || r.type === "pulumi:providers:yandex")
                .map((r) => `${r.type.split(":").pop()}/${r.name}`).sort();
            assert.deepStrictEqual(inventory, [
                "DataprocCluster/cluster",
                "IamServiceAccount/cluster-sa",
                "IamServiceAccount/orchestrator-sa",
                "IamServiceAccount/storage-sa",
                "IamServiceAccountStaticAccessKey/storage-key",
                "KmsSymmetricKey/data-key",
                "KmsSymmetricKeyIamMember/cluster-data-key-user",
                "KmsSymmetricKeyIamMember/storage-data-key-user",
                "ResourcemanagerFolderIamMember/cluster-dataproc-agent",
                "ResourcemanagerFolderIamMember/cluster-logging-writer",
                "ResourcemanagerFolderIamMember/orchestrator-dataproc-editor",
                "StorageBucket/cleaned",
                "StorageBucket/code",
                "StorageBucket/logs",
                "StorageBucket/mlflow",
                "StorageBucket/raw",
                "StorageObject/jupyterlab-init",
                "VpcGateway/nat",
                "VpcNetwork/network",
                "VpcRouteTable/egress",
                "VpcSecurityGroup/cluster-members",
                "VpcSecurityGroup/dataproc",
                "VpcSecurityGroup/orchestrator",
                "VpcSubnet/subnet",
                "ComputeInstance/vm",
                "yandex/yandex",
            ].sort());
        });

        it("puts every cloud resource under a component and on the explicit provider", () => {
            const components = dev.resources.filter((r) => !r.custom && r.type.startsWith("fraud-mlops:infra:")).map((r) => r.type.split(":").pop());
            for (const component of ["Dataproc", "DataprocCluster", "Identity", "Network", "OrchestratorVm", "Storage"]) {
                assert.ok(components.includes(component), `component ${component} is declared`);
            }
            for (const resource of dev.resources.filter((r) => r.type.startsWith("yandex:"))) {
                assert.match(resource.parents[0] ?? "", /^fraud-mlops:infra:/, `${resource.name} has a component parent`);
                assert.strictEqual(resource.provider, PROVIDER_URN, `${resource.name} uses the explicit provider`);
            }
        });

        it("builds the provider from the environment's ids; its credential stays in the environment", () => {
            const provider = dev.resources.find((r) => r.type === "pulumi:providers:yandex")!;
            assert.deepStrictEqual(
                { cloudId: provider.inputs.cloudId, folderId: provider.inputs.folderId, zone: provider.inputs.zone },
                { cloudId: OFFLINE_DEFAULTS.env.YC_CLOUD_ID, folderId: OFFLINE_DEFAULTS.env.YC_FOLDER_ID, zone: "ru-central1-a" },
            );
            assert.strictEqual(provider.inputs.token, undefined);
        });

        it("declares nothing at all when the configuration is invalid", () => {
            assert.strictEqual(unconfigured.error?.name, "ConfigError");
            assert.match(unconfigured.error!.message, /YC_TOKEN|YC_CLOUD_ID|sshPublicKey/);
            assert.deepStrictEqual(unconfigured.resources.filter((r) => r.type !== "pulumi:pulumi:Stack"), []);
        });
    });

    describe("network", () => {
        it("routes the subnet to the internet through the NAT gateway", () => {
            assert.deepStrictEqual(input(one(dev, "VpcGateway", "nat"), "sharedEgressGateway"), {});
            assert.deepStrictEqual(input(one(dev, "VpcRouteTable", "egress"), "staticRoutes"), [{ destinationPrefix: WORLD, gatewayId: "nat-id" }]);
            const subnet = one(dev, "VpcSubnet", "subnet");
            assert.strictEqual(input(subnet, "routeTableId"), "egress-id");
            assert.deepStrictEqual(input(subnet, "v4CidrBlocks"), ["10.10.0.0/24"]);
            assert.strictEqual(input(subnet, "zone"), "ru-central1-a");
        });

        it("has every rule Data Proc requires", () => {
            const ingress = rules(dev, "dataproc", "ingresses");
            const egress = rules(dev, "dataproc", "egresses");
            assert.ok(hasRule(ingress, { protocol: "ANY", fromPort: 0, toPort: 65535, predefinedTarget: "self_security_group" }), "ingress within the group");
            assert.ok(hasRule(egress, { protocol: "ANY", fromPort: 0, toPort: 65535, predefinedTarget: "self_security_group" }), "egress within the group");
            assert.ok(hasRule(egress, { protocol: "TCP", port: 443, v4CidrBlocks: [WORLD] }), "HTTPS out");
            assert.ok(hasRule(egress, { protocol: "UDP", port: 123, v4CidrBlocks: [WORLD] }), "NTP out");
            assert.ok(hasRule(ingress, { protocol: "TCP", port: 22, v4CidrBlocks: ADMIN }), "SSH from admins");
            assert.ok(!ingress.some((rule) => rule.port === 443 || rule.port === 8998), "no UI proxy (off) or Livy (unused) port");
            assert.ok(hasRule(ingress, { protocol: "TCP", port: 22, securityGroupId: "orchestrator-id" }), "SSH from the orchestrator");
            assert.ok(hasRule(egress, { protocol: "TCP", port: 5000, securityGroupId: "orchestrator-id" }), "MLflow on the VM");
        });

        /** `port:cidrs` of every orchestrator ingress rule that admits address ranges (not security groups). */
        const cidrPorts = (run: OfflineResult) => rules(run, "orchestrator", "ingresses")
            .filter((rule) => (rule.v4CidrBlocks ?? []).length > 0)
            .map((rule) => `${rule.protocol}:${rule.port}:${rule.v4CidrBlocks!.join(",")}`);

        it("by default admits only SSH from address ranges (the UIs go through the tunnel), and MLflow from the cluster", () => {
            assert.deepStrictEqual(cidrPorts(dev), [`TCP:22:${ADMIN.join(",")}`]);
            assert.deepStrictEqual(cidrPorts(ephemeral), [`TCP:22:${ADMIN.join(",")}`]);
            const ingress = rules(dev, "orchestrator", "ingresses");
            assert.ok(hasRule(ingress, { protocol: "TCP", port: 5000, securityGroupId: "cluster-members-id" }), "MLflow from the cluster");
            assert.deepStrictEqual(input(one(dev, "VpcSecurityGroup", "cluster-members"), "ingresses") ?? [], []);
        });

        it("opens no ingress to the world unless the loud opt-in is set", () => {
            const openIngress = (run: OfflineResult) => ofType(run, "VpcSecurityGroup")
                .flatMap((group) => (input<Rule[]>(group, "ingresses") ?? []).map((rule) => ({ group: group.name, rule })))
                .filter(({ rule }) => (rule.v4CidrBlocks ?? []).includes(WORLD))
                .map(({ group, rule }) => `${group}:${rule.port}`);
            assert.deepStrictEqual(openIngress(dev), []);
            assert.deepStrictEqual(openIngress(ephemeral), []);
            assert.deepStrictEqual(openIngress(disposable).sort(), ["dataproc:22", "orchestrator:22"]);
        });

        it("with orchestrator.tls.enabled admits only 443 (the TLS proxy) besides SSH, never 8080 or 5000", () => {
            assert.deepStrictEqual(cidrPorts(withTls), [`TCP:22:${ADMIN.join(",")}`, `TCP:443:${ADMIN.join(",")}`]);
            for (const run of [dev, ephemeral, disposable, withTls]) {
                const plainHttp = rules(run, "orchestrator", "ingresses").filter((rule) => (rule.v4CidrBlocks ?? []).length > 0 && [8080, 5000].includes(rule.port!));
                assert.deepStrictEqual(plainHttp, []);
            }
        });
    });

    describe("identity", () => {
        it("grants each account only its roles, one member resource per role, never admin or editor", () => {
            assert.deepStrictEqual(rolesByAccount(dev), {
                cluster: ["dataproc.agent", "logging.writer"],
                orchestrator: ["dataproc.editor"],
            });
            assert.deepStrictEqual(rolesByAccount(ephemeral).orchestrator, ["dataproc.editor", "vpc.user"]);
            for (const run of [dev, ephemeral]) {
                for (const member of ofType(run, "ResourcemanagerFolderIamMember")) {
                    assert.doesNotMatch(input<string>(member, "role"), /^(admin|editor|owner)$/);
                    assert.strictEqual(input(member, "folderId"), OFFLINE_DEFAULTS.env.YC_FOLDER_ID);
                }
            }
        });

        it("rotates the KMS key and lets exactly the data accounts use it", () => {
            const key = one(dev, "KmsSymmetricKey", "data-key");
            assert.strictEqual(input(key, "rotationPeriod"), "8760h");
            assert.strictEqual(input(key, "defaultAlgorithm"), "AES_256");
            const members = ofType(dev, "KmsSymmetricKeyIamMember")
                .map((m) => ({ key: input(m, "symmetricKeyId"), role: input(m, "role"), member: input(m, "member") }))
                .sort((a, b) => String(a.member).localeCompare(String(b.member)));
            assert.deepStrictEqual(members, [
                { key: "data-key-id", role: "kms.keys.encrypterDecrypter", member: "serviceAccount:cluster-sa-id" },
                { key: "data-key-id", role: "kms.keys.encrypterDecrypter", member: "serviceAccount:storage-sa-id" },
            ]);
        });

        it("keeps the KMS key on destroy while retained data needs it", () => {
            assert.strictEqual(one(dev, "KmsSymmetricKey", "data-key").options.retainOnDelete, true);
            assert.notStrictEqual(one(disposable, "KmsSymmetricKey", "data-key").options.retainOnDelete, true);
        });
    });

    describe("storage", () => {
        const buckets = (run: OfflineResult) => Object.fromEntries(ofType(run, "StorageBucket").map((b) => [b.name, b])) as Record<string, any>;

        it("makes every bucket private and KMS-encrypted, named from project, stack and folder", () => {
            for (const [purpose, bucket] of Object.entries(buckets(dev))) {
                assert.deepStrictEqual(bucket.inputs.anonymousAccessFlags, { read: false, list: false, configRead: false }, purpose);
                assert.deepStrictEqual(bucket.inputs.serverSideEncryptionConfiguration, {
                    rule: { applyServerSideEncryptionByDefault: { kmsMasterKeyId: "data-key-id", sseAlgorithm: "aws:kms" } },
                }, purpose);
                assert.strictEqual(bucket.inputs.bucket, `fraud-mlops-dev-${purpose}-${OFFLINE_DEFAULTS.env.YC_FOLDER_ID}`);
            }
            assert.deepStrictEqual(dev.outputs.bucketNames.value, Object.fromEntries(Object.entries(buckets(dev)).map(([p, b]) => [p, b.inputs.bucket])));
        });

        it("keeps raw data cold, capped, versioned; cleaned data moves to cold; logs expire", () => {
            const { raw, cleaned, logs } = buckets(dev) as Record<string, { inputs: Bucket }>;
            assert.strictEqual(raw.inputs.defaultStorageClass, "COLD");
            assert.strictEqual(raw.inputs.maxSize, 150 * GB);
            assert.deepStrictEqual(raw.inputs.versioning, { enabled: true });
            assert.ok(raw.inputs.lifecycleRules.some((r: Bucket) => r.noncurrentVersionExpiration?.days === 30));
            assert.strictEqual(cleaned.inputs.defaultStorageClass, "STANDARD");
            assert.ok(cleaned.inputs.lifecycleRules.some((r: Bucket) => r.enabled && r.transitions?.[0]?.storageClass === "COLD" && r.transitions[0].days === 30));
            assert.ok(logs.inputs.lifecycleRules.some((r: Bucket) => r.enabled && r.expiration?.days === 30));
        });

        it("expires the database backups (backups/ of the MLflow bucket) after storage.backupRetentionDays, and nothing else there", () => {
            const { mlflow } = buckets(dev) as Record<string, { inputs: Bucket }>;
            const expiring = mlflow.inputs.lifecycleRules.filter((r: Bucket) => r.expiration);
            assert.deepStrictEqual(expiring, [{ id: "expire-db-backups", enabled: true, filter: { prefix: "backups/" }, expiration: { days: 30 } }]);
        });

        it("retains raw, cleaned and MLflow data on destroy unless the config says otherwise; logs and code go", () => {
            const retained = (run: OfflineResult) => Object.fromEntries(Object.entries(buckets(run))
                .map(([purpose, b]) => [purpose, { retain: b.options.retainOnDelete === true, forceDestroy: b.inputs.forceDestroy }]));
            assert.deepStrictEqual(retained(dev), {
                raw: { retain: true, forceDestroy: false },
                cleaned: { retain: true, forceDestroy: false },
                mlflow: { retain: true, forceDestroy: false },
                logs: { retain: false, forceDestroy: true },
                code: { retain: false, forceDestroy: true },
            });
            for (const state of Object.values(retained(disposable))) assert.deepStrictEqual(state, { retain: false, forceDestroy: true });
        });
    });

    describe("Data Proc", () => {
        it("has 1 master and 3 data hosts on the dev image with the services the jobs need", () => {
            const cluster = one(dev, "DataprocCluster", "cluster").inputs as Bucket;
            const config = cluster.clusterConfig;
            assert.strictEqual(config.versionId, "2.1");
            assert.deepStrictEqual(config.hadoop.services, ["HDFS", "YARN", "SPARK", "MAPREDUCE"]);
            assert.deepStrictEqual(config.hadoop.sshPublicKeys, [SSH_KEY]);
            const topology = config.subclusterSpecs.map((s: Bucket) => [s.role, s.hostsCount, s.resources.resourcePresetId, s.resources.diskTypeId, s.resources.diskSize, s.subnetId, s.assignPublicIp]);
            assert.deepStrictEqual(topology, [
                ["MASTERNODE", 1, "s3-c2-m8", "network-ssd", 40, "subnet-id", false],
                ["DATANODE", 3, "s3-c4-m16", "network-ssd", 128, "subnet-id", false],
            ]);
        });

        it("uses its own service account, the logs bucket, both groups, no UI proxy, Python 3 and pinned pip packages", () => {
            const cluster = one(dev, "DataprocCluster", "cluster");
            const inputs = cluster.inputs as Bucket;
            assert.strictEqual(inputs.serviceAccountId, "cluster-sa-id");
            assert.strictEqual(inputs.bucket, dev.outputs.bucketNames.value && (dev.outputs.bucketNames.value as Bucket).logs);
            assert.deepStrictEqual(inputs.securityGroupIds, ["dataproc-id", "cluster-members-id"]);
            assert.strictEqual(inputs.uiProxy, false);
            assert.strictEqual(inputs.zoneId, "ru-central1-a");
            const properties = inputs.clusterConfig.hadoop.properties;
            assert.match(properties["spark:spark.pyspark.python"], /python3$/);
            assert.strictEqual(properties["pip:mlflow-skinny"], "2.17.2");
            // train --model xgboost on image 2.1 (Python 3.8): the estimator and the image's own scikit-learn, pinned.
            assert.deepStrictEqual([properties["pip:xgboost-cpu"], properties["pip:scikit-learn"]], ["2.1.4", "0.24.1"]);
            assert.ok(cluster.options.dependsOn.some((dep) => dep.endsWith("::cluster-dataproc-agent")), "created after its role is granted");
        });

        it("is skipped in ephemeral mode, which still exports the template Airflow creates clusters from", () => {
            assert.deepStrictEqual(ofType(ephemeral, "DataprocCluster"), []);
            assert.strictEqual(ephemeral.outputs.clusterId.value, null);
            const template = ephemeral.outputs.dataprocClusterTemplate.value as Bucket;
            assert.strictEqual(template.serviceAccountId, "cluster-sa-id");
            assert.deepStrictEqual(template.securityGroupIds, ["dataproc-id", "cluster-members-id"]);
            assert.deepStrictEqual([template.master.hosts, template.data.hosts], [1, 3]);
            assert.strictEqual(template.bucket, (ephemeral.outputs.bucketNames.value as Bucket).logs);
            assert.deepStrictEqual(template.services, ["HDFS", "YARN", "SPARK", "MAPREDUCE"]);
            assert.strictEqual(template.properties["pip:mlflow-skinny"], "2.17.2");
            assert.deepStrictEqual([template.properties["pip:xgboost-cpu"], template.properties["pip:scikit-learn"]], ["2.1.4", "0.24.1"]);
        });
    });

    describe("orchestrator VM", () => {
        it("runs Ubuntu LTS by family, 8 GB, SSD, public address, its group and account, and our cloud-init", () => {
            const vm = one(dev, "ComputeInstance", "vm");
            const inputs = vm.inputs as Bucket;
            assert.deepStrictEqual(dev.calls.filter((c) => c.token.endsWith("getComputeImage")).map((c) => c.inputs.family), ["ubuntu-2204-lts"]);
            assert.strictEqual(inputs.bootDisk.initializeParams.imageId, "fd8mockubuntu2204lts");
            assert.strictEqual(inputs.bootDisk.initializeParams.type, "network-ssd");
            assert.ok(inputs.resources.memory >= 8);
            assert.deepStrictEqual(inputs.networkInterfaces, [{ subnetId: "subnet-id", nat: true, securityGroupIds: ["orchestrator-id"] }]);
            assert.strictEqual(inputs.serviceAccountId, "orchestrator-sa-id");
            assert.strictEqual(inputs.metadata["user-data"], renderCloudInit({ sshPublicKey: SSH_KEY, registryMirrors: DEFAULT_REGISTRY_MIRRORS }));
            assert.deepStrictEqual(vm.options.ignoreChanges, ["bootDisk.initializeParams.imageId"]);
        });
    });

    describe("outputs", () => {
        it("exports endpoints, ids and SSH commands in plain text", () => {
            const value = (name: string) => dev.outputs[name].value;
            assert.strictEqual(value("vmPublicIp"), "203.0.113.10");
            assert.strictEqual(value("airflowUrl"), "http://localhost:8080/");
            assert.strictEqual(value("mlflowUrl"), "http://localhost:5000/mlflow/");
            assert.strictEqual(value("uiTunnel"), "ssh -N -L 8080:127.0.0.1:8080 -L 5000:127.0.0.1:5000 ubuntu@203.0.113.10");
            assert.match(String(value("masterUiTunnel")), /^ssh -N -J ubuntu@203\.0\.113\.10 -L 8088:127\.0\.0\.1:8088 -L 18080:127\.0\.0\.1:18080 -L 9870:127\.0\.0\.1:9870 ubuntu@\$\(yc dataproc cluster list-hosts --id cluster-id /);
            assert.strictEqual(value("tlsCertificateSha256"), null);
            assert.strictEqual(value("sshVm"), "ssh ubuntu@203.0.113.10");
            assert.match(String(value("sshMaster")), /^ssh -J ubuntu@203\.0\.113\.10 ubuntu@\$\(yc dataproc cluster list-hosts --id cluster-id /);
            assert.strictEqual(value("clusterId"), "cluster-id");
            assert.deepStrictEqual(value("serviceAccountIds"), { cluster: "cluster-sa-id", orchestrator: "orchestrator-sa-id", storage: "storage-sa-id" });
        });

        it("with TLS: HTTPS URLs on the VM's address and the certificate's SHA-256 fingerprint", () => {
            const value = (name: string) => withTls.outputs[name].value;
            assert.strictEqual(value("airflowUrl"), "https://203.0.113.10/");
            assert.strictEqual(value("mlflowUrl"), "https://203.0.113.10/mlflow/");
            const certificate = fs.readFileSync(path.resolve(__dirname, "../tools/offline/mock-proxy-cert.pem"), "utf8");
            assert.strictEqual(value("tlsCertificateSha256"), new crypto.X509Certificate(certificate).fingerprint256);
            const cert = withTls.resources.find((r) => r.type === "tls:index/selfSignedCert:SelfSignedCert" && r.name === "proxy-tls-certificate")!;
            assert.deepStrictEqual(input(cert, "ipAddresses"), ["203.0.113.10"]);
            assert.ok((input<string[]>(cert, "allowedUses") ?? []).includes("server_auth"));
        });

        it("exports the storage keys only as secrets, and nothing else holds them", () => {
            assert.deepStrictEqual(dev.outputs.storageAccessKeyId, { value: "mock-access-key-storage-key", secret: true });
            assert.deepStrictEqual(dev.outputs.storageSecretKey, { value: "mock-secret-key-storage-key", secret: true });
            const secretOutputs = one(dev, "IamServiceAccountStaticAccessKey", "storage-key").options.additionalSecretOutputs ?? [];
            for (const name of ["accessKey", "secretKey"]) assert.ok(secretOutputs.includes(name), `${name} is a secret output`);
            const plain = Object.entries(dev.outputs).filter(([, output]) => !output.secret).map(([, output]) => JSON.stringify(output.value)).join("\n");
            assert.doesNotMatch(plain, /mock-secret-key|mock-access-key|offline-token/);
        });
    });
});
