// Builds (once; Go's build cache makes repeats fast) and runs the compose-spec validator of ../compose-validator.
import { execFileSync } from "child_process";
import * as path from "path";

const SOURCE = path.resolve(__dirname, "../compose-validator");
const BINARY = path.resolve(__dirname, "../../../../.local/bin/compose-validator");

export function buildComposeValidator(): string {
    execFileSync("go", ["build", "-o", BINARY, "."], { cwd: SOURCE, stdio: ["ignore", "inherit", "inherit"] });
    return BINARY;
}

export interface ValidationResult {
    readonly ok: boolean;
    readonly output: string;
}

/** Loads the compose file as Docker Compose does; returns the resolved project JSON or the loader's error. */
export function validateCompose(binary: string, composeFile: string): ValidationResult {
    try {
        return { ok: true, output: execFileSync(binary, [composeFile], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }) };
    } catch (error) {
        const failure = error as { stderr?: string };
        return { ok: false, output: String(failure.stderr ?? error) };
    }
}
