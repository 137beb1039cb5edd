// The pack as `pulumi preview --policy-pack policy` loads it: policy/index.ts started as its own process
// (it serves the analyzer gRPC protocol and prints its port), then asked what the CLI would ask.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ChildProcess, spawn } from "child_process";
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import * as analyzerRpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { RESOURCE_POLICIES, STACK_POLICIES } from "./policies";
import { compliantBucket } from "./fixtures";

const POLICY_DIR = __dirname; // the CLI starts the pack in its own folder: PolicyPack reads ./package.json

function startPack(): Promise<{ child: ChildProcess; port: number }> {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "index.ts"], { cwd: POLICY_DIR, stdio: ["ignore", "pipe", "pipe"] });
    return new Promise((resolve, reject) => {
        let stderr = "";
        child.stderr!.on("data", (chunk) => { stderr += chunk; });
        child.stdout!.once("data", (chunk) => resolve({ child, port: Number(String(chunk).trim()) }));
        child.once("exit", (code) => reject(new Error(`policy pack exited with ${code}: ${stderr}`)));
    });
}

function analyzeRequest(props: Record<string, unknown>, name: string): analyzerProto.AnalyzeRequest {
    const request = new analyzerProto.AnalyzeRequest();
    request.setType("yandex:index/storageBucket:StorageBucket");
    request.setName(name);
    request.setUrn(`urn:pulumi:dev::fraud-mlops::yandex:index/storageBucket:StorageBucket::${name}`);
    request.setProperties(Struct.fromJavaScript(props as never));
    request.setOptions(new analyzerProto.AnalyzerResourceOptions());
    return request;
}

describe("the policy pack served over the analyzer protocol", function () {
    this.timeout(60_000);
    let pack: { child: ChildProcess; port: number };
    let client: analyzerRpc.AnalyzerClient;

    before(async () => {
        pack = await startPack();
        client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${pack.port}`, grpc.credentials.createInsecure());
    });
    after(() => {
        client?.close();
        pack?.child.kill(); // the process this test started, by its handle
    });

    it("announces every policy, mandatory, with the version from policy/package.json", async () => {
        const info = await new Promise<analyzerProto.AnalyzerInfo>((resolve, reject) =>
            client.getAnalyzerInfo(new Empty(), (error, response) => (error ? reject(error) : resolve(response!))));
        assert.strictEqual(info.getName(), "fraud-mlops-guardrails");
        assert.strictEqual(info.getVersion(), JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package.json"), "utf8")).version);
        const names = info.getPoliciesList().map((p) => p.getName());
        assert.deepStrictEqual(names, [...RESOURCE_POLICIES, ...STACK_POLICIES].map((p) => p.name));
        assert.ok(info.getPoliciesList().every((p) => p.getEnforcementlevel() === analyzerProto.EnforcementLevel.MANDATORY));
    });

    it("passes a private encrypted bucket and reports a public one as a mandatory violation", async () => {
        const analyze = (request: analyzerProto.AnalyzeRequest) => new Promise<analyzerProto.AnalyzeResponse>((resolve, reject) =>
            client.analyze(request, (error, response) => (error ? reject(error) : resolve(response!))));
        const fine = await analyze(analyzeRequest(compliantBucket.inputs, "cleaned"));
        assert.deepStrictEqual(fine.getDiagnosticsList().map((d) => d.getMessage()), []);
        const publicBucket = { ...compliantBucket.inputs, anonymousAccessFlags: { read: true, list: false } };
        const diagnostics = (await analyze(analyzeRequest(publicBucket, "cleaned"))).getDiagnosticsList();
        assert.deepStrictEqual(diagnostics.map((d) => [d.getPolicyname(), d.getEnforcementlevel()]),
            [["bucket-no-anonymous-access", analyzerProto.EnforcementLevel.MANDATORY]]);
        assert.match(diagnostics[0].getMessage(), /bucket "cleaned": anonymousAccessFlags.read is true/);
    });
});
