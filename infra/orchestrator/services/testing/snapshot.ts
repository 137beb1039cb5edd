// Snapshots of this folder live in ../__snapshots__; the matching rules are the shared ones (test/support/snapshot.ts).
import * as path from "path";
import { matchSnapshotFile } from "../../../../test/support/snapshot";

export function matchSnapshot(name: string, actual: string): void {
    matchSnapshotFile(path.resolve(__dirname, "../__snapshots__", name), actual);
}
