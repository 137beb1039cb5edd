// File snapshots under __snapshots__/ next to the tests. A missing snapshot is written on a developer run and
// is an error under CI (CI=true), so a snapshot can never be silently created where nobody reviews it.
// Refresh after an intended change: UPDATE_SNAPSHOTS=1 npx mocha infra/orchestrator/services/*.test.ts
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const DIR = path.resolve(__dirname, "../__snapshots__");

export function matchSnapshot(name: string, actual: string): void {
    const file = path.join(DIR, name);
    if (process.env.UPDATE_SNAPSHOTS === "1" || (!fs.existsSync(file) && process.env.CI !== "true")) {
        fs.mkdirSync(DIR, { recursive: true });
        fs.writeFileSync(file, actual);
        return;
    }
    assert.ok(fs.existsSync(file), `snapshot ${file} is missing; run the tests with UPDATE_SNAPSHOTS=1 and commit it`);
    assert.strictEqual(actual, fs.readFileSync(file, "utf8"), `rendered output differs from ${file} (UPDATE_SNAPSHOTS=1 to accept)`);
}
