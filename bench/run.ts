import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { compileBench, ensureCompiledProgram } from "./build";
import { loadSamples, log } from "./child";
import { ROOT } from "./common";
import { BenchReport, checkBudgets, formatReport } from "./format";
import { checkEquivalence, measureScale, measureStartup, measureUnitSuite } from "./measurements";
import { BudgetCheck, median, ms, round } from "./report";

/**
 * `npm run bench`: issue 6's benchmark, in one run, every measurement in a
 * fresh (cold) child process, repeated and reported as the median:
 *
 * 1. start-up: each stack's program evaluated under mocks, compiled
 *    (bin/index.js, what `pulumi up` runs) versus through ts-node with
 *    type-checking (what Pulumi runs when `typescript` is on);
 * 2. scale: N services registered through ScalableService versus the same
 *    bare objects (bench/scale.ts): time, peak RSS, and cost per service;
 * 3. the unit suite's wall time (`mocha`, as `npm run unit` runs it).
 *
 * It prints a table, writes bench/results.json, and exits 1 when a budget is
 * missed (2 when the benchmark itself could not run).
 *
 * Options: --runs <n> (default 3), --sizes <n,n,...> (default 1,10,100,500),
 * --out <file> (default bench/results.json), --no-unit (skip the unit suite).
 */

interface Options {
    runs: number;
    sizes: number[];
    out: string;
    unit: boolean;
}

function parseOptions(argv: string[]): Options {
    const options: Options = {
        runs: 3,
        sizes: [1, 10, 100, 500],
        out: path.join(ROOT, "bench", "results.json"),
        unit: true,
    };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = () => {
            const v = argv[++i];
            if (v === undefined) {
                throw new Error(`${arg} needs a value`);
            }
            return v;
        };
        if (arg === "--runs") {
            options.runs = Number(value());
            if (!Number.isInteger(options.runs) || options.runs < 1) {
                throw new Error(`--runs (${argv[i]}) must be a positive integer`);
            }
        } else if (arg === "--sizes") {
            const raw = value();
            options.sizes = raw.split(",").map(Number);
            if (!options.sizes.every((n) => Number.isInteger(n) && n >= 1)) {
                throw new Error(`--sizes (${raw}) must be positive integers, comma-separated`);
            }
            if (!options.sizes.includes(1)) {
                options.sizes.unshift(1);
            }
        } else if (arg === "--out") {
            options.out = path.resolve(value());
        } else if (arg === "--no-unit") {
            options.unit = false;
        } else {
            throw new Error(`unknown option ${arg}`);
        }
    }
    return options;
}

/** Runs the three measurements, each in fresh children, with a scratch directory for their files. */
async function measureAll(options: Options): Promise<BenchReport> {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "orchestration-bench-"));
    try {
        log(`start-up (${options.runs} runs per stack and path):`);
        const startup = await measureStartup(options.runs);
        log("scale: checking that the bare baseline registers what ScalableService does");
        const { objectsPerService } = await checkEquivalence(tmp);
        log(`scale (${options.runs} runs per N and variant):`);
        const scale = await measureScale(options.runs, options.sizes, tmp);
        const unit = options.unit ? await measureUnitSuite(tmp) : undefined;
        const cpus = os.cpus();
        return {
            date: new Date().toISOString(),
            machine: {
                cpus: cpus.length,
                cpuModel: cpus[0]?.model ?? "unknown",
                memoryGb: round(os.totalmem() / 1e9, 1),
                node: process.version,
                platform: `${os.platform()} ${os.arch()}`,
            },
            runs: options.runs,
            load: { max: round(Math.max(...loadSamples)), median: round(median(loadSamples)) },
            startup,
            objectsPerService,
            scale,
            unit,
        };
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}

/** Writes the results as JSON, formatted as the repository's Prettier config would, so `prettier --check bench` stays clean. */
async function writeResults(out: string, results: Record<string, unknown>): Promise<void> {
    const prettier = await import("prettier");
    const prettierOptions = (await prettier.resolveConfig(out)) ?? {};
    fs.writeFileSync(
        out,
        await prettier.format(JSON.stringify(results), { ...prettierOptions, parser: "json" }),
    );
}

async function main(): Promise<number> {
    const options = parseOptions(process.argv.slice(2));
    const started = Date.now();
    log("preparing: the compiled program (bin/) and the benchmark's own build");
    const build = ensureCompiledProgram();
    const benchCompileMs = compileBench();
    const report = await measureAll(options);
    const checks: BudgetCheck[] = checkBudgets(report);
    process.stdout.write(`${formatReport(report, checks)}\n`);

    const { date, machine, runs, load, startup, objectsPerService, scale, unit } = report;
    const totalMs = Date.now() - started;
    await writeResults(options.out, {
        date,
        machine,
        runs,
        load,
        totalMs,
        build: { ...build, benchCompileMs },
        startup,
        scale: { objectsPerService, rows: scale },
        unitSuite: unit ?? null,
        budgets: checks,
    });
    process.stdout.write(`\nwrote ${path.relative(ROOT, options.out)} (${ms(totalMs)} in all)\n`);

    const missed = checks.filter((c) => c.met === false);
    if (missed.length > 0) {
        process.stderr.write(
            `\nbudget missed: ${missed.map((c) => `${c.name} is ${c.actual}, budget ${c.limit}`).join("; ")}\n`,
        );
        return 1;
    }
    return 0;
}

main().then(
    (code) => process.exit(code),
    (err: unknown) => {
        process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(2);
    },
);
