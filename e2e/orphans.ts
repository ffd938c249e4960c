import { Kube } from "./kube";
import { kubernetesObject, ObjectRef, resourcesOf, StackExport } from "./stackState";
import { COMPONENT_KINDS } from "./traces";

/**
 * The labels that mark an object as the program's: every object of its
 * ScalableServices (and their pods) carries them. The one place to change
 * when objects carry their stack's labels too.
 */
export const APP_SELECTOR = "app.kubernetes.io/part-of=orchestration";

/** A labelled object found in the cluster. */
export interface ClusterObject extends ObjectRef {
    /** `Kind/name` of its controlling owner (a ReplicaSet's Deployment, a Pod's ReplicaSet), if any. */
    controller?: string;
}

/** What {@link compareWithState} found. */
export interface StateDifference {
    /** In the cluster with the app's labels, made by no controller, and not in the state. */
    orphans: ObjectRef[];
    /** In the state, and not in the cluster. */
    lost: ObjectRef[];
}

/** `Kind namespace/name`, or `Kind name` when cluster-scoped. */
export function showObject(o: ObjectRef): string {
    return `${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`;
}

/**
 * Compares the labelled objects in the cluster with the Kubernetes objects in
 * the state. An object a controller made (it has a controlling owner, as a
 * Deployment's ReplicaSets and their Pods do) is its owner's business, never
 * the state's. `unlabelledPresent` lists the state's objects of kinds the
 * labels can't find (the Namespace) that a direct lookup found in the
 * cluster: they count as lost only when they are really gone.
 */
export function compareWithState(
    cluster: ClusterObject[],
    state: ObjectRef[],
    unlabelledPresent: ObjectRef[] = [],
): StateDifference {
    const key = showObject;
    const inState = new Set(state.map(key));
    const inCluster = new Set([...cluster, ...unlabelledPresent].map(key));
    return {
        orphans: cluster.filter((o) => !o.controller && !inState.has(key(o))).map(plain),
        lost: state.filter((o) => !inCluster.has(key(o))),
    };
}

function plain(o: ObjectRef): ObjectRef {
    return { kind: o.kind, namespace: o.namespace, name: o.name };
}

/** The objects of every {@link COMPONENT_KINDS} kind, in every namespace, that `selector` finds. */
export async function labelledObjects(kube: Kube, selector: string): Promise<ClusterObject[]> {
    const list = JSON.parse(
        await kube.run([
            "get",
            COMPONENT_KINDS.join(","),
            "--all-namespaces",
            "-l",
            selector,
            "-o",
            "json",
        ]),
    ) as { items: { kind: string; metadata: Record<string, any> }[] };
    return list.items.map((o) => {
        const owner = (o.metadata.ownerReferences ?? []).find(
            (r: { controller?: boolean }) => r.controller,
        );
        return {
            kind: o.kind,
            namespace: o.metadata.namespace ?? "",
            name: o.metadata.name,
            ...(owner ? { controller: `${owner.kind}/${owner.name}` } : {}),
        };
    });
}

/**
 * The orphan check of one stack: the objects carrying {@link APP_SELECTOR}'s
 * labels against the Kubernetes objects in its export. The state's objects of
 * kinds the labels can't find (the Namespace) are looked up one by one.
 */
export async function orphanCheck(kube: Kube, exported: StackExport): Promise<StateDifference> {
    const state = resourcesOf(exported)
        .filter((r) => !r.delete)
        .map(kubernetesObject)
        .filter((o): o is ObjectRef => o !== undefined);
    const cluster = await labelledObjects(kube, APP_SELECTOR);
    const labelledKinds = new Set(cluster.map((o) => o.kind));
    const present: ObjectRef[] = [];
    for (const o of state.filter((s) => !labelledKinds.has(s.kind))) {
        if (await kube.find(o.kind, o.name, o.namespace || undefined)) present.push(o);
    }
    return compareWithState(cluster, state, present);
}
