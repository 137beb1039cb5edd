// The generated SDK's types accept realistic arguments and reject misspelled ones.
import * as assert from "assert";
import * as path from "path";
import * as ts from "typescript";

const fixture = path.join(__dirname, "fixtures", "all-resources.ts");

const parsedLibraries = new Map<string, ts.SourceFile | undefined>();

const compilerOptions: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    types: ["node"],
};

/** Type-checks the fixture, optionally with one text replacement, and returns the diagnostics' messages. */
function typeCheck(host: ts.CompilerHost, replace?: { from: string; to: string }): string[] {
    const readFile = host.readFile.bind(host);
    const variantHost: ts.CompilerHost = {
        ...host,
        readFile: (file) => {
            const text = readFile(file);
            if (!replace || path.resolve(file) !== fixture || text === undefined) {
                return text;
            }
            assert.strictEqual(text.split(replace.from).length, 2, `fixture must contain ${replace.from} once`);
            return text.replace(replace.from, replace.to);
        },
        getSourceFile: (file, languageVersion) => {
            if (path.resolve(file) === fixture) {
                const text = variantHost.readFile(file);
                return text === undefined ? undefined : ts.createSourceFile(file, text, languageVersion, true);
            }
            // Library declarations are the same for every variant: parse them once.
            let parsed = parsedLibraries.get(file);
            if (!parsed) {
                parsed = host.getSourceFile(file, languageVersion);
                parsedLibraries.set(file, parsed);
            }
            return parsed;
        },
    };
    const program = ts.createProgram([fixture], compilerOptions, variantHost);
    return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

describe("@pulumi/yandex types (compile fixture)", function () {
    this.timeout(60000);
    const host = ts.createCompilerHost(compilerOptions, true);

    it("accept every included resource with realistic arguments", () => {
        assert.deepStrictEqual(typeCheck(host), []);
    });

    it("reject a misspelled top-level argument", () => {
        const messages = typeCheck(host, { from: "deletionProtection: false,\n    });", to: "deletionProtecton: false,\n    });" });
        assert.strictEqual(messages.length, 1, messages.join("\n"));
        assert.match(messages[0], /'deletionProtecton' does not exist in type 'KmsSymmetricKeyArgs'/);
    });

    it("reject a misspelled nested argument", () => {
        const messages = typeCheck(host, { from: "coreFraction: 50", to: "coreFracton: 50" });
        assert.strictEqual(messages.length, 1, messages.join("\n"));
        assert.match(messages[0], /'coreFracton' does not exist in type 'Input<ComputeInstanceResources>'/);
    });
});
