import { strict as assert } from "assert";
import { SELECTOR_LABEL } from "../components/scalable-service/config";
import { LABELLED_KINDS } from "../recover/cluster";
import { Kube } from "./kube";
import { waitFor } from "./proc";

/** The kinds of what a ScalableService with an HPA and no env Secret, config or Ingress makes. */
export const SERVICE_KINDS = [
    "Deployment",
    "HorizontalPodAutoscaler",
    "NetworkPolicy",
    "Pod",
    "PodDisruptionBudget",
    "ReplicaSet",
    "Service",
    "ServiceAccount",
];

/**
 * Every namespaced kind a ScalableService creates (recover's own list, less
 * the Namespace), or its Deployment makes (ReplicaSets and Pods carry the pod
 * template's labels), as kubectl names them.
 */
export const COMPONENT_KINDS: readonly string[] = [
    ...LABELLED_KINDS.filter((kind) => kind !== "namespaces"),
    "replicasets.apps",
    "pods",
];

/**
 * The labels every object of the ScalableService `serviceName` carries
 * (`buildMetadata`; the pod template has them too), as a selector. The
 * auto-named env Secret (`<name>-env-<suffix>`) carries them as well, so a
 * check by label sees what a check by name can't.
 */
export function componentSelector(serviceName: string): string {
    return `${SELECTOR_LABEL}=${serviceName},app.kubernetes.io/managed-by=pulumi`;
}

/** One object found by its labels. */
export interface Trace {
    kind: string;
    namespace: string;
    name: string;
}

/** The objects of every {@link COMPONENT_KINDS} kind, in every namespace, labelled as `serviceName`'s. */
export async function componentObjects(kube: Kube, serviceName: string): Promise<Trace[]> {
    const list = JSON.parse(
        await kube.run([
            "get",
            COMPONENT_KINDS.join(","),
            "--all-namespaces",
            "-l",
            componentSelector(serviceName),
            "-o",
            "json",
        ]),
    ) as { items: { kind: string; metadata: { namespace: string; name: string } }[] };
    return list.items.map((o) => ({
        kind: o.kind,
        namespace: o.metadata.namespace,
        name: o.metadata.name,
    }));
}

function show(traces: Trace[]): string {
    return traces.map((t) => `${t.kind} ${t.namespace}/${t.name}`).join(", ");
}

/** What {@link destroyWithoutTrace} checks. */
export interface TraceCheck {
    /** The ScalableServices' names (their `serviceName`s). */
    serviceNames: string[];
    /**
     * The kinds their labels must find before the destroy, exactly: the check
     * can't pass because its selector or its list of kinds misses the objects.
     */
    kinds: string[];
    /** Namespaces the stack created, which must be gone after the destroy. @default [] */
    namespacesGone?: string[];
    /** Runs `pulumi destroy`. */
    destroy: () => Promise<unknown>;
}

/**
 * Destroys a stack and proves it left no trace of its ScalableServices: before,
 * their labels find objects of exactly `kinds`; right after the destroy
 * returns, while a namespace being deleted could still hold them, no object of
 * any {@link COMPONENT_KINDS} kind in any namespace carries those labels; then
 * each of `namespacesGone` is gone (within a bounded wait: the API server
 * finishes a namespace's deletion after the request).
 */
export async function destroyWithoutTrace(kube: Kube, check: TraceCheck): Promise<void> {
    const objects = async () =>
        (await Promise.all(check.serviceNames.map((n) => componentObjects(kube, n)))).flat();
    const before = await objects();
    assert.deepEqual(
        [...new Set(before.map((t) => t.kind))].sort(),
        [...check.kinds].sort(),
        `before the destroy, the labels found: ${show(before)}`,
    );
    await check.destroy();
    const left = await objects();
    assert.deepEqual(left, [], `left after the destroy: ${show(left)}`);
    for (const ns of check.namespacesGone ?? []) {
        await waitFor(
            `namespace ${ns} to be deleted`,
            async () => ((await kube.find("namespace", ns)) === undefined ? true : undefined),
            { timeoutMs: 60_000 },
        );
    }
}
