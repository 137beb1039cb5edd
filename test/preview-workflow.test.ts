// Issue 18: the preview workflow runs the real program with exactly what the workflow provides: the
// stack file, the config its steps set (the `run:` steps before the preview, run here with bash and a
// recording `pulumi`), and the env of the preview step, with repository variables and secrets replaced
// by fakes of the right form. No offline-runner defaults: what the workflow lacks, the check reports.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readStackConfig, runProgram } from "../tools/offline";
import { OFFLINE_RUN_TIMEOUT_MS } from "./support/dev-stack";
import { REPOSITORY_SETTINGS } from "./support/repository-settings";
import {
    installPulumiRecorder, Job, loadWorkflow, replayConfigSets, REPO_ROOT, resolveExpressions, runStep, Step, stepEnv, stepLabel, Workflow, WORKFLOWS_DIR,
} from "./support/workflow";

const GITHUB = { base_ref: "main", token: "fake-github-token", repository: "team/fraud-mlops", "event.pull_request.number": "18" };
const INSTALL_STEP = /^\.\/(pr\/|base\/)?scripts\/setup-node\.sh( && \.\/(pr\/|base\/)?scripts\/setup-node\.sh)?$/;

const isPreview = (step: Step) => step.uses?.startsWith("pulumi/actions@") === true && step.with?.command === "preview";

interface PreviewRun {
    readonly error?: { message: string; key?: string };
    readonly config: Record<string, unknown>;
    readonly secretKeys: string[];
    /** Arguments of every recorded `pulumi` call (command lines are visible to every process). */
    readonly commandLines: string[][];
}

/** Runs the preview job up to its `pulumi preview` step, then the program under mocks as that step would. */
async function runPreviewJob(workflow: Workflow, jobName = "preview"): Promise<PreviewRun> {
    const job: Job = workflow.jobs[jobName];
    const previewIndex = job.steps.findIndex(isPreview);
    assert.ok(previewIndex >= 0, `job ${jobName} has no pulumi/actions step with command: preview`);
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), "preview-job-"));
    const context = { runnerTemp: temp, github: GITHUB };
    const recorder = installPulumiRecorder(temp);
    try {
        for (const step of job.steps.slice(0, previewIndex)) {
            // `uses:` steps before the preview set up tools (checkout, Node, the Pulumi CLI); the locked
            // dependencies are installed already (this test runs on them).
            if (!step.run || INSTALL_STEP.test(step.run.trim())) continue;
            const outcome = runStep(step, stepEnv(workflow, job, step, context), { cwd: REPO_ROOT, binDir: recorder.binDir, runnerTemp: temp });
            assert.ok(outcome.ok, `step "${stepLabel(step)}" failed:\n${outcome.output}`);
        }
        const preview = job.steps[previewIndex];
        const stack = resolveExpressions(String(preview.with?.["stack-name"] ?? ""), context, stepEnv(workflow, job, preview, context));
        const calls = recorder.calls();
        for (const call of calls) {
            for (const [name, present] of Object.entries(call.env)) {
                if (name !== "PULUMI_CONFIG_PASSPHRASE" || call.args.includes("--secret")) {
                    assert.ok(present, `\`pulumi ${call.args.slice(0, 2).join(" ")}\` runs without ${name}; the CLI needs it to reach the stack`);
                }
            }
        }
        const fromFile = readStackConfig(stack);
        const { config, secretKeys } = replayConfigSets(calls, stack, fromFile.config);
        const result = await runProgram({
            stack, withoutDefaults: true, overrides: config, secretKeys, env: stepEnv(workflow, job, preview, context),
        });
        return { error: result.error, config, secretKeys, commandLines: calls.map((call) => call.args) };
    } finally {
        fs.rmSync(temp, { recursive: true, force: true });
    }
}

/** The workflow without the step that sets the team settings: what preview.yml was before issue 18. */
function withoutSettingsStep(workflow: Workflow): Workflow {
    const clone = structuredClone(workflow);
    const job = clone.jobs.preview as { steps: Step[] };
    job.steps = job.steps.filter((step) => !JSON.stringify(step.env ?? {}).includes("vars.SSH_PUBLIC_KEY"));
    assert.ok(job.steps.length < workflow.jobs.preview.steps.length, "found no step that reads vars.SSH_PUBLIC_KEY");
    return clone;
}

