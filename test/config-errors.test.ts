// Bad configuration fails in parseConfig, before any resource, naming the key and the fix.
import * as assert from "assert";
import { ConfigError, parseConfig } from "../infra/config";
import { configInput } from "./support/config-input";

interface ErrorCase {
    readonly name: string;
    readonly overrides?: Record<string, unknown>;
    readonly env?: Record<string, string | undefined>;
    /** The key the error must name. */
    readonly key: string;
    /** Text the problem must contain. */
    readonly says: RegExp;
}

const CASES: ErrorCase[] = [
    { name: "malformed subnet CIDR", overrides: { network: { subnetCidr: "10.10.0/24" } }, key: "fraud-mlops:network.subnetCidr", says: /not an IPv4 CIDR/ },
    { name: "subnet CIDR with host bits", overrides: { network: { subnetCidr: "10.10.0.5/24" } }, key: "fraud-mlops:network.subnetCidr", says: /host bits.*10\.10\.0\.0\/24/ },
    { name: "subnet too large for VPC", overrides: { network: { subnetCidr: "10.0.0.0/8" } }, key: "fraud-mlops:network.subnetCidr", says: /prefix \/8/ },
    { name: "public subnet range", overrides: { network: { subnetCidr: "8.8.8.0/24" } }, key: "fraud-mlops:network.subnetCidr", says: /private range/ },
    { name: "subnet overlapping Docker's networks", overrides: { network: { subnetCidr: "172.18.5.0/24" } }, key: "fraud-mlops:network.subnetCidr", says: /overlaps Docker/ },
    { name: "overlapping admin CIDRs", overrides: { network: { adminCidrs: ["198.51.100.0/24", "198.51.100.7/32"] } }, key: "fraud-mlops:network.adminCidrs", says: /overlaps 198\.51\.100\.0\/24/ },
    { name: "malformed admin CIDR", overrides: { network: { adminCidrs: ["198.51.100.300/32"] } }, key: "fraud-mlops:network.adminCidrs[0]", says: /octet above 255/ },
    { name: "admin 0.0.0.0/0 without the opt-in", overrides: { network: { adminCidrs: ["0.0.0.0/0"] } }, key: "fraud-mlops:network.adminCidrs", says: /whole internet/ },
    { name: "no admin CIDR at all", overrides: { network: { adminCidrs: [] } }, key: "fraud-mlops:network.adminCidrs", says: /is empty/ },
    { name: "unknown zone", overrides: { network: { zone: "ru-central1-c" } }, key: "fraud-mlops:network.zone", says: /must be one of/ },
    { name: "too many data hosts", overrides: { dataproc: { data: { hosts: 33 } } }, key: "fraud-mlops:dataproc.data.hosts", says: /between 1 and 32/ },
    { name: "zero data hosts", overrides: { dataproc: { data: { hosts: 0 } } }, key: "fraud-mlops:dataproc.data.hosts", says: /between 1 and 32/ },
    { name: "two master hosts", overrides: { dataproc: { master: { hosts: 2 } } }, key: "fraud-mlops:dataproc.master.hosts", says: /between 1 and 1/ },
    { name: "disk below Data Proc's minimum", overrides: { dataproc: { data: { diskSizeGb: 10 } } }, key: "fraud-mlops:dataproc.data.diskSizeGb", says: /between 20 and 4096/ },
    { name: "disk above Data Proc's maximum", overrides: { dataproc: { master: { diskSizeGb: 9000 } } }, key: "fraud-mlops:dataproc.master.diskSizeGb", says: /between 20 and 4096/ },
    { name: "data disk above Data Proc's 4 TB per host", overrides: { dataproc: { data: { diskSizeGb: 5000 } } }, key: "fraud-mlops:dataproc.data.diskSizeGb", says: /between 20 and 4096/ },
    { name: "fractional host count", overrides: { dataproc: { data: { hosts: 2.5 } } }, key: "fraud-mlops:dataproc.data.hosts", says: /whole number/ },
    { name: "unknown preset", overrides: { dataproc: { data: { preset: "s3-c4-m17" } } }, key: "fraud-mlops:dataproc.data.preset", says: /must be one of/ },
    { name: "unknown disk type", overrides: { dataproc: { data: { diskType: "local-ssd" } } }, key: "fraud-mlops:dataproc.data.diskType", says: /must be one of/ },
    { name: "unknown image version", overrides: { dataproc: { imageVersion: "1.4" } }, key: "fraud-mlops:dataproc.imageVersion", says: /must be one of 2\.1, 2\.2/ },
    { name: "image 2.0 (Spark 3.0, no Observation)", overrides: { dataproc: { imageVersion: "2.0" } }, key: "fraud-mlops:dataproc.imageVersion", says: /Spark 3\.0\.3.*Spark 3\.3 APIs \(pyspark\.sql\.Observation/ },
    { name: "malformed VM image id", overrides: { orchestrator: { imageId: "ubuntu-22.04" } }, key: "fraud-mlops:orchestrator.imageId", says: /not a Yandex image id/ },
    { name: "pip package too new for the image's Python", overrides: { dataproc: { pipPackages: { "mlflow-skinny": "2.20.0" } } }, key: "fraud-mlops:dataproc.pipPackages.mlflow-skinny", says: /Python >= 3\.9.*Python 3\.8/ },
    { name: "xgboost too new for image 2.1", overrides: { dataproc: { pipPackages: { "xgboost-cpu": "3.0.0" } } }, key: "fraud-mlops:dataproc.pipPackages.xgboost-cpu", says: /Python >= 3\.10.*Python 3\.8/ },
    { name: "unpinned pip package", overrides: { dataproc: { pipPackages: { "mlflow-skinny": ">=2" } } }, key: "fraud-mlops:dataproc.pipPackages.mlflow-skinny", says: /not an exact version/ },
    { name: "raw max size below the data", overrides: { storage: { rawMaxSizeGb: 100 } }, key: "fraud-mlops:storage.rawMaxSizeGb", says: /cannot hold 113 GB/ },
    { name: "backups kept a single day", overrides: { storage: { backupRetentionDays: 1 } }, key: "fraud-mlops:storage.backupRetentionDays", says: /between 2 and 3650/ },
    { name: "bucket names too long", overrides: { storage: { bucketSuffix: "a-very-long-suffix-for-nam" } }, key: "fraud-mlops:storage.bucketSuffix", says: /1-25 lowercase/ },
    { name: "missing SSH key", overrides: { sshPublicKey: null }, key: "fraud-mlops:sshPublicKey", says: /is not set/ },
    { name: "private key pasted as SSH key", overrides: { sshPublicKey: "-----BEGIN OPENSSH PRIVATE KEY----- abc" }, key: "fraud-mlops:sshPublicKey", says: /PRIVATE key/ },
    { name: "malformed SSH key", overrides: { sshPublicKey: "ssh-ed25519" }, key: "fraud-mlops:sshPublicKey", says: /not an OpenSSH public key/ },
    { name: "VM memory below 8 GB", overrides: { orchestrator: { memoryGb: 4 } }, key: "fraud-mlops:orchestrator.memoryGb", says: /between 8 and/ },
    { name: "odd VM core count", overrides: { orchestrator: { cores: 3 } }, key: "fraud-mlops:orchestrator.cores", says: /odd/ },
    { name: "unknown Ubuntu family", overrides: { orchestrator: { imageFamily: "ubuntu-1804-lts" } }, key: "fraud-mlops:orchestrator.imageFamily", says: /must be one of/ },
    { name: "registry mirror over plain HTTP", overrides: { orchestrator: { registryMirrors: ["http://mirror.example.com"] } }, key: "fraud-mlops:orchestrator.registryMirrors[0]", says: /must use https/ },
    { name: "registry mirror that is not a URL", overrides: { orchestrator: { registryMirrors: ["https://mirror.gcr.io", "mirror.gcr.io"] } }, key: "fraud-mlops:orchestrator.registryMirrors[1]", says: /is not a URL/ },
    { name: "registry mirror with a password", overrides: { orchestrator: { registryMirrors: ["https://me:secret@mirror.example.com"] } }, key: "fraud-mlops:orchestrator.registryMirrors[0]", says: /user or password/ },
    { name: "TLS hostname that is not a DNS name", overrides: { orchestrator: { tls: { enabled: true, hostname: "mlops_host" } } }, key: "fraud-mlops:orchestrator.tls.hostname", says: /not a DNS name/ },
    { name: "TLS hostname without TLS", overrides: { orchestrator: { tls: { hostname: "mlops.example.com" } } }, key: "fraud-mlops:orchestrator.tls.hostname", says: /tls\.enabled is false/ },
    { name: "TLS switch that is not a flag", overrides: { orchestrator: { tls: { enabled: "on" } } }, key: "fraud-mlops:orchestrator.tls.enabled", says: /true or false/ },
    { name: "registry mirrors as a string", overrides: { orchestrator: { registryMirrors: "https://mirror.gcr.io" } }, key: "fraud-mlops:orchestrator.registryMirrors", says: /list of strings/ },
    { name: "unknown pipeline mode", overrides: { pipeline: { mode: "serverless" } }, key: "fraud-mlops:pipeline.mode", says: /persistent, ephemeral, local/ },
    { name: "schedule that is neither a preset nor cron", overrides: { pipeline: { schedule: "every day" } }, key: "fraud-mlops:pipeline.schedule", says: /not a valid Airflow schedule: .*five cron fields/ },
    { name: "unknown schedule preset", overrides: { pipeline: { schedule: "@fortnightly" } }, key: "fraud-mlops:pipeline.schedule", says: /must be one of @hourly, @daily, @weekly, @monthly, @yearly or a five-field cron/ },
    { name: "cron field out of range", overrides: { pipeline: { schedule: "0 25 * * *" } }, key: "fraud-mlops:pipeline.schedule", says: /hour value "25" is outside 0-23/ },
    { name: "Python None as a schedule", overrides: { pipeline: { schedule: "None" } }, key: "fraud-mlops:pipeline.schedule", says: /five cron fields/ },
    { name: "too many retries", overrides: { pipeline: { retries: 11 } }, key: "fraud-mlops:pipeline.retries", says: /between 0 and 10/ },
    { name: "negative retries", overrides: { pipeline: { retries: -1 } }, key: "fraud-mlops:pipeline.retries", says: /between 0 and 10/ },
    { name: "zero retry delay", overrides: { pipeline: { retryDelayMinutes: 0 } }, key: "fraud-mlops:pipeline.retryDelayMinutes", says: /between 1 and 240/ },
    { name: "job timeout too short", overrides: { pipeline: { jobTimeoutMinutes: 2 } }, key: "fraud-mlops:pipeline.jobTimeoutMinutes", says: /between 5 and 1440/ },
    { name: "cluster timeout too long", overrides: { pipeline: { clusterTimeoutMinutes: 600 } }, key: "fraud-mlops:pipeline.clusterTimeoutMinutes", says: /between 10 and 180/ },
    { name: "unknown model", overrides: { pipeline: { model: "catboost" } }, key: "fraud-mlops:pipeline.model", says: /logistic_regression, random_forest, gbt, xgboost/ },
    { name: "unknown feature set", overrides: { pipeline: { featureSet: "wide" } }, key: "fraud-mlops:pipeline.featureSet", says: /handbook, extended/ },
    { name: "experiment name with a space", overrides: { pipeline: { experiment: "fraud detection" } }, key: "fraud-mlops:pipeline.experiment", says: /letters, digits/ },
    { name: "registered model name with a slash", overrides: { pipeline: { registeredModel: "team/fraud" } }, key: "fraud-mlops:pipeline.registeredModel", says: /letters, digits/ },
    { name: "protect that is not a flag", overrides: { protect: "yes" }, key: "fraud-mlops:protect", says: /must be true or false \(got "yes"\)/ },
    { name: "typo in a section key", overrides: { dataproc: { dataHosts: 4 } }, key: "fraud-mlops:dataproc.dataHosts", says: /not a known setting/ },
    { name: "section that is not a mapping", overrides: { storage: "[1, 2]" }, key: "fraud-mlops:storage", says: /mapping/ },
    { name: "wrong type for a flag", overrides: { storage: { allowDataDestroy: "yes" } }, key: "fraud-mlops:storage.allowDataDestroy", says: /true or false/ },
    { name: "no credentials", env: { YC_TOKEN: "" }, key: "YC_TOKEN / YC_SERVICE_ACCOUNT_KEY_FILE", says: /neither is set/ },
    { name: "two credentials", env: { YC_SERVICE_ACCOUNT_KEY_FILE: "/keys/deployer.json" }, key: "YC_TOKEN / YC_SERVICE_ACCOUNT_KEY_FILE", says: /both are set/ },
    { name: "missing key file", env: { YC_TOKEN: "", YC_SERVICE_ACCOUNT_KEY_FILE: "/keys/missing.json" }, key: "YC_SERVICE_ACCOUNT_KEY_FILE", says: /does not exist/ },
    { name: "missing folder id", env: { YC_FOLDER_ID: undefined }, key: "YC_FOLDER_ID", says: /is not set/ },
    { name: "malformed cloud id", env: { YC_CLOUD_ID: "my-cloud" }, key: "YC_CLOUD_ID", says: /not a Yandex cloud id/ },
    { name: "unknown zone in .env", env: { YC_ZONE: "ru-central1-c" }, key: "YC_ZONE", says: /not a zone/ },
];

describe("configuration errors", () => {
    it("the dev stack configuration itself is valid", () => {
        assert.doesNotThrow(() => parseConfig(configInput()));
    });

    for (const testCase of CASES) {
        it(`rejects ${testCase.name}, naming ${testCase.key} and a fix`, () => {
            assert.throws(() => parseConfig(configInput(testCase.overrides, testCase.env)), (error: unknown) => {
                assert.ok(error instanceof ConfigError, `expected ConfigError, got ${error}`);
                assert.strictEqual(error.key, testCase.key);
                assert.match(error.problem, testCase.says);
                assert.ok(error.fix.length > 10, "the fix must say what to do");
                assert.match(error.message, /Fix: /);
                return true;
            });
        });
    }

    it("accepts 0.0.0.0/0 for admin ports only with the loudly named opt-in", () => {
        const config = parseConfig(configInput({ network: { adminCidrs: ["0.0.0.0/0"], dangerouslyOpenAdminPortsToInternet: true } }));
        assert.deepStrictEqual(config.network.adminCidrs, ["0.0.0.0/0"]);
        assert.strictEqual(config.network.openAdminPortsToInternet, true);
    });

    it("accepts an SSH public key whose comment has spaces (ssh-keygen -C \"Jane Doe\")", () => {
        const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB3x5G8j9w0QmZ0Zz4x1Yp5fV3mK2b7Lq0r9sT1uV2wX Jane Doe laptop";
        assert.strictEqual(parseConfig(configInput({ sshPublicKey: key })).sshPublicKey, key);
    });

    it("reads sections given as JSON text, as the Pulumi runtime passes them", () => {
        const config = parseConfig(configInput({ dataproc: JSON.stringify({ data: { hosts: "5" }, masterPublicIp: "true" }) }));
        assert.strictEqual(config.dataproc.data.hosts, 5);
        assert.strictEqual(config.dataproc.masterPublicIp, true);
    });
});
