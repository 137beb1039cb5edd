// The `comment` job of preview.yml, its script run as the runner runs it, against a fake `gh` that
// answers the comments listing through the real jq (as gh --jq does) and records what it would post.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { COMMENT_MARKER } from "../tools/cost-change";
import { installPulumiRecorder, loadWorkflow, runStep, stepEnv } from "./support/workflow";

interface GhWrite {
    readonly method: string;
    readonly path: string;
    readonly body: string;
}

/** `gh api` for the two shapes the job uses: a --jq listing of canned comments, and a write with -F body=@file. */
function installFakeGh(binDir: string, comments: object[], log: string): void {
    const canned = path.join(binDir, "comments.json");
    fs.writeFileSync(canned, JSON.stringify(comments));
    fs.writeFileSync(path.join(binDir, "gh"), [
        `#!${process.execPath}`,
        'const fs = require("fs"); const { execFileSync } = require("child_process");',
        "const args = process.argv.slice(2);",
        'if (args[0] !== "api") { console.error("fake gh: only api"); process.exit(2); }',
        'if (!process.env.GH_TOKEN) { console.error("fake gh: no GH_TOKEN"); process.exit(4); }',
        'const at = (flag) => { const i = args.indexOf(flag); return i < 0 ? undefined : args[i + 1]; };',
        'const method = at("--method") || "GET";',
        'const target = args.find((a, i) => i > 0 && a.startsWith("repos/"));',
        'if (method === "GET") {',
        `  process.stdout.write(execFileSync("jq", ["-r", at("--jq"), ${JSON.stringify(canned)}], { encoding: "utf8" }));`,
        "} else {",
        '  const field = at("-F"); if (!field || !field.startsWith("body=@")) { console.error("fake gh: expected -F body=@file"); process.exit(3); }',
        `  fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ method, path: target, body: fs.readFileSync(field.slice(6), "utf8") }) + "\\n");`,
        "}",
        "",
    ].join("\n"), { mode: 0o755 });
}

function runCommentJob(comments: object[]): GhWrite[] {
    const workflow = loadWorkflow("preview.yml");
    const job = workflow.jobs.comment;
    const step = job.steps.find((s) => s.run)!;
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), "comment-job-"));
    try {
        const { binDir } = installPulumiRecorder(temp);
        const log = path.join(temp, "gh-writes.jsonl");
        installFakeGh(binDir, comments, log);
        // What download-artifact left in the workspace.
        fs.mkdirSync(path.join(temp, "cost-change"));
        fs.writeFileSync(path.join(temp, "cost-change", "comment.md"), `${COMMENT_MARKER}\n### Monthly cost\n`);
        const context = { runnerTemp: temp, github: { token: "fake-github-token", "event.pull_request.number": "18" } };
        const outcome = runStep(step, { ...stepEnv(workflow, job, step, context), GITHUB_REPOSITORY: "team/fraud-mlops" }, { cwd: temp, binDir, runnerTemp: temp });
        assert.ok(outcome.ok, outcome.output);
        return fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n").map((line) => JSON.parse(line) as GhWrite) : [];
    } finally {
        fs.rmSync(temp, { recursive: true, force: true });
    }
}

const bot = { login: "github-actions[bot]" };

describe("the comment job of preview.yml", () => {
    it("posts the cost comment when the PR has none", () => {
        const writes = runCommentJob([
            { id: 1, user: bot, body: "#### :tropical_drink: `preview` on fraud-mlops/dev\n<summary>Pulumi report</summary>" },
            { id: 2, user: { login: "alice" }, body: "looks good" },
        ]);
        assert.deepStrictEqual(writes, [{ method: "POST", path: "repos/team/fraud-mlops/issues/18/comments", body: `${COMMENT_MARKER}\n### Monthly cost\n` }]);
    });

    it("edits its own earlier comment in place, not the Pulumi comment nor a person quoting the marker", () => {
        const writes = runCommentJob([
            { id: 1, user: bot, body: "#### :tropical_drink: `preview` on fraud-mlops/dev" },
            { id: 2, user: { login: "mallory" }, body: `${COMMENT_MARKER}\nfake numbers` },
            { id: 3, user: bot, body: `${COMMENT_MARKER}\n### Monthly cost (old)` },
        ]);
        assert.deepStrictEqual(writes.map((w) => [w.method, w.path]), [["PATCH", "repos/team/fraud-mlops/issues/comments/3"]]);
    });
});
