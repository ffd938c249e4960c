import { BudgetCheck, ms, round } from "../report";
import { CaseResult, ratio } from "./results";

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
     * (engine, and the program's Node.js process) must not grow with N. Each
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
} as const;

/** The case of N services, by its name. */
export const caseName = (n: number): string => `N=${n}`;

/**
 * Peak RSS added per service between two cases, in KiB: (large − small) ÷
 * (services added), for the engine or the program process.
 */
export function rssPerServiceKb(
    small: CaseResult,
    large: CaseResult,
    process: "engineRssKb" | "programRssKb",
): number | undefined {
    const a = small.ways.pulumi?.[process];
    const b = large.ways.pulumi?.[process];
    const added = large.services - small.services;
    return a !== undefined && b !== undefined && added > 0 ? round((b - a) / added, 0) : undefined;
}

function ratioCheck(
    name: string,
    value: number | undefined,
    limit: number,
    what: string,
): BudgetCheck {
    return {
        name,
        limit: `<= ${limit}`,
        actual: value === undefined ? "not measured" : `${value} (${what})`,
        met: value === undefined ? null : value <= limit,
    };
}

function memoryCheck(
    cases: readonly CaseResult[],
    process: "engineRssKb" | "programRssKb",
): BudgetCheck {
    const b = E2E_BUDGETS;
    const find = (n: number) => cases.find((c) => c.name === caseName(n));
    const [base, small, large] = [find(b.baseN), find(b.smallN), find(b.largeN)];
    const perService = (c: CaseResult | undefined) =>
        base && c ? rssPerServiceKb(base, c, process) : undefined;
    const [atSmall, atLarge] = [perService(small), perService(large)];
    const growth =
        atSmall !== undefined && atLarge !== undefined && atSmall > 0
            ? round(atLarge / atSmall, 2)
            : undefined;
    const mbOf = (kb: number) => `${round((kb * 1024) / 1e6, 2)} MB`;
    const who = process === "engineRssKb" ? "engine" : "program (Node.js)";
    return {
        name: `memory flat per service: ${who} peak RSS per service from N=${b.baseN}, at N=${b.largeN} ÷ at N=${b.smallN}`,
        limit: `<= ${b.maxRssPerServiceGrowth}`,
        actual:
            growth === undefined
                ? "not measured"
                : `${growth} (${mbOf(atLarge!)} vs ${mbOf(atSmall!)} per service)`,
        met: growth === undefined ? null : growth <= b.maxRssPerServiceGrowth,
    };
}

/** Every budget, checked against the cases measured; unmeasured ones are skipped (met: null). */
export function checkBudgets(cases: readonly CaseResult[]): BudgetCheck[] {
    const b = E2E_BUDGETS;
    const app = cases.find((c) => c.name === "app");
    const large = cases.find((c) => c.name === caseName(b.largeN));
    const figures = (c: CaseResult | undefined, x: "kubectl" | "bare") =>
        c ? `${ms(c.ways.pulumi?.medianMs ?? 0)} vs ${ms(c.ways[x]?.medianMs ?? 0)}` : "";
    const preview = app?.ways.preview?.medianMs;
    return [
        ratioCheck(
            "app: (b) pulumi up ÷ (a) kubectl apply + wait",
            ratio(app, "pulumi", "kubectl"),
            b.maxUpOverKubectl,
            figures(app, "kubectl"),
        ),
        ratioCheck(
            "app: (b) pulumi up ÷ (c) bare objects",
            ratio(app, "pulumi", "bare"),
            b.maxUpOverBare,
            figures(app, "bare"),
        ),
        {
            name: "app: no-change pulumi preview",
            limit: `<= ${ms(b.maxNoChangePreviewMs)}`,
            actual: preview === undefined ? "not measured" : ms(preview),
            met: preview === undefined ? null : preview <= b.maxNoChangePreviewMs,
        },
        ratioCheck(
            `N=${b.largeN}: (b) pulumi up ÷ (a) kubectl apply + wait`,
            ratio(large, "pulumi", "kubectl"),
            b.maxUpOverKubectl,
            figures(large, "kubectl"),
        ),
        memoryCheck(cases, "engineRssKb"),
        memoryCheck(cases, "programRssKb"),
    ];
}
