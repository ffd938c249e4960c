/**
 * The benchmark's arithmetic and text: medians, ratios, budgets and the
 * table. Pure, so what the budgets check is easy to read.
 */

/** The budgets from issue 6. */
export const BUDGETS = {
    /** Compiled start at least this many times faster than the type-checking path, per stack. */
    minStartupSpeedup: 3,
    /** ScalableService ÷ bare objects at the largest N, registration time and peak RSS. */
    maxScaleRatio: 1.25,
    /** The N the scale ratio is checked at. */
    scaleRatioAt: 500,
    /** Full unit suite wall time, in ms. */
    maxUnitSuiteMs: 15_000,
} as const;

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
    if (values.length === 0) {
        throw new Error("median of no values");
    }
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Rounds to `digits` decimals. */
export function round(value: number, digits = 2): number {
    const f = 10 ** digits;
    return Math.round(value * f) / f;
}

/** Milliseconds as `850 ms` or `5.86 s`. */
export function ms(value: number): string {
    return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(2)} s`;
}

/** KiB as MB (10^6 bytes, as `ps` and the issue count them). */
export function mb(kib: number): string {
    return `${Math.round((kib * 1024) / 1e6)} MB`;
}

/** One budget and whether it was met; `met` is null when it was not measured. */
export interface BudgetCheck {
    name: string;
    limit: string;
    actual: string;
    met: boolean | null;
}

/** Pads the columns of `rows` to equal widths; columns from `rightFrom` on are right-aligned. */
export function table(rows: readonly string[][], rightFrom = 1): string {
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
    return rows
        .map((r) =>
            r
                .map((cell, c) =>
                    c >= rightFrom ? cell.padStart(widths[c]) : cell.padEnd(widths[c]),
                )
                .join("  ")
                .trimEnd(),
        )
        .join("\n");
}

/**
 * The budget lines, and the budgets that fail the run: those missed, and with
 * `unmeasured: "fail"` those not measured too (marked FAIL, not SKIP).
 */
export function formatBudgets(
    checks: readonly BudgetCheck[],
    unmeasured: "skip" | "fail" = "skip",
): {
    text: string;
    missed: BudgetCheck[];
} {
    const skip = unmeasured === "skip" ? "SKIP" : "FAIL";
    const mark = (c: BudgetCheck) => (c.met === null ? skip : c.met ? "ok  " : "MISS");
    const text = checks
        .map((c) => `  ${mark(c)} ${c.name}: ${c.actual} (budget ${c.limit})`)
        .join("\n");
    const fails = (c: BudgetCheck) => c.met === false || (c.met === null && skip === "FAIL");
    return { text, missed: checks.filter(fails) };
}
