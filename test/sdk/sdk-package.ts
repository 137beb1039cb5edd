// What the committed SDK, its generator's include list and the project files say about @pulumi/yandex.
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

export const repoRoot = path.resolve(__dirname, "..", "..");
export const sdkDir = path.join(repoRoot, "sdks", "yandex");
export const includeListPath = path.join(repoRoot, "tools", "yandex-sdk", "include.txt");

export interface IncludedType {
    kind: "resource" | "data";
    terraformName: string;
}

export interface SdkPackageJson {
    name: string;
    version: string;
    main: string;
    dependencies: Record<string, string>;
    pulumi: {
        resource: boolean;
        name: string;
        version: string;
        parameterization: { name: string; version: string; value: string };
    };
}

export function readJson<T>(file: string): T {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
}

/** Parses the generator's include list: `resource NAME` or `data NAME` lines, `#` comments. */
export function parseIncludeList(text: string): IncludedType[] {
    return text
        .split("\n")
        .map((line) => line.replace(/#.*/, "").trim())
        .filter((line) => line !== "")
        .map((line) => {
            const [kind, terraformName, ...rest] = line.split(/\s+/);
            if ((kind !== "resource" && kind !== "data") || !terraformName || rest.length > 0) {
                throw new Error(`include list: bad line ${JSON.stringify(line)}`);
            }
            return { kind, terraformName };
        });
}

export function readIncludeList(): IncludedType[] {
    return parseIncludeList(fs.readFileSync(includeListPath, "utf8"));
}

/**
 * The Pulumi token the `terraform-provider` plugin gives a Terraform type: one `index` module,
 * the name without the `yandex_` prefix in camelCase; resources are PascalCase, data sources `getX`.
 */
export function expectedToken(type: IncludedType): { exportName: string; token: string } {
    const camel = type.terraformName
        .replace(/^yandex_/, "")
        .replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    const pascal = camel[0].toUpperCase() + camel.slice(1);
    if (type.kind === "data") {
        const fn = `get${pascal}`;
        return { exportName: fn, token: `yandex:index/${fn}:${fn}` };
    }
    return { exportName: pascal, token: `yandex:index/${camel}:${pascal}` };
}

export interface PulumiYamlPackage {
    source: string;
    version: string;
    parameters: string[];
}

export function readPulumiYamlPackage(name: string): PulumiYamlPackage {
    const project = yaml.load(fs.readFileSync(path.join(repoRoot, "Pulumi.yaml"), "utf8")) as {
        packages?: Record<string, PulumiYamlPackage>;
    };
    const entry = project.packages?.[name];
    if (!entry) {
        throw new Error(`Pulumi.yaml has no packages.${name} entry`);
    }
    // YAML reads bare versions such as 1.4 as numbers: compare them as the strings Pulumi uses.
    return { source: entry.source, version: String(entry.version), parameters: entry.parameters.map(String) };
}
