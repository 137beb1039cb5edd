// Issue 11 item 6: `pulumi destroy` runs the delete steps stored in the state, not the program, so the destroy
// workflow must provide everything they run: the interpreter of every local delete command and the
// credential variable the provider and the Data Proc cleanup read.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { CREDENTIAL_VARIABLES } from "../infra/config/provider";
import { OfflineResult } from "../tools/offline";
import { OFFLINE_RUN_TIMEOUT_MS, programRun } from "./support/dev-stack";

const ROOT = path.resolve(__dirname, "..");

interface Step { name?: string; uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> }

function destroySteps(): Step[] {
    const workflow = yaml.load(fs.readFileSync(path.join(ROOT, ".github/workflows/destroy.yml"), "utf8")) as { jobs: Record<string, { steps: Step[] }> };
    return workflow.jobs.destroy.steps;
}

/** Interpreters of the local commands that have a delete step (what a destroy runs on the runner). */
function deleteInterpreters(result: OfflineResult): Map<string, string> {
    const found = new Map<string, string>();
    for (const resource of result.resources) {
        if (resource.type !== "command:local:Command" || typeof resource.inputs.delete !== "string") continue;
        found.set(resource.name, (resource.inputs.delete as string).split(" ")[0]);
    }
    return found;
}

describe("the destroy workflow provides what the destroy steps run", function () {
    this.timeout(OFFLINE_RUN_TIMEOUT_MS);
    let interpreters: Map<string, string>;

    before(async () => {
        // allowDataDestroy adds the seed copies' delete steps to the cluster cleanup.
        const result = await programRun({ stack: "dev", overrides: { "fraud-mlops:storage": { allowDataDestroy: true } } });
        interpreters = deleteInterpreters(result);
    });

    it("every local delete step runs jobs/.venv's Python, which the workflow installs before destroying", () => {
        assert.ok(interpreters.has("delete-airflow-clusters") && [...interpreters.keys()].some((n) => n.startsWith("seed-")), [...interpreters.keys()].join(", "));
        assert.deepStrictEqual([...new Set(interpreters.values())], ["jobs/.venv/bin/python"]);
        assert.match(fs.readFileSync(path.join(ROOT, "scripts/setup-python.sh"), "utf8"), /^venv=jobs\/\.venv$/m);

        const steps = destroySteps();
        const index = (match: (s: Step) => boolean, what: string) => {
            const i = steps.findIndex(match);
            assert.ok(i >= 0, `the destroy job lacks ${what}`);
            return i;
        };
        const python = index((s) => (s.uses ?? "").startsWith("actions/setup-python@"), "actions/setup-python");
        assert.strictEqual(String(steps[python].with?.["python-version"]), "3.11", "the jobs' pinned requirements target Python 3.11");
        const venv = index((s) => (s.run ?? "").trim() === "./scripts/setup-python.sh", "./scripts/setup-python.sh");
        const destroy = index((s) => (s.uses ?? "").startsWith("pulumi/actions@") && s.with?.command === "destroy", "the Pulumi destroy step");
        assert.ok(python < venv && venv < destroy, "Python, then jobs/.venv, then destroy");
    });

    it("the destroy step's environment holds the credential variable the provider and the cleanup read", () => {
        const destroy = destroySteps().find((s) => s.with?.command === "destroy")!;
        const credentials = CREDENTIAL_VARIABLES.filter((name) => destroy.env?.[name]);
        assert.deepStrictEqual(credentials, ["YC_SERVICE_ACCOUNT_KEY_FILE"]);
        assert.match(destroy.env!.YC_SERVICE_ACCOUNT_KEY_FILE, /runner\.temp/, "a key file outside the work tree");
    });
});
