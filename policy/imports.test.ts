// The pack `pulumi preview --policy-pack policy` loads is policy code plus the program's own modules
// (config parsers, estimator); it never reaches the developer tools (tools/) or the tests' helpers.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const REPO_ROOT = path.resolve(__dirname, "..");

function resolveLocal(from: string, specifier: string): string | undefined {
    if (!specifier.startsWith(".")) return undefined; // packages from node_modules
    const base = path.resolve(path.dirname(from), specifier);
    return [`${base}.ts`, path.join(base, "index.ts")].find((file) => fs.existsSync(file));
}

/** Every local module reachable from `entry` through static imports and re-exports. */
export function localImportGraph(entry: string): Set<string> {
    const seen = new Set<string>();
    const visit = (file: string) => {
        if (seen.has(file)) return;
        seen.add(file);
        for (const imported of ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true).importedFiles) {
            const target = resolveLocal(file, imported.fileName);
            if (target) visit(target);
        }
    };
    visit(entry);
    return seen;
}

describe("what the policy pack imports", () => {
    it("nothing under tools/ or test/, starting from policy/index.ts", () => {
        const graph = [...localImportGraph(path.join(__dirname, "index.ts"))].map((file) => path.relative(REPO_ROOT, file));
        assert.ok(graph.includes(path.join("infra", "cost", "estimate.ts")), "the graph walk must reach the estimator");
        const outside = graph.filter((file) => /^(tools|test)\//.test(file));
        assert.deepStrictEqual(outside, [], "the pack must not import developer tools or test helpers");
    });
});
