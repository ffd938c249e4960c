import type { EvaluateResult, ScaleResult, ScaleVariant, StartPath } from "./common";
import { median, round } from "./report";

/**
 * The rows of `npm run bench`: each measurement's runs summarized as medians
 * and ratios. Pure, so the arithmetic is tested without running anything.
 */

/** One start path of one stack (compiled or type-checking). */
export interface StartupSide {
    /** Median wall time from spawn to exit. */
    medianMs: number;
    runsMs: number[];
    /** Median CPU time of the process. */
    cpuMs: number;
    maxRssKb: number;
}

/** One stack's start-up, both paths. */
export interface StartupRow {
    stack: string;
    resources: number;
    compiled: StartupSide;
    typecheck: StartupSide;
    /** Type-checking ÷ compiled, median wall times. */
    speedup: number;
}

/** What each start path of a stack measured, run by run. */
export interface StartupRuns {
    wallsMs: Record<StartPath, number[]>;
    cpusMs: Record<StartPath, number[]>;
    /** Each path's last result (its resource count and peak RSS). */
    last: Record<StartPath, EvaluateResult>;
}

/** One stack's row; throws when the two paths registered different resource counts. */
export function startupRow(stack: string, runs: StartupRuns): StartupRow {
    const side = (p: StartPath): StartupSide => ({
        medianMs: round(median(runs.wallsMs[p])),
        runsMs: runs.wallsMs[p].map((x) => round(x)),
        cpuMs: round(median(runs.cpusMs[p])),
        maxRssKb: runs.last[p].maxRssKb,
    });
    const [compiled, typecheck] = [side("compiled"), side("typecheck")];
    if (runs.last.compiled.resources !== runs.last.typecheck.resources) {
        throw new Error(
            `${stack}: the compiled program registered ${runs.last.compiled.resources} resources, the sources ${runs.last.typecheck.resources}`,
        );
    }
    return {
        stack,
        resources: runs.last.compiled.resources,
        compiled,
        typecheck,
        speedup: round(typecheck.medianMs / compiled.medianMs),
    };
}

/** One variant at one N. */
export interface ScaleSide {
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

/** Both variants at one N, and their ratios. */
export interface ScaleRow {
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

/** The row for `n` services from each variant's runs. */
export function scaleRow(n: number, runs: Record<ScaleVariant, ScaleResult[]>): ScaleRow {
    const side = (v: ScaleVariant): ScaleSide => {
        const rs = runs[v];
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
    const [scalable, bare] = [side("scalable"), side("bare")];
    return {
        n,
        scalable,
        bare,
        cpuRatio: round(scalable.registerCpuMs / bare.registerCpuMs, 3),
        wallRatio: round(scalable.registerMs / bare.registerMs, 3),
        rssRatio: round(scalable.maxRssKb / bare.maxRssKb, 3),
    };
}

/** The unit suite's one run. */
export interface UnitSuite {
    wallMs: number;
    cpuMs: number | null;
    exitCode: number | null;
    summary: string;
}