describe("the preview workflow from a clean checkout (issue 18)", function () {
    this.timeout(OFFLINE_RUN_TIMEOUT_MS);
    const workflow = loadWorkflow("preview.yml");

    it("the program passes its configuration check with the stack file plus what preview.yml sets", async () => {
        const run = await runPreviewJob(workflow);
        assert.strictEqual(run.error, undefined, `the program failed: ${run.error?.message}`);
        // The team's values arrived, in the shapes the program reads (list from "a, b"; key from stdin).
        assert.deepStrictEqual((run.config["fraud-mlops:network"] as { adminCidrs: string[] }).adminCidrs, ["203.0.113.0/24", "198.51.100.7/32"]);
        assert.strictEqual(run.config["fraud-mlops:sshPublicKey"], REPOSITORY_SETTINGS.SSH_PUBLIC_KEY.fake);
        assert.match(String(run.config["fraud-mlops:sshPrivateKey"]), /^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
        assert.deepStrictEqual(run.secretKeys, ["fraud-mlops:sshPrivateKey"]);
        const secrets = Object.values(REPOSITORY_SETTINGS).filter((s) => s.kind === "secret").map((s) => s.fake);
        assert.ok(run.commandLines.flat().every((arg) => !secrets.some((secret) => arg.includes(secret))), "a secret was passed on a command line");
        // The committed settings survive the --path writes into the same section.
        assert.strictEqual((run.config["fraud-mlops:network"] as { subnetCidr: string }).subnetCidr, "10.10.0.0/24");
    });

    it("without the settings step (preview.yml before issue 18) the check fails on fraud-mlops:sshPublicKey", async () => {
        const run = await runPreviewJob(withoutSettingsStep(workflow));
        assert.ok(run.error, "the program must fail");
        assert.strictEqual(run.error.key, "fraud-mlops:sshPublicKey");
    });

    it("the settings step stops first, naming the repository variable, when a team has not created it", () => {
        const job = workflow.jobs.preview;
        const step = job.steps.find((s) => JSON.stringify(s.env ?? {}).includes("vars.SSH_PUBLIC_KEY"))!;
        const temp = fs.mkdtempSync(path.join(os.tmpdir(), "settings-step-"));
        try {
            const recorder = installPulumiRecorder(temp);
            const env = { ...stepEnv(workflow, job, step, { runnerTemp: temp, github: GITHUB }), ADMIN_CIDRS: "" };
            const outcome = runStep(step, env, { cwd: REPO_ROOT, binDir: recorder.binDir, runnerTemp: temp });
            assert.strictEqual(outcome.ok, false);
            assert.match(outcome.output, /set the repository variable ADMIN_CIDRS/);
            assert.deepStrictEqual(recorder.calls(), [], "nothing may be written before every setting is there");
        } finally {
            fs.rmSync(temp, { recursive: true, force: true });
        }
    });

    it("ci.yml and destroy.yml run no program, so they need no stack configuration", () => {
        for (const file of ["ci.yml", "destroy.yml"]) {
            const steps = Object.values(loadWorkflow(file).jobs).flatMap((job) => job.steps);
            const runsProgram = steps.filter((s) => (s.uses?.startsWith("pulumi/actions@") && ["preview", "up", "update"].includes(String(s.with?.command)))
                || /\bpulumi (preview|up)\b|npm run (plan|cost)/.test(s.run ?? ""));
            assert.deepStrictEqual(runsProgram.map(stepLabel), [], `${file} runs the program: give it the settings test preview.yml has`);
        }
    });

    it("the workflows, test/support/repository-settings.ts and .github/README.md name the same variables and secrets", () => {
        const used = new Map<string, string>();
        for (const file of fs.readdirSync(WORKFLOWS_DIR)) {
            const text = fs.readFileSync(path.join(WORKFLOWS_DIR, file), "utf8");
            for (const match of text.matchAll(/\$\{\{\s*(vars|secrets)\.(\w+)\s*\}\}/g)) {
                used.set(match[2], match[1] === "vars" ? "variable" : "secret");
            }
        }
        const fakes = new Map(Object.entries(REPOSITORY_SETTINGS).map(([name, setting]) => [name, setting.kind]));
        const readme = fs.readFileSync(path.join(REPO_ROOT, ".github", "README.md"), "utf8");
        const documented = new Map([...readme.matchAll(/^\| `([A-Z0-9_]+)` \| (variable|secret) \|/gm)].map((m) => [m[1], m[2]]));
        const sorted = (map: Map<string, string>) => [...map.entries()].sort();
        assert.deepStrictEqual(sorted(fakes), sorted(used), "repository-settings.ts vs the workflows");
        assert.deepStrictEqual(sorted(documented), sorted(used), ".github/README.md table vs the workflows");
    });

    it("fork safety: pull_request only; the jobs that run the PR's code for forks hold no secrets and no write token", () => {
        for (const file of fs.readdirSync(WORKFLOWS_DIR)) {
            const triggers = Object.keys(loadWorkflow(file).on);
            assert.ok(!triggers.some((t) => ["pull_request_target", "workflow_run"].includes(t)), `${file}: no workflow may run fork code with the base repository's rights`);
        }
        const plan = workflow.jobs.plan;
        assert.strictEqual(plan.if, undefined, "the plan job runs for every PR, forks included");
        assert.doesNotMatch(JSON.stringify(plan), /secrets\./);
        assert.deepStrictEqual(workflow.permissions, { contents: "read" });
        assert.strictEqual(plan.permissions, undefined, "the plan job keeps the read-only default");
        const sameRepository = "github.event.pull_request.head.repo.full_name == github.repository";
        for (const name of ["comment", "preview"]) {
            assert.strictEqual(workflow.jobs[name].if, sameRepository, `${name} must skip forks`);
        }
        assert.ok(workflow.jobs.comment.steps.every((s) => !s.uses?.startsWith("actions/checkout")), "the comment job runs no code of the PR");
    });
});
