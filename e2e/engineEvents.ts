/**
 * What the engine planned or did, read from its structured output: the
 * engine events `pulumi up --json` prints, one JSON object a line (and
 * `pulumi preview --json` too, with PULUMI_ENABLE_STREAMING_JSON_PREVIEW set),
 * rather than from its text display.
 */

/** The variable that makes `pulumi preview --json` stream engine events as `pulumi up --json` does. */
export const STREAMING_PREVIEW = { PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "true" };

/** One property's change in a step, as the provider reported it (the engine's `apitype.PropertyDiff`). */
export interface PropertyDiff {
    /** add, delete, update, or the same with `-replace` when it forces a replacement. */
    diffKind: string;
    /** A change of the inputs, rather than of the live state against the new inputs. */
    inputDiff?: boolean;
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

/**
 * The steps (`resourcePreEvent`s) of a `--json` output, in order. Lines that
 * are not JSON objects are skipped; a line that starts like one and isn't throws.
 */
export function engineSteps(output: string): EngineStep[] {
    return output
        .split("\n")
        .filter((l) => l.trimStart().startsWith("{"))
        .map((l) => {
            try {
                return JSON.parse(l) as { resourcePreEvent?: { metadata: any } };
            } catch (err) {
                throw new Error(`an engine event is not JSON (${(err as Error).message}): ${l}`);
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
    const detail = Object.entries(s.detailedDiff).map(([p, d]) => `${p} (${d.diffKind})`);
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
