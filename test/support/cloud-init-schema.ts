// Validates cloud-config documents against cloud-init's own JSON schema, taken from Debian's pinned
// cloud-init package that scripts/setup-validators.sh unpacks (no root needed once apt lists exist).
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import * as yaml from "js-yaml";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const SCHEMA_IN_PACKAGE = "usr/lib/python3/dist-packages/cloudinit/config/schemas/schema-cloud-config-v1.json";

export type CloudConfigValidator = (text: string) => string[];

export function loadCloudConfigValidator(): CloudConfigValidator {
    const output = execFileSync(path.join(REPO_ROOT, "scripts/setup-validators.sh"), { cwd: REPO_ROOT, encoding: "utf8" });
    const packageRoot = path.resolve(REPO_ROOT, output.trim().split("\n").pop() ?? "");
    const schema = JSON.parse(fs.readFileSync(path.join(packageRoot, SCHEMA_IN_PACKAGE), "utf8"));
    // cloud-init's schema carries its own annotation keywords (deprecated, changed, ...): not strict.
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    return (text) => {
        if (!text.startsWith("#cloud-config\n")) return ["the first line must be #cloud-config"];
        if (validate(yaml.load(text))) return [];
        return (validate.errors ?? []).map((error) => `${error.instancePath || "/"} ${error.message}`);
    };
}
