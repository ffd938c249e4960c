import * as fs from "fs";
import * as path from "path";

/**
 * What the benchmark's parent (bench/run.ts) and its child processes
 * (bench/evaluate.ts, bench/scale.ts) share: paths, the result shapes the
 * children print, and the line prefix that marks a result on stdout.
 */

/** The project root: the nearest directory above `from` that holds Pulumi.yaml. */
export function findRoot(from: string): string {
    let dir = from;
    while (!fs.existsSync(path.join(dir, "Pulumi.yaml"))) {
        const up = path.dirname(dir);
        if (up === dir) {
            throw new Error(`no Pulumi.yaml above ${from}`);
        }
        dir = up;
    }
    return dir;
}

/**
 * The project root. The parent runs from bench/ (ts-node); the children run
 * compiled, from BUILD_DIR/bench, which is inside the project's node_modules.
 */
export const ROOT = findRoot(__dirname);

/**
 * Where `tsc -p bench/tsconfig.json` writes the compiled benchmark. Inside
 * node_modules/.cache, so it is never committed, linted or formatted, and
 * `require` still resolves the project's node_modules from it.
 */
export const BUILD_DIR = path.join(ROOT, "node_modules", ".cache", "orchestration-bench");

/** Children print one line starting with this, followed by their result as JSON. */
export const RESULT_PREFIX = "BENCH_RESULT ";

/** The two ways Pulumi can start the program. */
export type StartPath = "compiled" | "typecheck";

/** What bench/evaluate.ts reports for one cold evaluation of one stack. */
export interface EvaluateResult {
    path: StartPath;
    stack: string;
    /** Resources registered: the program really ran. */
    resources: number;
    /** Loading the program's entry point (and type-checking it, on the typecheck path). */
    loadMs: number;
    /** Running it to resolved outputs with every registration settled. */
    runMs: number;
    /** From process start to the end (as the child measures it). */
    sinceStartMs: number;
    /** CPU time (user + system, every thread) from process start to the end. */
    cpuMs: number;
    /** Peak resident set size, in KiB. */
    maxRssKb: number;
}

/** The two ways the scale benchmark registers N services. */
export type ScaleVariant = "scalable" | "bare";

/** What bench/scale.ts reports for N services registered one way. */
export interface ScaleResult {
    variant: ScaleVariant;
    n: number;
    /** Every resource registered (including the provider and, for ScalableService, the components). */
    resources: number;
    /** Registering N services until every registration reached the mocks: wall time. */
    registerMs: number;
    /** The same span's CPU time (user + system, every thread): what contention doesn't inflate. */
    registerCpuMs: number;
    /** Resident set size before registering, in KiB. */
    baseRssKb: number;
    /** Peak resident set size of the process, in KiB. */
    maxRssKb: number;
}

/** One registered object, as the N = 1 runs dump it to prove both variants register the same. */
export interface DumpedObject {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    /** Names (not URNs) of what it depends on, sorted. */
    dependencies: string[];
    provider: boolean;
}

/** The last `::` segment of a URN: the resource's name. */
export function urnName(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

/** CPU time (user + system) since `since`, or since process start, in ms. */
export function cpuMs(since?: NodeJS.CpuUsage): number {
    const u = process.cpuUsage(since);
    return (u.user + u.system) / 1000;
}

/** Writes the result line a child reports to its parent. */
export function report(result: object): void {
    process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

/** Runs a child process's main: exit 0 when it resolves, print the error and exit 1 when it throws. */
export function runChild(main: () => Promise<void>): void {
    main()
        .then(() => process.exit(0))
        .catch((err: unknown) => {
            console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
            process.exit(1);
        });
}
