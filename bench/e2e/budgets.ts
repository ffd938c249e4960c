import { BudgetCheck, mb, ms, round } from "../report";
import { CaseResult, ratio, Way, WAY_LABELS } from "./results";
import { KIND_LABELS, PROCESS_KINDS, ProcessKind } from "./rss";

/** Issue 12's budgets, checked by `npm run bench:e2e` (never by a timed test). */
export const E2E_BUDGETS = {
    /** (b) pulumi up ÷ (a) kubectl apply + wait, for the app and at the largest N. */
    maxUpOverKubectl: 3,
    /** (b) pulumi up ÷ (c) the same objects bare: what the component costs on the real engine. */
    maxUpOverBare: 1.1,
    /** A no-change `pulumi preview` of the app, in ms. */
    maxNoChangePreviewMs: 2000,
    /**
     * "Memory stays flat per service": what each service adds to peak RSS
     * (of the engine, the program's Node.js process and the provider, each)
     * must not grow with N. Each
     * size's cost per service is measured from `baseN` (so the fixed cost
     * drops out); at `largeN` it may be at most this factor of that at
     * `smallN`. Linear growth gives 1; a cost per service that grew with N
     * (quadratic memory) gives about (largeN + 1) ÷ (smallN + 1), 4.6 here;
     * the 1.5 leaves room for the step-wise growth of Go's and V8's heaps.
     */
    maxRssPerServiceGrowth: 1.5,
    baseN: 1,
    smallN: 10,
    largeN: 50,
    /**
     * All processes of (b) `pulumi up` together (engine, program, provider
     * and the rest; rss.ts's `totalRss`), peak RSS in KiB at `rssN` services,
     * in the largest run: 1 GiB. pulumi-kubernetes#3713 saw about 5 GiB in the
     * provider for 100 Jobs.
     */
    maxTotalRssKb: 1024 * 1024,
    rssN: 100,
} as const;

/** The case of N services, by its name. */
export const caseName = (n: number): string => `N=${n}`;

/** How many times each kind of case runs (run.ts's options). */
export interface Runs {
    /** The app. */
    appRuns: number;
    /** N services, up to `largeN`. */
    runs: number;
    /** N services above `largeN`, whose runs are long. */
    bigRuns: number;
}

/** The runs of a case: the app's, those of N services up to `largeN`, or those above it. */
export function runsOf(c: { name: string; services: number }, r: Runs): number {
    if (c.name === "app") return r.appRuns;
    return c.services > E2E_BUDGETS.largeN ? r.bigRuns : r.runs;
}

/**
 * Peak RSS added per service between two cases, in KiB: (large − small) ÷
 * (services added), for one kind of process in (b).
 */
export function rssPerServiceKb(
    small: CaseResult,
    large: CaseResult,
    kind: ProcessKind,
): number | undefined {
    const a = small.ways.pulumi?.rssKb?.[kind];
    const b = large.ways.pulumi?.rssKb?.[kind];
    const added = large.services - small.services;
    return a !== undefined && b !== undefined && added > 0 ? round((b - a) / added, 0) : undefined;
}

/**
 * Why a figure is missing: the case was not run, or a way was not measured in
 * it, or (with `rss`) its peak RSS was not read. Undefined when all are there.
 */
export function whyNotMeasured(
    cases: readonly CaseResult[],
    name: string,
    ways: readonly Way[],
    rss?: ProcessKind,
): string | undefined {
    const c = cases.find((x) => x.name === name);
    if (!c) {
        return name === "app" ? "the app was not run" : `${name} was not run (not in --sizes)`;
    }
    const missing = ways.filter((w) => c.ways[w] === undefined);
    if (missing.length > 0) {
        const labels = missing.map((w) => `"${WAY_LABELS[w]}"`).join(" and ");
        return `${name}: ${labels} ${missing.length > 1 ? "were" : "was"} not measured`;
    }
    const unread = rss ? ways.filter((w) => !c.ways[w]?.rssKb?.[rss]) : [];
    const labels = unread.map((w) => `"${WAY_LABELS[w]}"`).join(" and ");
    return unread.length > 0
        ? `${name}: the peak RSS of the ${KIND_LABELS[rss!]} was not read for ${labels}`
        : undefined;
}

/** A budget's check when its figure is missing: not met, and why (met: null fails the run). */
const unmeasured = (name: string, limit: string, why: string): BudgetCheck => ({
    name,
    limit,
    actual: `not measured: ${why}`,
    met: null,
});

