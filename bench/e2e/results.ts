import { median, round } from "../report";
import { KindRss, RssFigure, summarizeRss } from "./rss";

/**
 * The e2e benchmark's result shapes and the arithmetic that turns runs into
 * figures. Pure.
 */

/** The ways a case is deployed and the other Pulumi operations timed, in table order. */
export const WAYS = [
    "kubectl",
    "pulumi",
    "bare",
    "helm",
    "preview",
    "previewBare",
    "previewFloor",
    "upNoChange",
    "destroy",
] as const;

/** One of {@link WAYS}. */
export type Way = (typeof WAYS)[number];

/** What each way is, for the table's header and the README. */
export const WAY_LABELS: Record<Way, string> = {
    kubectl: "(a) kubectl apply + wait",
    pulumi: "(b) pulumi up",
    bare: "(c) pulumi up, bare",
    helm: "(d) helm install --wait",
    preview: "preview, no change",
    previewBare: "preview, no change, bare",
    previewFloor: "preview, no change, floor",
    upNoChange: "up, no change",
    destroy: "pulumi destroy",
};

/** One run of one way: wall time and, for pulumi, the peak RSS of each kind of process. */
export interface Sample {
    wallMs: number;
    rssKb?: KindRss;
}

/** A way's figures over the runs: medians, and every run's wall time. */
export interface WayFigure {
    medianMs: number;
    runsMs: number[];
    /** Peak RSS of each kind of process and of all together, in KiB (rss.ts). */
    rssKb?: RssFigure;
}

/** One case (the app, or N services) and its figures per way measured. */
export interface CaseResult {
    name: string;
    /** Services (Deployments) deployed. */
    services: number;
    /** Kubernetes objects deployed. */
    objects: number;
    /** Pulumi resources in the program's stack (its objects, components and provider). */
    pulumiResources?: number;
    ways: Partial<Record<Way, WayFigure>>;
}

/** The figures of a way's samples. */
export function summarize(samples: readonly Sample[]): WayFigure {
    const rssKb = summarizeRss(samples.map((s) => s.rssKb));
    return {
        medianMs: round(median(samples.map((s) => s.wallMs)), 0),
        runsMs: samples.map((s) => round(s.wallMs, 0)),
        ...(rssKb ? { rssKb } : {}),
    };
}

/** `a` ÷ `b` of two ways' medians in a case, or undefined when either was not measured. */
export function ratio(c: CaseResult | undefined, a: Way, b: Way): number | undefined {
    const x = c?.ways[a]?.medianMs;
    const y = c?.ways[b]?.medianMs;
    return x !== undefined && y !== undefined && y > 0 ? round(x / y, 2) : undefined;
}
