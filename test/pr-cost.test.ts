// Issue 18: the cost change a pull request gets, on a PR that changes the data hosts' preset; the report
// `npm run cost -- --json` hands across checkouts; the plan job's own commands, run as the workflow runs them.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { HOURS_PER_MONTH, PRICES } from "../infra/cost/prices";
import { COMMENT_MARKER, renderCostChange } from "../tools/cost-change";
import { costReport, CostReport, parseCostReport } from "../tools/cost-report";
import { RunOptions } from "../tools/offline";
import { renderPlan } from "../tools/plan-render";
import { declaredResources, offlineCostSettings, PricedStack } from "../tools/stack-cost";
import { OFFLINE_RUN_TIMEOUT_MS, programRun } from "./support/dev-stack";
import { matchSnapshotFile } from "./support/snapshot";
import { installPulumiRecorder, loadWorkflow, REPO_ROOT, runStep, stepEnv, stepLabel } from "./support/workflow";

const BASE: RunOptions = { stack: "dev" };
const DATA_PRESET_PR: RunOptions = { stack: "dev", overrides: { "fraud-mlops:dataproc": { data: { preset: "s3-c8-m32" } } } };

async function priced(options: RunOptions): Promise<PricedStack> {
    const result = await programRun(options);
    return { stack: result.stack, result, resources: declaredResources(result), settings: offlineCostSettings(options) };
}

describe("the cost change in a pull request (issue 18)", function () {
    this.timeout(OFFLINE_RUN_TIMEOUT_MS);

    it("a PR moving the data hosts from s3-c4-m16 to s3-c8-m32: the comment matches the reviewed snapshot", async () => {
        const [base, head] = [await priced(BASE), await priced(DATA_PRESET_PR)];
        const comment = renderCostChange({ head: costReport(head), base: costReport(base), baseLabel: "main", plan: renderPlan(head.result, head.settings) });
        matchSnapshotFile(path.join(__dirname, "__snapshots__", "pr-cost-data-preset.md"), comment);

        // 3 hosts x (4 more vCPU, 16 more GB RAM), each with the Data Proc charge, all month; disks unchanged.
        const perHostHour = 4 * (PRICES.computeVcpuIceLake.rub + PRICES.dataprocMarkupVcpu.rub) + 16 * (PRICES.computeRamIceLake.rub + PRICES.dataprocMarkupRam.rub);
        const expected = 3 * perHostHour * HOURS_PER_MONTH;
        const delta = costReport(head).totalRub - costReport(base).totalRub;
        assert.ok(Math.abs(delta - expected) < 0.01, `delta ${delta} vs ${expected}`);
        const added = expected.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
        assert.ok(comment.startsWith(`${COMMENT_MARKER}\n`));
        assert.match(comment, new RegExp(`This PR adds \\*\\*${added.replace(/[.]/g, "\\.")} RUB a month\\*\\*`));
        assert.match(comment, new RegExp(`\\| cluster / data \\(DATANODE\\) \\| 30,246\\.53 \\| 54,914\\.69 \\| \\+${added.replace(/[.]/g, "\\.")} \\|`));
        assert.match(comment, /\| 10 unchanged components \|/);
        assert.match(comment, /\*\*OVER BUDGET\*\*/, "40,188 + 24,668 RUB is above the dev budget of 45,000");
        assert.match(comment, /data \(DATANODE\): 3 x s3-c8-m32 vCPU \| – \| 21,724\.80 \|/);
    });

    it("a base without a report (older than `npm run cost -- --json`) still gives the PR's estimate", async () => {
        const head = costReport(await priced(BASE));
        const comment = renderCostChange({ head, base: { unavailable: "`npm run cost -- --json` failed there: error: unexpected argument \"--json\"" }, baseLabel: "main" });
        assert.match(comment, /The estimate of `main` is not available: `npm run cost -- --json` failed there: error: unexpected argument "--json"\./);
        assert.match(comment, /This PR's estimate alone: \*\*40,187\.65 RUB a month\*\*/);
    });

    it("a plan too long for a GitHub comment is cut, with a pointer to the summary", async () => {
        const head = costReport(await priced(BASE));
        const comment = renderCostChange({ head, base: head, baseLabel: "main", plan: "x".repeat(100_000) });
        assert.ok(comment.length < 65_536, `${comment.length} characters`);
        assert.match(comment, /… \(cut; the whole plan is in the job log and summary\)/);
    });

    it("npm run cost -- --json prints the report the comment is built from; anything else is refused by name", async () => {
        const out = execFileSync("npm", ["run", "--silent", "cost", "--", "--stack", "dev", "--json"], { cwd: REPO_ROOT, encoding: "utf8" });
        const printed = parseCostReport(out, "npm run cost -- --json");
        assert.deepStrictEqual(printed, JSON.parse(JSON.stringify(costReport(await priced(BASE)))) as CostReport);
        assert.throws(() => parseCostReport("", "base-cost.json"), /base-cost\.json is not JSON \(it is empty\)/);
        assert.throws(() => parseCostReport('{"format":"other"}', "base-cost.json"), /not a fraud-mlops-cost\/1 report \(format "other"\)/);
    });

    it("the plan job's steps, run as the workflow runs them, write the comment and the job summary", () => {
        // Both checkouts are this one, as for a PR that changes nothing: base and PR cost the same.
        const workflow = loadWorkflow("preview.yml");
        const job = workflow.jobs.plan;
        const temp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-job-"));
        try {
            const recorder = installPulumiRecorder(temp);
            const context = { runnerTemp: temp, github: { base_ref: "main" } };
            const summary = path.join(temp, "step-summary.md");
            const steps = job.steps.filter((s) => s["working-directory"] === "base" || s["working-directory"] === "pr");
            assert.deepStrictEqual(steps.map((s) => s["working-directory"]), ["base", "pr"]);
            for (const step of steps) {
                const outcome = runStep({ ...step, "working-directory": undefined }, { ...stepEnv(workflow, job, step, context), GITHUB_STEP_SUMMARY: summary },
                    { cwd: REPO_ROOT, binDir: recorder.binDir, runnerTemp: temp });
                assert.ok(outcome.ok, `step "${stepLabel(step)}" failed:\n${outcome.output}`);
            }
            const comment = fs.readFileSync(path.join(temp, "cost-change", "comment.md"), "utf8");
            assert.match(comment, /^<!-- fraud-mlops:cost-change -->\n### Monthly cost of stack `dev`: this PR vs `main`\n\nThis PR does not change the estimated monthly cost: \*\*40,187\.65 RUB a month\*\*\./);
            assert.match(comment, /<details><summary>Offline plan of this PR/);
            assert.strictEqual(fs.readFileSync(summary, "utf8"), comment);
            assert.deepStrictEqual(recorder.calls(), [], "the plan job never calls pulumi");
        } finally {
            fs.rmSync(temp, { recursive: true, force: true });
        }
    });
});
