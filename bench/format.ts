import { BudgetCheck, BUDGETS, formatBudgets, mb, ms, table } from "./report";
import type { ScaleRow, StartupRow, UnitSuite } from "./summary";

/**
 * The budgets and the printed report of `npm run bench`. Pure: the numbers
 * come in, the checks and the text go out.
 */

/** The machine the benchmark ran on. */
export interface Machine {
    cpus: number;
    cpuModel: string;
    memoryGb: number;
    node: string;
    platform: string;
}

/** Everything the report shows. */
export interface BenchReport {
    date: string;
    machine: Machine;
    runs: number;
    /** The 1-minute load average sampled before each child: median and max. */
    load: { median: number; max: number };
    startup: StartupRow[];
    /** The object types one service registers, in order. */
    objectsPerService: string[];
    scale: ScaleRow[];
    unit?: UnitSuite;
}

/** Issue 6's budgets, checked against the measurements (`met` is null when not measured). */
export function checkBudgets(r: BenchReport): BudgetCheck[] {
    const atN = r.scale.find((row) => row.n === BUDGETS.scaleRatioAt);
    const { unit } = r;
    return [
        ...r.startup.map((s) => ({
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
}

/** The first line, and a warning when other work inflated the wall times. */
function header(r: BenchReport): string[] {
    const { machine, load } = r;
    // The benchmark's own child keeps about one CPU busy (plus GC threads); more means others ran too.
    const busy = load.max > machine.cpus + 1;
    return [
        `npm run bench: ${r.date}, ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}; median of ${r.runs} cold runs; load average ${load.median} (max ${load.max})`,
        ...(busy
            ? [
                  `WARNING: the machine was busy (load average up to ${load.max} on ${machine.cpus} CPUs): other processes inflated the wall times. CPU times are still comparable; re-run on an idle machine for wall times.`,
              ]
            : []),
    ];
}

/** The start-up table: one row per stack. */
export function startupTable(startup: readonly StartupRow[]): string {
    return table([
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
    ]);
}

/** A scale side's five columns: wall, CPU, CPU per service, peak RSS, RSS per service. */
function scaleColumns(s: ScaleRow["scalable"]): string[] {
    return [
        ms(s.registerMs),
        ms(s.registerCpuMs),
        `${s.perServiceCpuMs.toFixed(1)} ms`,
        mb(s.maxRssKb),
        `${Math.round(s.perServiceKb)} KB`,
    ];
}

/** The scale table: one row per N, both variants and their ratios. */
export function scaleTable(scale: readonly ScaleRow[]): string {
    const side = ["CPU", "CPU/service", "peak RSS", "RSS/service"];
    return table([
        [
            "N",
            "ScalableService wall",
            ...side,
            "bare wall",
            ...side,
            "CPU ratio",
            "wall ratio",
            "RSS ratio",
        ],
        ...scale.map((r) => [
            String(r.n),
            ...scaleColumns(r.scalable),
            ...scaleColumns(r.bare),
            r.cpuRatio.toFixed(2),
            r.wallRatio.toFixed(2),
            r.rssRatio.toFixed(2),
        ]),
    ]);
}

/** The scale section: what bare means, the table, and the cost per registered object. */
function scaleSection(r: BenchReport): string[] {
    const objects = r.objectsPerService.length;
    const kinds = r.objectsPerService.map((t) => t.split(":").pop()).join(", ");
    const atN = r.scale.find((row) => row.n === BUDGETS.scaleRatioAt);
    return [
        `Scale: N services registered under mocks. bare = the same ${objects} objects per service (${kinds}),`,
        "checked identical at N = 1; ScalableService adds its component resource. Time from the first registration until all have settled.",
        scaleTable(r.scale),
        ...(atN
            ? [
                  `Per registered object at N = ${atN.n}: bare ${(atN.bare.perServiceCpuMs / objects).toFixed(2)} ms CPU and ${Math.round(atN.bare.perServiceKb / objects)} KB; ScalableService ${(atN.scalable.perServiceCpuMs / (objects + 1)).toFixed(2)} ms and ${Math.round(atN.scalable.perServiceKb / (objects + 1))} KB (${objects + 1} objects with its component).`,
              ]
            : []),
    ];
}

/** The whole printed report, the budget lines last. */
export function formatReport(r: BenchReport, checks: readonly BudgetCheck[]): string {
    const { unit } = r;
    return [
        ...header(r),
        "",
        "Start-up: a fresh process evaluates the stack's program under mocks (process start to exit)",
        startupTable(r.startup),
        "",
        ...scaleSection(r),
        "",
        unit
            ? `Unit suite (mocha, .mocharc.json): ${ms(unit.wallMs)} wall, ${unit.cpuMs === null ? "?" : ms(unit.cpuMs)} CPU, ${unit.summary}`
            : "Unit suite: skipped (--no-unit)",
        "",
        "Budgets:",
        formatBudgets(checks).text,
    ].join("\n");
}
