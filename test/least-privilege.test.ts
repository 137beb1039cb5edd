// Issue 11 item 8 on the REAL index.ts under mocks: no folder-level role lets one account act as another;
// acting as the cluster account is granted on that account only; object access is per bucket (ACL grants).
import * as assert from "assert";
import { BUCKET_ACCESS, letsActAsOthers } from "../infra/identity/roles";
import { OfflineResult } from "../tools/offline";
import { OFFLINE_RUN_TIMEOUT_MS, programRun } from "./support/dev-stack";
import { input, ofType, one } from "./support/inventory";

const MODES = ["persistent", "ephemeral", "local"] as const;
const run = (mode: (typeof MODES)[number]) => programRun({ stack: "dev", overrides: { "fraud-mlops:pipeline": { mode } } });
const accountOf = (member: string) => member.replace(/^serviceAccount:/, "").replace(/-sa-id$/, "");

interface Grant { id: string; type: string; permissions: string[] }

describe("least privilege (issue 11 item 8)", function () {
    this.timeout(OFFLINE_RUN_TIMEOUT_MS);
    const runs: Partial<Record<(typeof MODES)[number], OfflineResult>> = {};

    before(async () => {
        for (const mode of MODES) runs[mode] = await run(mode);
    });

    it("classifies the roles that let one account act as another", () => {
        for (const role of ["iam.serviceAccounts.user", "iam.serviceAccounts.tokenCreator", "iam.serviceAccounts.keyAdmin", "iam.admin", "iam.editor", "admin", "editor", "resource-manager.admin"]) {
            assert.ok(letsActAsOthers(role), role);
        }
        for (const role of ["dataproc.agent", "dataproc.editor", "vpc.user", "logging.writer", "storage.editor", "iam.serviceAccounts.viewer", "kms.keys.encrypterDecrypter"]) {
            assert.ok(!letsActAsOthers(role), role);
        }
    });

    for (const mode of MODES) {
        it(`${mode}: no folder-level role lets an account act as another, and none is folder-wide storage`, () => {
            for (const member of ofType(runs[mode]!, "ResourcemanagerFolderIamMember")) {
                const role = input<string>(member, "role");
                assert.ok(!letsActAsOthers(role), `${member.name}: folder role ${role} lets ${accountOf(input(member, "member"))} act as other accounts`);
                assert.doesNotMatch(role, /^storage\./, `${member.name}: object access must be per bucket, not folder-wide`);
            }
        });
    }

    it("ephemeral: the orchestrator may act as the cluster account only, granted on that account", () => {
        const members = ofType(runs.ephemeral!, "IamServiceAccountIamMember").map((m) => ({
            on: input(m, "serviceAccountId"), role: input(m, "role"), member: input(m, "member"),
        }));
        assert.deepStrictEqual(members, [{ on: "cluster-sa-id", role: "iam.serviceAccounts.user", member: "serviceAccount:orchestrator-sa-id" }]);
        for (const mode of ["persistent", "local"] as const) assert.deepStrictEqual(ofType(runs[mode]!, "IamServiceAccountIamMember"), [], mode);
        const roles = ofType(runs.ephemeral!, "ResourcemanagerFolderIamMember").filter((m) => input(m, "member") === "serviceAccount:orchestrator-sa-id").map((m) => input(m, "role")).sort();
        assert.deepStrictEqual(roles, ["dataproc.editor", "vpc.user"]);
    });

    it("each bucket's ACL grants exactly the accounts of BUCKET_ACCESS, and nobody else", () => {
        const expected: Record<string, { account: string; permissions: string[] }[]> = {};
        for (const [account, buckets] of Object.entries(BUCKET_ACCESS)) {
            for (const [purpose, permissions] of Object.entries(buckets)) (expected[purpose] ??= []).push({ account, permissions: [...permissions!].sort() });
        }
        for (const bucket of ofType(runs.persistent!, "StorageBucket")) {
            const grants = (input<Grant[] | undefined>(bucket, "grants") ?? []).map((g) => {
                assert.strictEqual(g.type, "CanonicalUser", bucket.name);
                return { account: accountOf(g.id), permissions: [...g.permissions].sort() };
            });
            assert.deepStrictEqual(grants, expected[bucket.name] ?? [], bucket.name);
        }
        // The Spark jobs read raw and write cleaned; the static key seeds raw and serves MLflow.
        assert.deepStrictEqual(BUCKET_ACCESS.cluster.raw, ["READ"]);
        assert.deepStrictEqual(BUCKET_ACCESS.storage.mlflow, ["READ", "WRITE"]);
        assert.deepStrictEqual(BUCKET_ACCESS.orchestrator, {});
    });

    it("the accounts with bucket access, and only they, may use the KMS key", () => {
        const users = ofType(runs.persistent!, "KmsSymmetricKeyIamMember").map((m) => accountOf(input(m, "member"))).sort();
        const withBuckets = Object.entries(BUCKET_ACCESS).filter(([, buckets]) => Object.keys(buckets).length > 0).map(([account]) => account).sort();
        assert.deepStrictEqual(users, withBuckets);
    });

    it("what uses the cluster account waits for its grants and for the buckets' ACLs", () => {
        const deps = one(runs.persistent!, "DataprocCluster", "cluster").options.dependsOn;
        for (const grant of ["cluster-dataproc-agent", "cluster-data-key-user"]) assert.ok(deps.some((d) => d.endsWith(`::${grant}`)), `${grant} in ${deps.join(", ")}`);
        for (const bucket of ["raw", "cleaned", "logs", "code", "mlflow"]) {
            assert.ok(deps.includes(`yandex:index/storageBucket:StorageBucket::${bucket}`), `bucket ${bucket} in ${deps.join(", ")}`);
        }
    });
});
