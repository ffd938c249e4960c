import * as fs from "fs";

/**
 * What the engine planned or did, read from the structured event log a
 * preview or an update writes with `--event-log <file>` (one JSON engine
 * event per line), rather than from its text display.
 */

/** One property's change in a step, as the provider reported it. */
export interface PropertyDiff {
    /** add, delete, update, or the same with `-replace` when it forces a replacement. */
    kind: string;
}

/** One step of a preview or an update (a `resourcePreEvent`'s metadata). */
export interface EngineStep {
    /** same, create, update, delete, replace, create-replacement, delete-replaced, … */
    op: string;
    urn: string;
    /** The resource type, e.g. `kubernetes:apps/v1:Deployment`. */
    type: string;
    /** The properties that force a replacement. */
    keys: string[];
    /** The properties that differ. */
    diffs: string[];
    detailedDiff: Record<string, PropertyDiff>;
}

/** The steps an event log records, in order. Throws, naming the file, on a line that isn't JSON. */
export function engineSteps(eventLog: string): EngineStep[] {
    const lines = fs.readFileSync(eventLog, "utf8").split("\n");
    return lines
        .filter((l) => l.trim() !== "")
        .map((l, i) => {
            try {
                return JSON.parse(l) as { resourcePreEvent?: { metadata: any } };
            } catch (err) {
                throw new Error(`${eventLog}:${i + 1} is not JSON: ${(err as Error).message}`);
            }
        })
        .filter((e) => e.resourcePreEvent)
        .map((e) => {
            const m = e.resourcePreEvent!.metadata;
            return {
                op: m.op as string,
                urn: m.urn as string,
                type: m.type as string,
                keys: (m.keys ?? []) as string[],
                diffs: (m.diffs ?? []) as string[],
                detailedDiff: (m.detailedDiff ?? {}) as Record<string, PropertyDiff>,
            };
        });
}

/** The operations that keep a live object (or make a new one beside it). Every other op replaces, deletes or forgets one. */
export const KEEPING_OPS: readonly string[] = ["same", "create", "update", "read", "refresh"];

/** The Kubernetes kinds whose objects serve traffic: none may be replaced or deleted by an upgrade. */
export const SERVING_KINDS: readonly string[] = [
    "Namespace",
    "Deployment",
    "Service",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
];

/** The kind of a `kubernetes:<group>/<version>:<Kind>` type, or undefined for any other type. */
export function kubernetesKind(type: string): string | undefined {
    const m = /^kubernetes:[^:]+:(\w+)$/.exec(type);
    return m?.[1];
}

/** Whether `type` is a Kubernetes type of one of `kinds`. */
export function isKind(type: string, kinds: readonly string[] = SERVING_KINDS): boolean {
    const kind = kubernetesKind(type);
    return kind !== undefined && kinds.includes(kind);
}

/** The steps that replace, delete or forget an object of one of `kinds`. */
export function destructiveSteps(
    steps: EngineStep[],
    kinds: readonly string[] = SERVING_KINDS,
): EngineStep[] {
    return steps.filter((s) => isKind(s.type, kinds) && !KEEPING_OPS.includes(s.op));
}

/** A step in one line: its op, URN, the properties forcing a replacement and every property diff. */
export function describeStep(s: EngineStep): string {
    const detail = Object.entries(s.detailedDiff).map(([p, d]) => `${p} (${d.kind})`);
    return [
        `${s.op} ${s.urn}`,
        s.keys.length ? `replace keys: ${s.keys.join(", ")}` : "",
        detail.length
            ? `diff: ${detail.join(", ")}`
            : s.diffs.length
              ? `diffs: ${s.diffs.join(", ")}`
              : "",
    ]
        .filter((x) => x)
        .join("; ");
}
