// Issue 11 item 6: the provider reads its credential from the environment at run time, so none is among its
// inputs (stored in the state and reused by `pulumi destroy`); a credential the provider cannot see fails early.
import * as assert from "assert";
import { ConfigError, parseConfig } from "../infra/config";
import { OfflineResult, OFFLINE_DEFAULTS } from "../tools/offline";
import { configInput } from "./support/config-input";
import { OFFLINE_RUN_TIMEOUT_MS, programRun } from "./support/dev-stack";

const CREDENTIAL_INPUTS = ["token", "serviceAccountKeyFile", "sharedCredentialsFile", "storageAccessKey", "storageSecretKey", "ymqAccessKey", "ymqSecretKey", "profile"];

function provider(result: OfflineResult) {
    const found = result.resources.filter((r) => r.type === "pulumi:providers:yandex");
    assert.strictEqual(found.length, 1);
    return found[0];
}

describe("provider credentials (issue 11 item 6)", function () {
    this.timeout(OFFLINE_RUN_TIMEOUT_MS);

    // The program checks that a key file exists: this test file stands in for one.
    for (const [name, env] of [
        ["YC_TOKEN", {}],
        ["YC_SERVICE_ACCOUNT_KEY_FILE", { YC_TOKEN: "", YC_SERVICE_ACCOUNT_KEY_FILE: __filename }],
    ] as const) {
        it(`with ${name}: no credential and no key path among the provider's inputs`, async () => {
            const result = await programRun({ stack: "dev", env });
            const inputs = provider(result).inputs;
            for (const key of CREDENTIAL_INPUTS) assert.strictEqual(inputs[key], undefined, `provider input ${key}`);
            assert.deepStrictEqual(Object.keys(inputs).filter((k) => inputs[k] !== undefined).sort(), ["cloudId", "folderId", "zone"]);
            const text = JSON.stringify(inputs);
            assert.ok(!text.includes(OFFLINE_DEFAULTS.env.YC_TOKEN) && !text.includes(__filename), text);
        });
    }

    it("a credential set only in .env fails before any resource, naming the variable and the export", () => {
        for (const variable of ["YC_TOKEN", "YC_SERVICE_ACCOUNT_KEY_FILE"]) {
            const env = variable === "YC_TOKEN" ? {} : { YC_TOKEN: "", YC_SERVICE_ACCOUNT_KEY_FILE: "/keys/deployer.json" };
            assert.throws(() => parseConfig({ ...configInput({}, env), onlyInEnvFile: new Set([variable, "YC_FOLDER_ID"]) }), (error: unknown) => {
                assert.ok(error instanceof ConfigError);
                assert.strictEqual(error.key, variable);
                assert.match(error.problem, /set in \.env only/);
                assert.match(error.fix, /set -a; \. \.\/\.env; set \+a/);
                return true;
            });
        }
        // Ids may come from .env: the program passes them to the provider itself.
        assert.doesNotThrow(() => parseConfig({ ...configInput(), onlyInEnvFile: new Set(["YC_FOLDER_ID", "YC_CLOUD_ID"]) }));
    });

    it("the parsed config names the credential's variable but holds no credential", () => {
        const config = parseConfig(configInput());
        assert.strictEqual(config.provider.credentialVariable, "YC_TOKEN");
        assert.ok(!JSON.stringify(config).includes(OFFLINE_DEFAULTS.env.YC_TOKEN));
    });
});
