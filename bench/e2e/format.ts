import { BudgetCheck, formatBudgets, mb, ms, table } from "../report";
import { E2E_BUDGETS } from "./budgets";
import { CaseResult, ratio, Way, WAY_LABELS, WAYS } from "./results";
import { PROCESS_KINDS, ProcessKind } from "./rss";

/** The e2e benchmark's report: pure text from the results. */

/** The machine and the run, for the report's first line. */
export interface RunInfo {
    date: string;
    cpus: number;
    cpuModel: string;
    node: string;
    /** Runs of the app's case, of each N case up to N=50, and of each above. */
    appRuns: number;
    runs: number;
    bigRuns: number;
    load: { median: number; max: number };
}

const cell = (c: CaseResult, w: Way) => {
    const f = c.ways[w];
    return f ? ms(f.medianMs) : "—";
};
const times = (r: number | undefined) => (r === undefined ? "—" : `${r.toFixed(2)}×`);
const rss = (kb: number | undefined) => (kb === undefined ? "—" : mb(kb));

/** The wall-time table: a row per case, a column per way, then the budgeted ratios. */
export function timesTable(cases: readonly CaseResult[]): string {
    const ways = WAYS.filter((w) => cases.some((c) => c.ways[w]));
    return table([
        ["case", "services", "objects", ...ways.map((w) => WAY_LABELS[w]), "(b)÷(a)", "(b)÷(c)"],
        ...cases.map((c) => [
            c.name,
            String(c.services),
            String(c.objects),
            ...ways.map((w) => cell(c, w)),
            times(ratio(c, "pulumi", "kubectl")),
            times(ratio(c, "pulumi", "bare")),
        ]),
    ]);
}

/** The memory table: (b)'s peak RSS per kind of process and all together, and (c)'s together. */
export function memoryTable(cases: readonly CaseResult[]): string {
    const b = (c: CaseResult, k: ProcessKind | "total") => rss(c.ways.pulumi?.rssKb?.[k]);
    return table([
        ["case", ...PROCESS_KINDS.map((k) => `(b) ${k}`), "(b) all", "(c) all"],
        ...cases.map((c) => [
            c.name,
            ...PROCESS_KINDS.map((k) => b(c, k)),
            b(c, "total"),
            rss(c.ways.bare?.rssKb?.total),
        ]),
    ]);
}

/** The whole report: header, both tables and the budgets. */
export function formatReport(
    info: RunInfo,
    cases: readonly CaseResult[],
    checks: readonly BudgetCheck[],
): string {
    const busy = info.load.max > info.cpus;
    return [
        `npm run bench:e2e: ${info.date}, ${info.cpus} × ${info.cpuModel}, Node ${info.node}; medians of ${info.appRuns} runs (the app), ${info.runs} (N services up to ${E2E_BUDGETS.largeN}) and ${info.bigRuns} (above), each command a fresh process; load average ${info.load.median} (max ${info.load.max})`,
        ...(busy
            ? [
                  `WARNING: the machine was busy (load average up to ${info.load.max} on ${info.cpus} CPUs): other processes inflated the wall times.`,
              ]
            : []),
        "",
        "Wall time to deploy the same objects (a)–(d), and the other Pulumi operations:",
        timesTable(cases),
        "",
        "Peak RSS during pulumi up, by process: engine (pulumi), program (node), provider (pulumi-resource-kubernetes), other (language host); all = their sum (an upper bound: the peaks may come at different moments):",
        memoryTable(cases),
        "",
        "Budgets:",
        formatBudgets(checks, "fail").text,
    ].join("\n");
}

/** What the run prints when it fails: each budget missed, then each not measured and why. */
export function failureText(checks: readonly BudgetCheck[]): string | undefined {
    const { missed } = formatBudgets(checks, "fail");
    const lines = missed.map((c) =>
        c.met === null
            ? `budget not measured: ${c.name} (budget ${c.limit}): ${c.actual.replace(/^not measured: /, "")}`
            : `budget missed: ${c.name} is ${c.actual}, budget ${c.limit}`,
    );
    return lines.length > 0 ? lines.join("\n") : undefined;
}
