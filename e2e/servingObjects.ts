import { Kube, KubeObject } from "./kube";

/** The kinds, as kubectl names them, whose identity an upgrade must keep. */
export const SERVING_RESOURCES: readonly string[] = [
    "deployments.apps",
    "services",
    "horizontalpodautoscalers.autoscaling",
    "poddisruptionbudgets.policy",
];

/** One object that serves, as the API server holds it. */
export interface ServingObject {
    kind: string;
    namespace: string;
    name: string;
    /** A replaced object (deleted and created again, even under its name) has a new UID. */
    uid: string;
    /** A Service's `spec.clusterIP`, which its clients may have cached. */
    clusterIP?: string;
}

/** The Deployments, Services, HPAs and PDBs of `namespace` (and the namespace itself), read through the API server. */
export async function servingObjects(kube: Kube, namespace: string): Promise<ServingObject[]> {
    const list = JSON.parse(
        await kube.run(["get", SERVING_RESOURCES.join(","), "-n", namespace, "-o", "json"]),
    ) as { items: KubeObject[] };
    const ns: KubeObject = await kube.get("namespace", namespace);
    return [{ ...ns, kind: "Namespace" }, ...list.items].map((o) => ({
        kind: o.kind as string,
        namespace,
        name: o.metadata.name as string,
        uid: o.metadata.uid as string,
        ...(o.kind === "Service" ? { clusterIP: o.spec.clusterIP as string } : {}),
    }));
}

/**
 * What an upgrade broke, one line per object of `before`: gone, replaced (a
 * new UID), or a Service at a new ClusterIP. Objects new in `after` are not
 * changes. Empty when every object kept its identity.
 */
export function identityChanges(before: ServingObject[], after: ServingObject[]): string[] {
    const key = (o: ServingObject) => `${o.kind} ${o.namespace}/${o.name}`;
    const now = new Map(after.map((o) => [key(o), o]));
    return before.flatMap((o) => {
        const a = now.get(key(o));
        if (!a) return [`${key(o)} is gone`];
        const changes: string[] = [];
        if (a.uid !== o.uid) changes.push(`${key(o)} was replaced: uid ${o.uid} -> ${a.uid}`);
        if (a.clusterIP !== o.clusterIP) {
            changes.push(`${key(o)} moved: clusterIP ${o.clusterIP} -> ${a.clusterIP}`);
        }
        return changes;
    });
}