function ratioCheck(
    cases: readonly CaseResult[],
    name: string,
    at: string,
    [a, b]: [Way, Way],
    limit: number,
): BudgetCheck {
    const c = cases.find((x) => x.name === at);
    const value = ratio(c, a, b);
    if (value === undefined || !c) {
        const why = whyNotMeasured(cases, at, [a, b]) ?? `${WAY_LABELS[b]} took 0 ms`;
        return unmeasured(name, `<= ${limit}`, why);
    }
    const what = `${ms(c.ways[a]!.medianMs)} vs ${ms(c.ways[b]!.medianMs)}`;
    return { name, limit: `<= ${limit}`, actual: `${value} (${what})`, met: value <= limit };
}

function memoryCheck(cases: readonly CaseResult[], process: ProcessKind): BudgetCheck {
    const b = E2E_BUDGETS;
    const name = `memory flat per service: ${KIND_LABELS[process]} peak RSS per service from N=${b.baseN}, at N=${b.largeN} ÷ at N=${b.smallN}`;
    const limit = `<= ${b.maxRssPerServiceGrowth}`;
    const sizes = [b.baseN, b.smallN, b.largeN].map(caseName);
    const why = sizes.map((n) => whyNotMeasured(cases, n, ["pulumi"], process)).find(Boolean);
    if (why) {
        return unmeasured(name, limit, why);
    }
    const [base, small, large] = sizes.map((n) => cases.find((c) => c.name === n)!);
    const atSmall = rssPerServiceKb(base, small, process)!;
    const atLarge = rssPerServiceKb(base, large, process)!;
    if (atSmall <= 0) {
        return unmeasured(name, limit, `N=${b.smallN} added ${atSmall} KiB per service`);
    }
    const growth = round(atLarge / atSmall, 2);
    const mbOf = (kb: number) => `${round((kb * 1024) / 1e6, 2)} MB`;
    return {
        name,
        limit,
        actual: `${growth} (${mbOf(atLarge)} vs ${mbOf(atSmall)} per service)`,
        met: growth <= b.maxRssPerServiceGrowth,
    };
}

/** (b)'s processes together at `rssN` services, in the largest run, within `maxTotalRssKb`. */
function totalRssCheck(cases: readonly CaseResult[]): BudgetCheck {
    const b = E2E_BUDGETS;
    const at = caseName(b.rssN);
    const name = `${at}: (b) pulumi up, peak RSS of all processes together (largest run)`;
    const limit = `<= ${b.maxTotalRssKb / 1024 ** 2} GiB (${mb(b.maxTotalRssKb)})`;
    // A total is only a total when the engine, the program and the provider were each read.
    const kinds = ["engine", "program", "provider"] as const;
    const why = kinds.map((k) => whyNotMeasured(cases, at, ["pulumi"], k)).find(Boolean);
    const rss = cases.find((c) => c.name === at)?.ways.pulumi?.rssKb;
    if (why || !rss) {
        return unmeasured(name, limit, why ?? `${at}: no peak RSS was read`);
    }
    const parts = PROCESS_KINDS.map((k) => `${k} ${mb(rss[k])}`).join(", ");
    return {
        name,
        limit,
        actual: `${mb(rss.maxTotal)} (medians: ${parts})`,
        met: rss.maxTotal <= b.maxTotalRssKb,
    };
}

/**
 * Every budget, checked against the cases measured. A budget whose figures
 * are missing comes out `met: null` with the reason in `actual`, and fails
 * the run as a miss does (format.ts, `failureText`): a budget not measured
 * proves nothing.
 */
export function checkBudgets(cases: readonly CaseResult[]): BudgetCheck[] {
    const b = E2E_BUDGETS;
    const app = cases.find((c) => c.name === "app");
    const preview = app?.ways.preview?.medianMs;
    const previewName = "app: no-change pulumi preview";
    const previewLimit = `<= ${ms(b.maxNoChangePreviewMs)}`;
    return [
        ratioCheck(
            cases,
            "app: (b) pulumi up ÷ (a) kubectl apply + wait",
            "app",
            ["pulumi", "kubectl"],
            b.maxUpOverKubectl,
        ),
        ratioCheck(
            cases,
            "app: (b) pulumi up ÷ (c) bare objects",
            "app",
            ["pulumi", "bare"],
            b.maxUpOverBare,
        ),
        preview === undefined
            ? unmeasured(previewName, previewLimit, whyNotMeasured(cases, "app", ["preview"])!)
            : {
                  name: previewName,
                  limit: previewLimit,
                  actual: ms(preview),
                  met: preview <= b.maxNoChangePreviewMs,
              },
        ratioCheck(
            cases,
            `N=${b.largeN}: (b) pulumi up ÷ (a) kubectl apply + wait`,
            caseName(b.largeN),
            ["pulumi", "kubectl"],
            b.maxUpOverKubectl,
        ),
        memoryCheck(cases, "engine"),
        memoryCheck(cases, "program"),
        memoryCheck(cases, "provider"),
        totalRssCheck(cases),
    ];
}
