// The committed, installed @pulumi/yandex is the local SDK `pulumi install` would produce for Pulumi.yaml.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as semver from "semver";
import {
    expectedToken, parseIncludeList, readIncludeList, readJson, readPulumiYamlPackage, repoRoot, sdkDir,
    SdkPackageJson,
} from "./sdk-package";

const registryUrl = "registry.opentofu.org/yandex-cloud/yandex";

describe("@pulumi/yandex identity", () => {
    const sdk = readJson<SdkPackageJson>(path.join(sdkDir, "package.json"));
    const pinned = readPulumiYamlPackage("yandex");
    const [source, terraformVersion] = pinned.parameters;

    it("Pulumi.yaml pins the terraform-provider plugin and the Terraform provider", () => {
        assert.strictEqual(pinned.source, "terraform-provider");
        assert.strictEqual(source, "yandex-cloud/yandex");
        assert.ok(semver.valid(pinned.version), `plugin version ${pinned.version}`);
        assert.ok(semver.valid(terraformVersion), `terraform provider version ${terraformVersion}`);
    });

    it("is the installed @pulumi/yandex, linked from the root package.json", () => {
        const root = readJson<{ dependencies: Record<string, string> }>(path.join(repoRoot, "package.json"));
        assert.strictEqual(root.dependencies["@pulumi/yandex"], "file:sdks/yandex");
        const installed = path.dirname(require.resolve("@pulumi/yandex/package.json"));
        assert.strictEqual(fs.realpathSync(installed), fs.realpathSync(sdkDir));
        // npm ran the SDK's postinstall (tsc): the compiled entry point exists.
        assert.ok(fs.existsSync(path.join(sdkDir, sdk.main)), `${sdk.main} missing: postinstall did not run`);
    });

    it("has the package name and Terraform provider version", () => {
        assert.strictEqual(sdk.name, "@pulumi/yandex");
        assert.strictEqual(sdk.version, terraformVersion);
        assert.strictEqual(sdk.main, "bin/index.js");
    });

    it("declares the parameterized terraform-provider plugin in its pulumi block", () => {
        assert.strictEqual(sdk.pulumi.resource, true);
        assert.strictEqual(sdk.pulumi.name, "terraform-provider");
        assert.strictEqual(sdk.pulumi.version, pinned.version);
        assert.strictEqual(sdk.pulumi.parameterization.name, "yandex");
        assert.strictEqual(sdk.pulumi.parameterization.version, terraformVersion);
    });

    it("carries the plain remote parameter (registry URL and version, no include filter)", () => {
        const decoded = Buffer.from(sdk.pulumi.parameterization.value, "base64").toString("utf8");
        assert.deepStrictEqual(JSON.parse(decoded), { remote: { url: registryUrl, version: terraformVersion } });
    });

    it("exports exactly the included types, each with the plugin's type token", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const yandex = require("@pulumi/yandex") as Record<string, unknown>;
        const included = readIncludeList();
        for (const type of included) {
            const { exportName, token } = expectedToken(type);
            const exported = yandex[exportName] as { __pulumiType?: string } | undefined;
            assert.ok(exported, `${type.kind} ${type.terraformName}: @pulumi/yandex has no ${exportName}`);
            if (type.kind === "resource") {
                assert.strictEqual(exported.__pulumiType, token);
            } else {
                const fileName = exportName + ".ts";
                const source = fs.readFileSync(path.join(sdkDir, fileName), "utf8");
                assert.ok(source.includes(`invoke("${token}"`), `${fileName} does not invoke ${token}`);
            }
        }
        const resourceExports = Object.keys(yandex)
            .filter((name) => typeof (yandex[name] as { __pulumiType?: unknown }).__pulumiType === "string")
            .filter((name) => name !== "Provider")
            .sort();
        const expected = included.filter((t) => t.kind === "resource").map((t) => expectedToken(t).exportName);
        assert.deepStrictEqual(resourceExports, expected.sort());
    });

    it("requires a @pulumi/pulumi that the installed one satisfies", () => {
        const required = sdk.dependencies["@pulumi/pulumi"];
        const installed = readJson<{ version: string }>(require.resolve("@pulumi/pulumi/package.json")).version;
        assert.ok(semver.validRange(required), `bad range ${required}`);
        assert.ok(semver.satisfies(installed, required), `@pulumi/pulumi ${installed} does not satisfy ${required}`);
    });

    it("parses include lists strictly", () => {
        assert.deepStrictEqual(parseIncludeList("# c\nresource yandex_vpc_network\n\ndata yandex_compute_image # x\n"), [
            { kind: "resource", terraformName: "yandex_vpc_network" },
            { kind: "data", terraformName: "yandex_compute_image" },
        ]);
        assert.throws(() => parseIncludeList("yandex_vpc_network\n"), /bad line/);
        assert.deepStrictEqual(expectedToken({ kind: "data", terraformName: "yandex_compute_image" }), {
            exportName: "getComputeImage", token: "yandex:index/getComputeImage:getComputeImage",
        });
    });
});
