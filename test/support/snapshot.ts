// File snapshots. A missing snapshot is written on a developer run and is an error under CI (CI=true),
// so a snapshot is never silently created where nobody reviews it. Accept an intended change with
// UPDATE_SNAPSHOTS=1.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

export function matchSnapshotFile(file: string, actual: string): void {
    if (process.env.UPDATE_SNAPSHOTS === "1" || (!fs.existsSync(file) && process.env.CI !== "true")) {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, actual);
        return;
    }
    assert.ok(fs.existsSync(file), `snapshot ${file} is missing; run the tests with UPDATE_SNAPSHOTS=1 and commit it`);
    assert.strictEqual(actual, fs.readFileSync(file, "utf8"), `rendered output differs from ${file} (UPDATE_SNAPSHOTS=1 to accept)`);
}
