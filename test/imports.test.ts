import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

/**
 * Imports flow one way: index.ts → program/ → components/, with no cycles.
 * The graph holds every relative import the TypeScript scanner sees (type-only
 * imports, re-exports and literal dynamic imports included) between the .ts
 * files of index.ts, program/ and components/.
 */
const ROOT = path.resolve(__dirname, "..");
const SCOPES = ["index.ts", "program", "components"];

/** File → the files it imports, as paths relative to the repository root. */
type ImportGraph = Map<string, string[]>;

function sourceFiles(entry: string): string[] {
    const full = path.join(ROOT, entry);
    if (fs.statSync(full).isFile()) {
        return [entry];
    }
    return fs
        .readdirSync(full, { withFileTypes: true })
        .flatMap((d) =>
            d.isDirectory()
                ? sourceFiles(path.join(entry, d.name))
                : d.name.endsWith(".ts") && !d.name.endsWith(".d.ts")
                  ? [path.join(entry, d.name)]
                  : [],
        );
}

/** Resolves a relative specifier to a file of the graph: `x.ts` or `x/index.ts`. */
function resolveImport(from: string, specifier: string): string | undefined {
    const base = path.join(path.dirname(from), specifier);
    return [`${base}.ts`, path.join(base, "index.ts"), base].find(
        (candidate) => candidate.endsWith(".ts") && fs.existsSync(path.join(ROOT, candidate)),
    );
}

function importGraph(): ImportGraph {
    const graph: ImportGraph = new Map();
    for (const file of SCOPES.flatMap(sourceFiles).sort()) {
        const text = fs.readFileSync(path.join(ROOT, file), "utf8");
        const imported = ts
            .preProcessFile(text, true, true)
            .importedFiles.map((f) => f.fileName)
            .filter((spec) => spec.startsWith("."))
            .map((spec) => resolveImport(file, spec))
            .filter((f): f is string => f !== undefined);
        graph.set(file, [...new Set(imported)].sort());
    }
    return graph;
}

/** Every cycle found by a depth-first walk, each as the path that closes it. */
export function findCycles(graph: ImportGraph): string[][] {
    const cycles: string[][] = [];
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const visit = (file: string) => {
        state.set(file, "open");
        stack.push(file);
        for (const next of graph.get(file) ?? []) {
            if (state.get(next) === "open") {
                cycles.push([...stack.slice(stack.indexOf(next)), next]);
            } else if (!state.has(next)) {
                visit(next);
            }
        }
        stack.pop();
        state.set(file, "done");
    };
    for (const file of graph.keys()) {
        if (!state.has(file)) {
            visit(file);
        }
    }
    return cycles;
}

/** The layer of a file: 0 for index.ts, 1 for program/, 2 for components/. */
function layer(file: string): number {
    return file === "index.ts" ? 0 : file.startsWith(`program${path.sep}`) ? 1 : 2;
}

describe("import graph (pure)", () => {
    const graph = importGraph();

    it("reads the imports of index.ts, program/ and components/", () => {
        assert.ok(graph.size >= 20, `found ${graph.size} files`);
        assert.ok(graph.get("index.ts")?.includes(path.join("program", "config.ts")));
    });

    it("has no import cycle in program/ and components/", () => {
        const cycles = findCycles(graph).map((c) => c.join(" → "));
        assert.deepEqual(cycles, [], `import cycles:\n  ${cycles.join("\n  ")}`);
    });

    it("imports only downwards: index.ts → program/ → components/", () => {
        const upward = [...graph].flatMap(([file, imports]) =>
            imports.filter((to) => layer(to) < layer(file)).map((to) => `${file} → ${to}`),
        );
        assert.deepEqual(upward, []);
    });

    it("finds a cycle when there is one (the walker itself)", () => {
        const crafted: ImportGraph = new Map([
            ["program/app.ts", ["program/config.ts"]],
            ["program/config.ts", ["components/capacity.ts", "program/app.ts"]],
            ["components/capacity.ts", []],
        ]);
        assert.deepEqual(findCycles(crafted), [
            ["program/app.ts", "program/config.ts", "program/app.ts"],
        ]);
    });
});
