// Under Pulumi mocks the SDK registers its resources with the plugin's tokens and its parameterized package.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as yandex from "@pulumi/yandex";
import { declareAllResources } from "./fixtures/all-resources";
import { expectedToken, readIncludeList, readJson, sdkDir, SdkPackageJson } from "./sdk-package";
import * as path from "path";

interface Recorded {
    types: string[];
    invokes: string[];
    packages: { name: string; version: string; parameterName: string; parameterVersion: string; value: string }[];
}

function outputValue<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply(resolve));
}

/** Sets Pulumi mocks that record registered types, invoked functions and registered packages. */
async function recordingMocks(): Promise<Recorded> {
    const recorded: Recorded = { types: [], invokes: [], packages: [] };
    await pulumi.runtime.setMocks({
        newResource: (args) => {
            recorded.types.push(args.type);
            return { id: `${args.name}-id`, state: args.inputs };
        },
        call: (args) => {
            recorded.invokes.push(args.token);
            return { id: "fd8exampleimage", imageId: "fd8exampleimage" };
        },
    }, "fraud-mlops", "test");
    // The mock monitor answers registerPackage with a fake ref; wrap it to see the request.
    const monitor = pulumi.runtime.getMonitor() as unknown as {
        registerPackage(req: RegisterPackageRequest, cb: (err: unknown, resp: unknown) => void): void;
    };
    const answer = monitor.registerPackage.bind(monitor);
    monitor.registerPackage = (req, cb) => {
        const param = req.getParameterization();
        recorded.packages.push({
            name: req.getName(), version: req.getVersion(),
            parameterName: param.getName(), parameterVersion: param.getVersion(),
            value: Buffer.from(param.getValue_asU8()).toString("base64"),
        });
        answer(req, cb);
    };
    return recorded;
}

interface RegisterPackageRequest {
    getName(): string;
    getVersion(): string;
    getParameterization(): { getName(): string; getVersion(): string; getValue_asU8(): Uint8Array };
}

describe("@pulumi/yandex under Pulumi mocks", () => {
    it("registers a StorageBucket as yandex:index/storageBucket:StorageBucket of the parameterized package", async () => {
        const recorded = await recordingMocks();
        const bucket = new yandex.StorageBucket("data", { bucket: "fraud-data-example" });
        assert.strictEqual(await outputValue(bucket.id), "data-id");
        assert.deepStrictEqual(recorded.types, ["yandex:index/storageBucket:StorageBucket"]);
        const sdk = readJson<SdkPackageJson>(path.join(sdkDir, "package.json"));
        assert.deepStrictEqual(recorded.packages, [{
            name: "terraform-provider", version: sdk.pulumi.version,
            parameterName: "yandex", parameterVersion: sdk.version, value: sdk.pulumi.parameterization.value,
        }]);
    });

    it("registers every included type from the compile fixture with its token", async () => {
        const recorded = await recordingMocks();
        const resources = declareAllResources();
        await Promise.all(resources.map((r) => outputValue(r.urn)));
        const expected = readIncludeList().map((t) => expectedToken(t));
        assert.deepStrictEqual(
            [...new Set(recorded.types)].sort(),
            expected.filter((e) => !e.exportName.startsWith("get")).map((e) => e.token).sort(),
        );
        assert.deepStrictEqual(recorded.invokes, expected.filter((e) => e.exportName.startsWith("get")).map((e) => e.token));
    });
});
