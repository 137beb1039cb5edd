// Reading and hashing the files the provisioning steps ship. The hashes go into command `triggers`, so a
// changed file re-runs its step and an unchanged tree does not (a command only re-runs on input changes).
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

/** Same rule as is_source_file in scripts/local/deploy_code.py: everything but caches and build metadata. */
export function isSourceFile(relPath: string): boolean {
    const parts = relPath.split("/");
    return !parts.includes("__pycache__") && !parts.some((p) => p.endsWith(".egg-info")) && !relPath.endsWith(".pyc");
}

/** Files under `dir` (relative POSIX paths -> content), sorted, without caches; empty when `dir` is absent. */
export function readTree(dir: string): Record<string, string> {
    const files: Record<string, string> = {};
    const walk = (rel: string) => {
        const full = path.join(dir, rel);
        for (const entry of fs.readdirSync(full, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
            const child = rel ? `${rel}/${entry.name}` : entry.name;
            if (entry.isDirectory()) walk(child);
            else if (entry.isFile() && isSourceFile(child)) files[child] = fs.readFileSync(path.join(dir, child), "utf8");
        }
    };
    if (fs.existsSync(dir)) walk("");
    return files;
}

/** One SHA-256 over names and contents: renaming a file changes it as much as editing one. */
export function hashTree(files: Readonly<Record<string, string>>): string {
    const hash = crypto.createHash("sha256");
    for (const name of Object.keys(files).sort()) hash.update(`${name}\0${files[name]}\0`);
    return hash.digest("hex");
}

/** Name -> SHA-256 of each file: as a trigger, a preview's diff names the files that changed. */
export function fileHashes(files: Readonly<Record<string, string>>): Record<string, string> {
    return Object.fromEntries(Object.keys(files).sort().map((name) => [name, sha256(files[name])]));
}

export function sha256(text: string): string {
    return crypto.createHash("sha256").update(text).digest("hex");
}
