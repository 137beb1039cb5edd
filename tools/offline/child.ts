// Child process of the offline runner: runs the real program once under Pulumi mocks and writes an
// OfflineResult as JSON to the file named in argv[2]. The request comes as JSON in argv[3]'s file.
// One program per process: Pulumi's runtime state is global, so a fresh process isolates each run.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { runInPulumiStack } from "@pulumi/pulumi/runtime/stack";
import { mockCall, mockState } from "./mocks";
import { OfflineOutput, OfflineRequest, OfflineResource, OfflineResult } from "./types";

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/** Replaces Pulumi's secret envelopes by their values and collects their paths. */
function unwrapSecrets(value: unknown, at: string, secrets: string[]): unknown {
    if (Array.isArray(value)) return value.map((item, index) => unwrapSecrets(item, `${at}[${index}]`, secrets));
    if (value && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record[SECRET_SIG] === SECRET_VALUE) {
            secrets.push(at);
            return unwrapSecrets(record.value, at, []);
        }
        return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, unwrapSecrets(item, at ? `${at}.${key}` : key, secrets)]));
    }
    return value;
}

function resourceKey(resource: pulumi.Resource | undefined): string | undefined {
    const internal = resource as unknown as { __pulumiType?: string; __name?: string } | undefined;
    return internal?.__pulumiType ? `${internal.__pulumiType}::${internal.__name}` : undefined;
}

async function resolveOutput(value: unknown): Promise<OfflineOutput> {
    const output = pulumi.output(value) as unknown as { promise(): Promise<unknown>; isSecret: Promise<boolean> };
    return { value: (await output.promise()) ?? null, secret: await output.isSecret };
}

async function main(): Promise<void> {
    const [outFile, requestFile] = process.argv.slice(2);
    const request = JSON.parse(fs.readFileSync(requestFile, "utf8")) as OfflineRequest;
    const parentsOf = new Map<string, string[]>();
    const optionsOf = new Map<string, OfflineResource["options"]>();
    const resources: OfflineResource[] = [];
    const calls: OfflineResult["calls"] = [];

    await pulumi.runtime.setMocks({
        newResource: (args) => {
            const key = `${args.type}::${args.name}`;
            const secretPaths: string[] = [];
            const inputs = unwrapSecrets(args.inputs, "", secretPaths) as Record<string, unknown>;
            resources.push({
                type: args.type,
                name: args.name,
                custom: args.custom ?? true,
                parents: parentsOf.get(key) ?? [],
                provider: args.provider || undefined,
                inputs,
                secretPaths,
                options: optionsOf.get(key) ?? { dependsOn: [] },
            });
            return { id: args.custom ? `${args.name}-id` : undefined, state: mockState(args.type, args.name, inputs) };
        },
        call: (args) => {
            calls.push({ token: args.token, inputs: unwrapSecrets(args.inputs, "", []) as Record<string, unknown> });
            return mockCall(args);
        },
    }, request.project, request.stack, false);

    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries(request.config)) {
        config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    pulumi.runtime.setAllConfig(config, request.secretKeys);
    for (const [key, value] of Object.entries(request.env)) process.env[key] = value;

    const outputs: Record<string, OfflineOutput> = {};
    let error: OfflineResult["error"];
    await runInPulumiStack(async () => {
        pulumi.runtime.registerStackTransformation((args) => {
            const key = `${args.type}::${args.name}`;
            // The transformation runs parent-first, so a parent's chain is already known.
            const direct = resourceKey(args.opts.parent);
            parentsOf.set(key, direct ? [...(parentsOf.get(direct) ?? []), direct] : []);
            const opts = args.opts as pulumi.CustomResourceOptions;
            const dependsOn = ([] as unknown[]).concat(opts.dependsOn ?? []).map((dep) => resourceKey(dep as pulumi.Resource) ?? "?");
            optionsOf.set(key, {
                retainOnDelete: opts.retainOnDelete,
                protect: opts.protect,
                ignoreChanges: opts.ignoreChanges,
                additionalSecretOutputs: opts.additionalSecretOutputs,
                dependsOn,
            });
            return undefined;
        });
        // Caught here, inside the stack: an error escaping the stack's init is fatal to the runtime.
        try {
            const exports = require(path.resolve(request.program)) as Record<string, unknown>;
            for (const [name, value] of Object.entries(exports)) outputs[name] = await resolveOutput(value);
        } catch (caught) {
            const failure = caught as Error & { key?: string };
            error = { name: failure.name, message: failure.message, ...(failure.key ? { key: failure.key } : {}) };
        }
        return {};
    });
    await pulumi.runtime.disconnect();
    const result: OfflineResult = { stack: request.stack, resources, outputs, calls, ...(error ? { error } : {}) };
    fs.writeFileSync(outFile, JSON.stringify(result));
}

main().catch((caught) => {
    process.stderr.write(`offline runner child failed: ${(caught as Error).stack ?? caught}\n`);
    process.exit(2);
});
