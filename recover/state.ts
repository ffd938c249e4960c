/**
 * Pure reading of a stack's state (`pulumi stack export`) against the objects
 * in the cluster: the Kubernetes objects the state tracks, the operations an
 * interrupted `pulumi` left pending, and what differs from the cluster.
 */

/** A Kubernetes object, by API group, kind, namespace and name (not version: one object, several versions). */
export interface ObjectRef {
    /** `""` for the core group. */
    group: string;
    kind: string;
    /** `""` for a cluster-scoped object. */
    namespace: string;
    name: string;
}

/** A Kubernetes object the state tracks, with its resource's URN, type token and labels. */
export interface TrackedObject extends ObjectRef {
    urn: string;
    type: string;
    labels: Record<string, string>;
}

/** An operation an interrupted `pulumi` began and never finished. */
export interface PendingOperation {
    /** `creating`, `updating`, `deleting`, `reading` or `importing`. */
    operation: string;
    urn: string;
    type: string;
    /** The object it was about, when it is a Kubernetes object with a known name. */
    object?: ObjectRef;
    /** The URN of its parent (a component, say), if any. */
    parent?: string;
    /** The URN of its provider, if any (the state's reference without its `::<id>`). */
    provider?: string;
}

/** What a stack export holds that recovery needs. */
export interface StackState {
    /** The Kubernetes objects of the resources in the state. */
    objects: TrackedObject[];
    pending: PendingOperation[];
    /** Every resource's URN. */
    urns: string[];
    /** The URN of the stack's Kubernetes provider, when there is exactly one. */
    kubernetesProvider?: string;
}

interface ExportedResource {
    urn: string;
    type: string;
    id?: string;
    inputs?: Record<string, any>;
    outputs?: Record<string, any>;
}

/** Reads `pulumi stack export`'s JSON. Throws naming what is missing when it is not an export. */
export function readStackState(exported: unknown): StackState {
    const deployment = (exported as { deployment?: Record<string, any> } | null)?.deployment;
    if (!deployment || typeof deployment !== "object") {
        throw new Error("not a stack export: it has no 'deployment'");
    }
    const resources = (deployment.resources ?? []) as ExportedResource[];
    const objects: TrackedObject[] = [];
    for (const r of resources) {
        const props = named(r.outputs, r.inputs);
        const ref = objectRef(r.type, props);
        if (ref) {
            const labels = (props?.metadata?.labels ?? {}) as Record<string, string>;
            objects.push({ ...ref, urn: r.urn, type: r.type, labels });
        }
    }
    const pending = ((deployment.pending_operations ?? []) as any[]).map(
        (op): PendingOperation => ({
            operation: String(op.type),
            urn: String(op.resource?.urn),
            type: String(op.resource?.type),
            // An interrupted create has its checked inputs (the name included) and no outputs yet.
            object: objectRef(op.resource?.type, named(op.resource?.inputs, op.resource?.outputs)),
            parent: typeof op.resource?.parent === "string" ? op.resource.parent : undefined,
            provider: providerUrn(op.resource?.provider),
        }),
    );
    const providers = resources.filter((r) => r.type === "pulumi:providers:kubernetes");
    return {
        objects,
        pending,
        urns: resources.map((r) => r.urn),
        kubernetesProvider: providers.length === 1 ? providers[0].urn : undefined,
    };
}

/** The URN in a provider reference (`<urn>::<id>`), or undefined. */
export function providerUrn(reference: unknown): string | undefined {
    if (typeof reference !== "string" || reference === "") return undefined;
    const cut = reference.lastIndexOf("::");
    return cut > 0 ? reference.slice(0, cut) : reference;
}

/** The first of `candidates` whose metadata has a name. */
function named(
    ...candidates: (Record<string, any> | undefined)[]
): Record<string, any> | undefined {
    return candidates.find((c) => typeof c?.metadata?.name === "string");
}

/**
 * The object a Kubernetes resource of type token `type` (`kubernetes:apps/v1:Deployment`)
 * stands for, from its properties' `metadata`; undefined for other types, for
 * lists and Helm or YAML groups, and when the name is unknown.
 */
