// The real index.ts under mocks: the provisioning steps are wired to the real buckets, keys and VM, and
// no secret of the stack (storage key, generated passwords, SSH private key) is in any command's text.
import * as assert from "assert";
import { OfflineResource, OfflineResult } from "../tools/offline";
import { OFFLINE_RUN_TIMEOUT_MS, programRun } from "./support/dev-stack";

const SSH_SENTINEL = "SENTINEL-PROGRAM-SSH-PRIVATE-KEY-5e1d";
const PRIVATE_KEY = `-----BEGIN OPENSSH PRIVATE KEY-----\n${SSH_SENTINEL}\n-----END OPENSSH PRIVATE KEY-----`;
// Values the offline mocks give the storage static key and every generated password (tools/offline/mocks.ts).
const SECRETS = ["mock-access-key-storage-key", "mock-secret-key-storage-key", "mock-password-", SSH_SENTINEL];
const COMMANDS = ["command:local:Command", "command:remote:Command", "command:remote:CopyToRemote"];

const commands = (result: OfflineResult) => result.resources.filter((r) => COMMANDS.includes(r.type));
const byName = (result: OfflineResult, name: string): OfflineResource | undefined => commands(result).find((r) => r.name === name);

function leaves(value: unknown, at = ""): [string, string][] {
    if (typeof value === "string") return [[at, value]];
    if (Array.isArray(value)) return value.flatMap((item, i) => leaves(item, `${at}[${i}]`));
    if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => leaves(v, at ? `${at}.${k}` : k));
    return [];
}

describe("provisioning in the program", function () {
    this.timeout(OFFLINE_RUN_TIMEOUT_MS);
    const key = { "fraud-mlops:sshPrivateKey": PRIVATE_KEY };
    let persistent: OfflineResult;
    let ephemeral: OfflineResult;
    let local: OfflineResult;
    let disabled: OfflineResult;

    before(async () => {
        [persistent, ephemeral, local, disabled] = await Promise.all([
            programRun({ stack: "dev", overrides: key }),
            programRun({ stack: "dev", overrides: { ...key, "fraud-mlops:pipeline": { mode: "ephemeral" } } }),
            programRun({ stack: "dev", overrides: { ...key, "fraud-mlops:pipeline": { mode: "local" } } }),
            programRun({ stack: "dev", overrides: { "fraud-mlops:provisioning": { enabled: false }, "fraud-mlops:sshPrivateKey": null } }),
        ]);
    });

    it("runs after the cluster in persistent mode, without one in ephemeral mode", () => {
        const deps = (result: OfflineResult) => byName(result, "run-pipeline")!.options.dependsOn;
        assert.ok(deps(persistent).includes("fraud-mlops:infra:DataprocCluster::dataproc"), deps(persistent).join(", "));
        assert.ok(!deps(ephemeral).some((d) => d.includes("DataprocCluster")));
        assert.ok(deps(ephemeral).includes("command:remote:Command::deploy-orchestrator"));
    });

    it("seeds into the real raw bucket and connects to the VM's public address", () => {
        assert.match(String(byName(persistent, "seed-2019-08-22")!.inputs.create), /--target-bucket fraud-mlops-dev-raw-\S+ --target-prefix raw\/ --file 2019-08-22\.txt$/);
        const connection = byName(persistent, "deploy-orchestrator")!.inputs.connection as Record<string, unknown>;
        assert.strictEqual(connection.host, "203.0.113.10");
        assert.strictEqual(connection.user, "ubuntu");
    });

    it("no secret in a command's text; where one is needed it is a secret input", () => {
        const seen = new Set<string>();
        for (const resource of [...commands(persistent), ...commands(ephemeral)]) {
            for (const [at, value] of leaves(resource.inputs)) {
                const found = SECRETS.filter((s) => value.includes(s));
                if (found.length === 0) continue;
                found.forEach((s) => seen.add(s));
                assert.ok(["environment", "stdin", "connection"].includes(at.split(/[.[]/)[0]), `${resource.name}.${at} holds a secret`);
                assert.ok(resource.secretPaths.some((p) => at === p || at.startsWith(`${p}.`) || at.startsWith(`${p}[`)), `${resource.name}.${at} is not marked secret`);
            }
        }
        assert.deepStrictEqual([...seen].sort(), [...SECRETS].sort(), "every secret reached a command through a secret input");
    });

    it("has no provisioning in local mode or when disabled (and then needs no private key)", () => {
        // The Data Proc component's destroy-time cleanup is not provisioning: it exists in every mode.
        const provisioningCommands = (result: OfflineResult) => commands(result).filter((r) => r.parents.some((p) => p.startsWith("fraud-mlops:provisioning:")));
        assert.strictEqual(provisioningCommands(local).length, 0);
        assert.strictEqual(provisioningCommands(disabled).length, 0);
        assert.strictEqual(disabled.outputs.pipelineRunPrefix.value, null);
    });
});
