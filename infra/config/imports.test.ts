// infra/config owns the configuration: it imports nothing from other infra modules (they import it).
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

describe("infra/config imports", () => {
    it("no module of infra/config imports another infra module", () => {
        const offenders = fs.readdirSync(__dirname)
            .filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"))
            .flatMap((name) => [...fs.readFileSync(path.join(__dirname, name), "utf8").matchAll(/from "(\.\.\/[^"]+)"/g)].map((m) => `${name} -> ${m[1]}`));
        assert.deepStrictEqual(offenders, []);
    });
});