export function objectRef(
    type: unknown,
    props: Record<string, any> | undefined,
): ObjectRef | undefined {
    const m =
        typeof type === "string" ? /^kubernetes:([^:]+)\/([^/:]+):([A-Za-z]+)$/.exec(type) : null;
    const name = props?.metadata?.name;
    if (!m || m[3].endsWith("List") || typeof name !== "string" || name === "") return undefined;
    const namespace = props?.metadata?.namespace;
    return {
        group: m[1] === "core" ? "" : m[1],
        kind: m[3],
        namespace: typeof namespace === "string" ? namespace : "",
        name,
    };
}

/** The object a live item of `kubectl get -o json` is, or undefined when a controller owns it. */
export function liveObjectRef(item: Record<string, any>): ObjectRef | undefined {
    if ((item.metadata?.ownerReferences ?? []).length > 0) return undefined;
    const apiVersion = String(item.apiVersion ?? "");
    const slash = apiVersion.indexOf("/");
    return {
        group: slash === -1 ? "" : apiVersion.slice(0, slash),
        kind: String(item.kind),
        namespace: String(item.metadata?.namespace ?? ""),
        name: String(item.metadata?.name),
    };
}

/** One string per object, equal for two refs to the same object. */
export function objectKey(ref: ObjectRef): string {
    return `${ref.group}/${ref.kind}/${ref.namespace}/${ref.name}`;
}

/** How kubectl names one object: `kind.group/name` (the group only where there is one). */
export function describeObject(ref: ObjectRef): string {
    const where = ref.namespace ? ` in namespace ${ref.namespace}` : "";
    return `${ref.kind}${ref.group ? `.${ref.group}` : ""} ${ref.name}${where}`;
}

/** The pulumi-kubernetes ID of an object: `namespace/name`, or the name when cluster-scoped. */
export function kubernetesId(ref: ObjectRef): string {
    return ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
}

/** A resource to import under a URN of its own choosing: type, name, ID, and its parent and provider's URNs. */
export interface ImportEntry {
    urn: string;
    type: string;
    /** The resource's name: the URN's last part. */
    name: string;
    id: string;
    parent?: string;
    provider?: string;
}

/**
 * What to do with each pending create: import the ones whose object exists
 * (the create went through before the interruption), under the pending
 * resource's own URN (same type, name, parent and provider), and clear the
 * others (it never reached the API server). `exists` answers per pending
 * create with a known object; one without (not Kubernetes, or no name yet) is
 * cleared. So is a replacement's create (its URN is in the state already, the
 * old object's): the new object it made is then an orphan, which nothing
 * references yet, for the orphan check to find.
 */
export function planPendingCreates(
    pending: PendingOperation[],
    exists: (ref: ObjectRef) => boolean,
    trackedUrns: string[] = [],
): { imports: ImportEntry[]; clears: string[] } {
    const imports: ImportEntry[] = [];
    const clears: string[] = [];
    for (const op of pending.filter((p) => p.operation === "creating")) {
        if (op.object && !trackedUrns.includes(op.urn) && exists(op.object)) {
            const { urn, type, parent, provider } = op;
            const name = urn.includes("::") ? urn.slice(urn.lastIndexOf("::") + 2) : urn;
            imports.push({ urn, type, name, id: kubernetesId(op.object), parent, provider });
        } else {
            clears.push(op.urn);
        }
    }
    return { imports, clears };
}

/**
 * The difference between the objects in the cluster that carry `labels` and
 * the objects the state tracks: orphans (in the cluster, not in the state) and
 * lost ones (tracked with those labels, gone from the cluster).
 */
export function compareWithCluster(
    tracked: TrackedObject[],
    live: ObjectRef[],
    labels: Record<string, string>,
): { orphans: ObjectRef[]; lost: TrackedObject[] } {
    const labelled = tracked.filter((o) =>
        Object.entries(labels).every(([k, v]) => o.labels[k] === v),
    );
    const trackedKeys = new Set(tracked.map(objectKey));
    const liveKeys = new Set(live.map(objectKey));
    return {
        orphans: live.filter((o) => !trackedKeys.has(objectKey(o))),
        lost: labelled.filter((o) => !liveKeys.has(objectKey(o))),
    };
}
