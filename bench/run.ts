import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { OPERATOR_CONFIG, stackConfig, STACKS } from "../test/stacks";
import {
    BUILD_DIR,
    DumpedObject,
    EvaluateResult,
    RESULT_PREFIX,
    ROOT,
    ScaleResult,
    ScaleVariant,
    StartPath,
} from "./common";
import { compileBench, ensureCompiledProgram } from "./build";
import { BudgetCheck, BUDGETS, formatBudgets, mb, median, ms, round, table } from "./report";

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

const log = (line: string) => process.stderr.write(`${line}\n`);

/** A child's wall time and output. */
interface ChildRun {
    wallMs: number;
    code: number | null;
    stdout: string;
    stderr: string;
}

/** The 1-minute load average before each measured child: others' work inflates wall times. */
const loadSamples: number[] = [];

function runChild(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ChildRun> {
    loadSamples.push(os.loadavg()[0]);
    return new Promise((resolve, reject) => {
        const start = process.hrtime.bigint();
        const child = spawn(process.execPath, args, {
            cwd: ROOT,
            env: { ...process.env, ...env },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => {
            const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
            resolve({ wallMs, code, stdout, stderr });
        });
    });
}

/** The child's result line, or an error that shows what the child said. */
function resultOf<T>(run: ChildRun, what: string): T {
    const line = run.stdout.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
    if (run.code !== 0 || !line) {
        throw new Error(
            `${what} failed (exit ${run.code}):\n${run.stderr.trim() || run.stdout.trim()}`,
        );
    }
    return JSON.parse(line.slice(RESULT_PREFIX.length)) as T;
}

const child = (name: string) => path.join(BUILD_DIR, "bench", `${name}.js`);

/** What the operator adds to an EKS stack before its first `pulumi up`. */
const deployConfig = (stack: string) => ({
    ...stackConfig(stack),
    ...(stack === "local" ? {} : OPERATOR_CONFIG),
});

interface StartupSide {
    /** Median wall time from spawn to exit. */
    medianMs: number;
    runsMs: number[];
    /** Median CPU time of the process. */
    cpuMs: number;
    maxRssKb: number;
}

interface StartupRow {
    stack: string;
    resources: number;
    compiled: StartupSide;
    typecheck: StartupSide;
    /** Type-checking ÷ compiled, median wall times. */
    speedup: number;
}

async function measureStartup(runs: number): Promise<StartupRow[]> {
    const walls: Record<string, Record<StartPath, number[]>> = {};
    const cpus: Record<string, Record<StartPath, number[]>> = {};
    const last: Record<string, Record<StartPath, EvaluateResult>> = {};
    for (let run = 1; run <= runs; run++) {
        for (const stack of STACKS) {
            walls[stack] ??= { compiled: [], typecheck: [] };
            cpus[stack] ??= { compiled: [], typecheck: [] };
            last[stack] ??= {} as Record<StartPath, EvaluateResult>;
            for (const startPath of ["compiled", "typecheck"] as const) {
                const r = await runChild([child("evaluate"), startPath, stack], {
                    BENCH_STACK_CONFIG: JSON.stringify(deployConfig(stack)),
                });
                const result = resultOf<EvaluateResult>(r, `evaluating ${stack} (${startPath})`);
                walls[stack][startPath].push(r.wallMs);
                cpus[stack][startPath].push(result.cpuMs);
                last[stack][startPath] = result;
                log(`  start-up ${stack} ${startPath} run ${run}/${runs}: ${ms(r.wallMs)}`);
            }
        }
    }
    return STACKS.map((stack) => {
        const summary = (p: StartPath): StartupSide => ({
            medianMs: round(median(walls[stack][p])),
            runsMs: walls[stack][p].map((x) => round(x)),
            cpuMs: round(median(cpus[stack][p])),
            maxRssKb: last[stack][p].maxRssKb,
        });
        const compiled = summary("compiled");
        const typecheck = summary("typecheck");
        if (last[stack].compiled.resources !== last[stack].typecheck.resources) {
            throw new Error(
                `${stack}: the compiled program registered ${last[stack].compiled.resources} resources, the sources ${last[stack].typecheck.resources}`,
            );
        }
        return {
            stack,
            resources: last[stack].compiled.resources,
            compiled,
            typecheck,
            speedup: round(typecheck.medianMs / compiled.medianMs),
        };
    });
}

interface ScaleSide {
    /** Median wall time of the registrations. */
    registerMs: number;
    runsMs: number[];
    /** Median CPU time of the registrations. */
    registerCpuMs: number;
    runsCpuMs: number[];
    /** Median peak RSS of the process. */
    maxRssKb: number;
    /** CPU ms per service. */
    perServiceCpuMs: number;
    /** Peak RSS above the RSS before registering, per service. */
    perServiceKb: number;
    resources: number;
}

interface ScaleRow {
    n: number;
    scalable: ScaleSide;
    bare: ScaleSide;
    /** ScalableService ÷ bare, CPU time (the budgeted time ratio). */
    cpuRatio: number;
    /** ScalableService ÷ bare, wall time (inflated by whatever else runs on the machine). */
    wallRatio: number;
    /** ScalableService ÷ bare, peak RSS. */
    rssRatio: number;
}

/** Records the template, and checks that both variants register identical objects at N = 1. */
async function checkEquivalence(tmp: string): Promise<{ objectsPerService: string[] }> {
    const template = path.join(tmp, "template.json");
    resultOrThrow(await runChild([child("scale"), "template", template]), "recording the template");
    const dumps: Record<ScaleVariant, string> = {
        scalable: path.join(tmp, "scalable-1.json"),
        bare: path.join(tmp, "bare-1.json"),
    };
    resultOf<ScaleResult>(
        await runChild([child("scale"), "scalable", "1", dumps.scalable]),
        "ScalableService N=1",
    );
    resultOf<ScaleResult>(
        await runChild([child("scale"), "bare", "1", template, dumps.bare]),
        "bare N=1",
    );
    const [a, b] = [dumps.scalable, dumps.bare].map(
        (f) => JSON.parse(fs.readFileSync(f, "utf8")) as DumpedObject[],
    );
    if (JSON.stringify(a) !== JSON.stringify(b)) {
        throw new Error(
            `the bare baseline does not register what ScalableService does; compare ${dumps.scalable} with ${dumps.bare}`,
        );
    }
    return { objectsPerService: a.map((o) => o.type) };
}

function resultOrThrow(run: ChildRun, what: string): void {
    if (run.code !== 0) {
        throw new Error(`${what} failed (exit ${run.code}):\n${run.stderr.trim()}`);
    }
}

async function measureScale(runs: number, sizes: number[], tmp: string): Promise<ScaleRow[]> {
    const template = path.join(tmp, "template.json");
    const results: Record<number, Record<ScaleVariant, ScaleResult[]>> = {};
    for (let run = 1; run <= runs; run++) {
        for (const n of sizes) {
            results[n] ??= { scalable: [], bare: [] };
            // Alternate which variant goes first, so drift favours neither.
            const order: ScaleVariant[] =
                run % 2 === 1 ? ["scalable", "bare"] : ["bare", "scalable"];
            for (const variant of order) {
                const args =
                    variant === "scalable"
                        ? [child("scale"), "scalable", String(n)]
                        : [child("scale"), "bare", String(n), template];
                const r = resultOf<ScaleResult>(await runChild(args), `${variant} N=${n}`);
                results[n][variant].push(r);
                log(
                    `  scale N=${n} ${variant} run ${run}/${runs}: ${ms(r.registerMs)} (CPU ${ms(r.registerCpuMs)}), peak RSS ${mb(r.maxRssKb)}`,
                );
            }
        }
    }
    return sizes.map((n) => {
        const side = (v: ScaleVariant): ScaleSide => {
            const rs = results[n][v];
            const registerCpuMs = median(rs.map((r) => r.registerCpuMs));
            const maxRssKb = median(rs.map((r) => r.maxRssKb));
            const baseRssKb = median(rs.map((r) => r.baseRssKb));
            return {
                registerMs: round(median(rs.map((r) => r.registerMs))),
                runsMs: rs.map((r) => round(r.registerMs)),
                registerCpuMs: round(registerCpuMs),
                runsCpuMs: rs.map((r) => round(r.registerCpuMs)),
                maxRssKb,
                perServiceCpuMs: round(registerCpuMs / n, 3),
                perServiceKb: round(Math.max(0, maxRssKb - baseRssKb) / n, 1),
                resources: rs[0].resources,
            };
        };
        const scalable = side("scalable");
        const bare = side("bare");
        return {
            n,
            scalable,
            bare,
            cpuRatio: round(scalable.registerCpuMs / bare.registerCpuMs, 3),
            wallRatio: round(scalable.registerMs / bare.registerMs, 3),
            rssRatio: round(scalable.maxRssKb / bare.maxRssKb, 3),
        };
    });
}

interface UnitSuite {
    wallMs: number;
    cpuMs: number | null;
    exitCode: number | null;
    summary: string;
}

async function measureUnitSuite(tmp: string): Promise<UnitSuite> {
    const cpuFile = path.join(tmp, "unit-cpu.json");
    const r = await runChild(["-r", child("cpuAtExit"), require.resolve("mocha/bin/mocha.js")], {
        BENCH_CPU_FILE: cpuFile,
    });
    const summary =
        r.stdout
            .split("\n")
            .reverse()
            .find((l) => l.startsWith("mocha:")) ?? "(no summary line)";
    const cpu = fs.existsSync(cpuFile)
        ? (JSON.parse(fs.readFileSync(cpuFile, "utf8")) as { cpuMs: number }).cpuMs
        : null;
    log(`  unit suite: ${ms(r.wallMs)} (CPU ${cpu === null ? "?" : ms(cpu)}), ${summary}`);
    return {
        wallMs: round(r.wallMs),
        cpuMs: cpu === null ? null : round(cpu),
        exitCode: r.code,
        summary,
    };
}

async function main(): Promise<number> {
    const options = parseOptions(process.argv.slice(2));
    const started = Date.now();
    log("preparing: the compiled program (bin/) and the benchmark's own build");
    const build = ensureCompiledProgram();
    const benchCompileMs = compileBench();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "orchestration-bench-"));

    log(`start-up (${options.runs} runs per stack and path):`);
    const startup = await measureStartup(options.runs);
    log("scale: checking that the bare baseline registers what ScalableService does");
    const equivalence = await checkEquivalence(tmp);
    log(`scale (${options.runs} runs per N and variant):`);
    const scale = await measureScale(options.runs, options.sizes, tmp);
    const unit = options.unit ? await measureUnitSuite(tmp) : undefined;
    fs.rmSync(tmp, { recursive: true, force: true });
    const load = {
        max: round(Math.max(...loadSamples)),
        median: round(median(loadSamples)),
    };

    // Budgets.
    const atN = scale.find((r) => r.n === BUDGETS.scaleRatioAt);
    const checks: BudgetCheck[] = [
        ...startup.map((s) => ({
            name: `start-up ${s.stack}: compiled ÷ type-checking speed-up`,
            limit: `>= ${BUDGETS.minStartupSpeedup}×`,
            actual: `${s.speedup}× (${ms(s.compiled.medianMs)} vs ${ms(s.typecheck.medianMs)})`,
            met: s.speedup >= BUDGETS.minStartupSpeedup,
        })),
        {
            name: `scale N=${BUDGETS.scaleRatioAt}: ScalableService ÷ bare, registration CPU time`,
            limit: `<= ${BUDGETS.maxScaleRatio}`,
            actual: atN ? `${atN.cpuRatio} (wall ${atN.wallRatio})` : "not measured",
            met: atN ? atN.cpuRatio <= BUDGETS.maxScaleRatio : null,
        },
        {
            name: `scale N=${BUDGETS.scaleRatioAt}: ScalableService ÷ bare, peak RSS`,
            limit: `<= ${BUDGETS.maxScaleRatio}`,
            actual: atN ? `${atN.rssRatio}` : "not measured",
            met: atN ? atN.rssRatio <= BUDGETS.maxScaleRatio : null,
        },
        {
            name: "unit suite wall time (and every test passing)",
            limit: `< ${BUDGETS.maxUnitSuiteMs / 1000} s`,
            actual: unit ? `${ms(unit.wallMs)}, ${unit.summary}` : "not measured",
            met: unit ? unit.exitCode === 0 && unit.wallMs < BUDGETS.maxUnitSuiteMs : null,
        },
    ];
    const budgets = formatBudgets(checks);

    // The table.
    const cpus = os.cpus();
    const machine = {
        cpus: cpus.length,
        cpuModel: cpus[0]?.model ?? "unknown",
        memoryGb: round(os.totalmem() / 1e9, 1),
        node: process.version,
        platform: `${os.platform()} ${os.arch()}`,
    };
    const objects = equivalence.objectsPerService.length;
    // The benchmark's own child keeps about one CPU busy (plus GC threads); more means others ran too.
    const busy = load.max > machine.cpus + 1;
    const text = [
        `npm run bench: ${new Date().toISOString()}, ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}; median of ${options.runs} cold runs; load average ${load.median} (max ${load.max})`,
        ...(busy
            ? [
                  `WARNING: the machine was busy (load average up to ${load.max} on ${machine.cpus} CPUs): other processes inflated the wall times. CPU times are still comparable; re-run on an idle machine for wall times.`,
              ]
            : []),
        "",
        "Start-up: a fresh process evaluates the stack's program under mocks (process start to exit)",
        table([
            [
                "stack",
                "resources",
                "compiled (bin/index.js)",
                "type-checking (ts-node)",
                "speed-up",
                "CPU compiled / ts-node",
                "peak RSS compiled / ts-node",
            ],
            ...startup.map((s) => [
                s.stack,
                String(s.resources),
                ms(s.compiled.medianMs),
                ms(s.typecheck.medianMs),
                `${s.speedup.toFixed(1)}×`,
                `${ms(s.compiled.cpuMs)} / ${ms(s.typecheck.cpuMs)}`,
                `${mb(s.compiled.maxRssKb)} / ${mb(s.typecheck.maxRssKb)}`,
            ]),
        ]),
        "",
        `Scale: N services registered under mocks. bare = the same ${objects} objects per service (${equivalence.objectsPerService.map((t) => t.split(":").pop()).join(", ")}),`,
        "checked identical at N = 1; ScalableService adds its component resource. Time from the first registration until all have settled.",
        table([
            [
                "N",
                "ScalableService wall",
                "CPU",
                "CPU/service",
                "peak RSS",
                "RSS/service",
                "bare wall",
                "CPU",
                "CPU/service",
                "peak RSS",
                "RSS/service",
                "CPU ratio",
                "wall ratio",
                "RSS ratio",
            ],
            ...scale.map((r) => [
                String(r.n),
                ms(r.scalable.registerMs),
                ms(r.scalable.registerCpuMs),
                `${r.scalable.perServiceCpuMs.toFixed(1)} ms`,
                mb(r.scalable.maxRssKb),
                `${Math.round(r.scalable.perServiceKb)} KB`,
                ms(r.bare.registerMs),
                ms(r.bare.registerCpuMs),
                `${r.bare.perServiceCpuMs.toFixed(1)} ms`,
                mb(r.bare.maxRssKb),
                `${Math.round(r.bare.perServiceKb)} KB`,
                r.cpuRatio.toFixed(2),
                r.wallRatio.toFixed(2),
                r.rssRatio.toFixed(2),
            ]),
        ]),
        ...(atN
            ? [
                  `Per registered object at N = ${atN.n}: bare ${(atN.bare.perServiceCpuMs / objects).toFixed(2)} ms CPU and ${Math.round(atN.bare.perServiceKb / objects)} KB; ScalableService ${(atN.scalable.perServiceCpuMs / (objects + 1)).toFixed(2)} ms and ${Math.round(atN.scalable.perServiceKb / (objects + 1))} KB (${objects + 1} objects with its component).`,
              ]
            : []),
        "",
        unit
            ? `Unit suite (mocha, .mocharc.json): ${ms(unit.wallMs)} wall, ${unit.cpuMs === null ? "?" : ms(unit.cpuMs)} CPU, ${unit.summary}`
            : "Unit suite: skipped (--no-unit)",
        "",
        "Budgets:",
        budgets.text,
    ].join("\n");
    process.stdout.write(`${text}\n`);

    const results = {
        date: new Date().toISOString(),
        machine,
        runs: options.runs,
        load,
        totalMs: Date.now() - started,
        build: { ...build, benchCompileMs },
        startup,
        scale: { objectsPerService: equivalence.objectsPerService, rows: scale },
        unitSuite: unit ?? null,
        budgets: checks,
    };
    // Formatted as the repository's Prettier config would, so `prettier --check bench` stays clean.
    const prettier = await import("prettier");
    const prettierOptions = (await prettier.resolveConfig(options.out)) ?? {};
    fs.writeFileSync(
        options.out,
        await prettier.format(JSON.stringify(results), { ...prettierOptions, parser: "json" }),
    );
    process.stdout.write(
        `\nwrote ${path.relative(ROOT, options.out)} (${ms(results.totalMs)} in all)\n`,
    );

    if (budgets.missed.length > 0) {
        process.stderr.write(
            `\nbudget missed: ${budgets.missed.map((c) => `${c.name} is ${c.actual}, budget ${c.limit}`).join("; ")}\n`,
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
