import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

/**
 * Imports flow one way: index.ts → program/ → components/, with no cycles.
 * The graph holds every relative import the TypeScript scanner sees (type-only
 * imports, re-exports and literal dynamic imports included) between the .ts
 * files of index.ts, program/ and components/. Inside components/, each
 * component's folder imports only its own files and shared/ (FOLDER_IMPORTS).
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

/**
 * What each folder of components/ may import, besides itself: a component's
 * folder reaches only shared/, never another component's folder, so each
 * component can move or ship on its own. The entry points (components/index.ts,
 * components/eks.ts) re-export from any folder.
 */
export const FOLDER_IMPORTS: Record<string, readonly string[]> = {
    shared: [],
    "scalable-service": ["shared"],
    "eks-cluster": ["shared"],
    "pod-identity": ["shared"],
    // The component provider serves ScalableService to other languages.
    provider: ["scalable-service", "shared"],
    // The test kit stands alone: users import it without the components.
    testing: [],
};

/** The folder of components/ a file is in, or undefined for index.ts, program/ and the entry points. */
function componentFolder(file: string): string | undefined {
    const parts = file.split(path.sep);
    return parts[0] === "components" && parts.length > 2 ? parts[1] : undefined;
}

/** Imports from one folder of components/ into another that FOLDER_IMPORTS does not allow. */
export function folderViolations(graph: ImportGraph): string[] {
    return [...graph].flatMap(([file, imports]) => {
        const from = componentFolder(file);
        if (from === undefined) {
            return [];
        }
        const allowed = [from, ...(FOLDER_IMPORTS[from] ?? [])];
        return imports
            .filter((to) => !allowed.includes(componentFolder(to) ?? ""))
            .map((to) => `${file} → ${to}`);
    });
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

    it("gives every folder of components/ a rule", () => {
        const folders = fs
            .readdirSync(path.join(ROOT, "components"), { withFileTypes: true })
            .filter((d) => d.isDirectory())
            .map((d) => d.name)
            .sort();
        assert.deepEqual(folders, Object.keys(FOLDER_IMPORTS).sort());
    });

    it("keeps each component's folder apart: it imports only its own folder and shared/", () => {
        assert.deepEqual(folderViolations(graph), []);
    });

    it("finds an import from one component's folder into another's (the rule itself)", () => {
        const crafted: ImportGraph = new Map([
            [
                path.join("components", "eks-cluster", "config.ts"),
                [
                    path.join("components", "shared", "validation.ts"),
                    path.join("components", "scalable-service", "args.ts"),
                ],
            ],
            [
                path.join("components", "eks.ts"),
                [path.join("components", "pod-identity", "component.ts")],
            ],
            [path.join("components", "shared", "validation.ts"), []],
        ]);
        assert.deepEqual(folderViolations(crafted), [
            `${path.join("components", "eks-cluster", "config.ts")} → ${path.join("components", "scalable-service", "args.ts")}`,
        ]);
    });

    it("finds a cycle when there is one (the walker itself)", () => {
        const crafted: ImportGraph = new Map([
            ["program/app.ts", ["program/config.ts"]],
            ["program/config.ts", ["components/eks-cluster/capacity.ts", "program/app.ts"]],
            ["components/eks-cluster/capacity.ts", []],
        ]);
        assert.deepEqual(findCycles(crafted), [
            ["program/app.ts", "program/config.ts", "program/app.ts"],
        ]);
    });
});
