import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

/**
 * The package's public API, read from its entry points with the TypeScript
 * compiler (nothing is packed): for each entry point, every exported name with
 * its declared kind, and whether it is exported as a type only. The snapshot
 * in test/fixtures/public-api.json is checked in, so a change to the API (a
 * name lost or added, a class that became an interface, a value export that
 * became type-only) shows up in review, and a pure move of files provably
 * changes nothing.
 *
 * After an intended API change, regenerate the snapshot with
 * `PUBLIC_API_UPDATE=1 npx mocha test/publicApi.test.ts`, and say so in the CHANGELOG.
 */
const ROOT = path.resolve(__dirname, "..");
const SNAPSHOT = path.join(ROOT, "test", "fixtures", "public-api.json");

/** The entry points of package.json's `exports` (`.`, `./eks`, `./testing`), as sources. */
export const ENTRY_POINTS = [
    "components/index.ts",
    "components/eks.ts",
    "components/testing/index.ts",
];

/** One exported name → its declared kind, prefixed `type-only ` when exported with `export type`. */
export type ApiSnapshot = Record<string, Record<string, string>>;

/** The kind of one declaration, as a reader would name it. */
function declarationKind(decl: ts.Declaration): string {
    if (ts.isClassDeclaration(decl)) {
        return "class";
    }
    if (ts.isInterfaceDeclaration(decl)) {
        return "interface";
    }
    if (ts.isTypeAliasDeclaration(decl)) {
        return "type";
    }
    if (ts.isFunctionDeclaration(decl)) {
        return "function";
    }
    if (ts.isEnumDeclaration(decl)) {
        return "enum";
    }
    if (ts.isModuleDeclaration(decl)) {
        return "namespace";
    }
    if (ts.isVariableDeclaration(decl)) {
        const flags = ts.getCombinedNodeFlags(decl);
        return flags & ts.NodeFlags.Const ? "const" : flags & ts.NodeFlags.Let ? "let" : "var";
    }
    return ts.SyntaxKind[decl.kind];
}

/**
 * Whether `symbol` reaches its declaration through an `export type` (or
 * `import type`) anywhere along its chain of re-exports.
 */
function isTypeOnlyExport(checker: ts.TypeChecker, symbol: ts.Symbol): boolean {
    const seen = new Set<ts.Symbol>();
    let current = symbol;
    while (current.flags & ts.SymbolFlags.Alias && !seen.has(current)) {
        seen.add(current);
        if ((current.declarations ?? []).some((d) => ts.isTypeOnlyImportOrExportDeclaration(d))) {
            return true;
        }
        current = checker.getImmediateAliasedSymbol(current) ?? current;
    }
    return false;
}

/** Reads the public API of `entryPoints` (paths relative to the repository root). */
export function readPublicApi(entryPoints: readonly string[] = ENTRY_POINTS): ApiSnapshot {
    const configFile = path.join(ROOT, "tsconfig.lib.json");
    const config = ts.getParsedCommandLineOfConfigFile(
        configFile,
        {},
        {
            ...ts.sys,
            onUnRecoverableConfigFileDiagnostic: (d) => {
                throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
            },
        },
    );
    assert.ok(config, "tsconfig.lib.json is readable");
    const files = entryPoints.map((e) => path.join(ROOT, e));
    const program = ts.createProgram(files, { ...config.options, noEmit: true });
    const checker = program.getTypeChecker();
    const snapshot: ApiSnapshot = {};
    for (const entry of entryPoints) {
        const source = program.getSourceFile(path.join(ROOT, entry));
        assert.ok(source, `${entry} is part of the program`);
        const moduleSymbol = checker.getSymbolAtLocation(source);
        assert.ok(moduleSymbol, `${entry} is a module`);
        const exports: Record<string, string> = {};
        const symbols = checker
            .getExportsOfModule(moduleSymbol)
            .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        for (const symbol of symbols) {
            const target =
                symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
            const kinds = [...new Set((target.declarations ?? []).map(declarationKind))].sort();
            const typeOnly = isTypeOnlyExport(checker, symbol);
            exports[symbol.name] = `${typeOnly ? "type-only " : ""}${kinds.join("+") || "unknown"}`;
        }
        snapshot[entry] = exports;
    }
    return snapshot;
}

describe("public API (pure)", function () {
    // One compiler program over the package's sources: a few seconds on a shared machine.
    this.timeout(60000);
    let cached: ApiSnapshot | undefined;
    const api = () => (cached ??= readPublicApi());

    it("exports from `.`, `./eks` and `./testing` exactly the names and kinds of test/fixtures/public-api.json", () => {
        const actual = api();
        if (process.env.PUBLIC_API_UPDATE === "1") {
            fs.writeFileSync(SNAPSHOT, JSON.stringify(actual, null, 4) + "\n");
        }
        const expected = JSON.parse(fs.readFileSync(SNAPSHOT, "utf8")) as ApiSnapshot;
        assert.deepEqual(actual, expected);
    });

    it("reads every name with a known kind, and tells type-only exports apart", () => {
        const read = api();
        for (const [entry, names] of Object.entries(read)) {
            assert.ok(Object.keys(names).length > 0, `${entry} exports something`);
            for (const [name, kind] of Object.entries(names)) {
                assert.match(
                    kind,
                    /^(type-only )?(class|interface|type|function|enum|namespace|const|let|var)(\+\w+)*$/,
                    `${entry}: ${name}`,
                );
            }
        }
        // Anchors, so a reader that silently returned nothing or lost the aliases would fail here.
        assert.equal(read["components/index.ts"].ScalableService, "class");
        assert.equal(read["components/index.ts"].ScalableServiceArgs, "type-only interface");
        assert.equal(read["components/eks.ts"].EksCluster, "class");
        assert.equal(read["components/testing/index.ts"].installMocks, "function");
    });
});
