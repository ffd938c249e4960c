import * as path from "path";
import { median, round } from "../report";

/**
 * The peak RSS of a deploy's processes, by kind: pure arithmetic over what
 * processTree.ts reads from /proc.
 */

/** The kinds of process a `pulumi` command runs, in table order. */
export const PROCESS_KINDS = ["engine", "program", "provider", "other"] as const;

/** One of {@link PROCESS_KINDS}. */
export type ProcessKind = (typeof PROCESS_KINDS)[number];

/** What each kind is, for the table's header and the budgets. */
export const KIND_LABELS: Record<ProcessKind, string> = {
    engine: "engine (pulumi)",
    program: "program (node)",
    provider: "provider (pulumi-resource-kubernetes)",
    other: "other (language host, wrappers)",
};

/** One process of a measured command's tree and the highest peak RSS (VmHWM) read from it. */
export interface ProcessPeak {
    pid: number;
    /** The process's argv[0], as /proc/<pid>/cmdline has it. */
    argv0: string;
    peakKb: number;
}

/** Peak RSS in KiB per kind of process. */
export type KindRss = Record<ProcessKind, number>;

/** A process's kind, from the base name of its argv[0]. */
export function processKind(argv0: string): ProcessKind {
    const name = path.basename(argv0);
    if (name === "pulumi") return "engine";
    if (name === "node") return "program";
    if (name === "pulumi-resource-kubernetes") return "provider";
    return "other";
}

/**
 * Peak RSS per kind: the sum of the peaks of the processes of that kind (one
 * each, in a `pulumi` command, but for the host's wrappers).
 */
export function rssByKind(processes: readonly ProcessPeak[]): KindRss {
    const byKind: KindRss = { engine: 0, program: 0, provider: 0, other: 0 };
    for (const p of processes) {
        byKind[processKind(p.argv0)] += p.peakKb;
    }
    return byKind;
}

/**
 * All processes together: the sum of each kind's peak. The peaks may come at
 * different moments, so this is an upper bound of the RSS at any one instant:
 * a budget on it errs on the side of failing. (Each peak is the kernel's
 * VmHWM, read every poll, so only growth in a process's last poll interval
 * can be missed.)
 */
export const totalRss = (r: KindRss): number => PROCESS_KINDS.reduce((s, k) => s + r[k], 0);

/** A way's RSS over its runs: each kind's median, the total's median, and the largest total. */
export interface RssFigure extends KindRss {
    total: number;
    maxTotal: number;
}

/**
 * The RSS figure of a way's runs, from the runs whose peaks were read (an
 * engine peak of 0 means the tree was never read); undefined when none was.
 */
export function summarizeRss(runs: readonly (KindRss | undefined)[]): RssFigure | undefined {
    const read = runs.filter((r): r is KindRss => r !== undefined && r.engine > 0);
    if (read.length === 0) {
        return undefined;
    }
    const med = (values: number[]) => round(median(values), 0);
    const totals = read.map(totalRss);
    const kinds = Object.fromEntries(
        PROCESS_KINDS.map((k) => [k, med(read.map((r) => r[k]))]),
    ) as KindRss;
    return { ...kinds, total: med(totals), maxTotal: Math.max(...totals) };
}
