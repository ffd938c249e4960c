import { expandEnvValue } from "../components/scalable-service/envOrder";
import { Kube, KubeObject } from "./kube";

/**
 * The environment the kubelet would give a container, built from the live
 * objects the API server holds: `envFrom` first, then `env` in list order,
 * each `value` expanded (`$(VAR)`) against what is defined before it, each
 * `secretKeyRef`/`configMapKeyRef` read from the live Secret or ConfigMap.
 * KWOK runs no kubelet, so this is how the e2e suite asserts on what a real
 * process would see; the expansion is Kubernetes' own algorithm, ported and
 * unit-tested in test/scalableServiceEnvOrder.test.ts.
 */
export async function containerEnvironment(
    kube: Kube,
    namespace: string,
    container: KubeObject,
): Promise<Record<string, string>> {
    const read = dataReader(kube, namespace);
    const env: Record<string, string> = {};
    for (const source of (container.envFrom ?? []) as KubeObject[]) {
        const kind = source.secretRef ? "secret" : "configmap";
        const data = await read(kind, (source.secretRef ?? source.configMapRef).name);
        for (const [k, v] of Object.entries(data)) env[`${source.prefix ?? ""}${k}`] = v;
    }
    for (const v of (container.env ?? []) as KubeObject[]) {
        if (v.value !== undefined) {
            env[v.name] = expandEnvValue(v.value as string, (n) => env[n]);
        } else if (v.valueFrom?.secretKeyRef || v.valueFrom?.configMapKeyRef) {
            const ref = v.valueFrom.secretKeyRef ?? v.valueFrom.configMapKeyRef;
            const kind = v.valueFrom.secretKeyRef ? "secret" : "configmap";
            const value = (await read(kind, ref.name))[ref.key];
            if (value !== undefined) env[v.name] = value;
        } else if (v.valueFrom === undefined) {
            env[v.name] = ""; // the API server drops an empty value
        }
    }
    return env;
}

/** Reads a Secret's or ConfigMap's data as text, once per object. */
function dataReader(kube: Kube, namespace: string) {
    const cache = new Map<string, Promise<Record<string, string>>>();
    const load = async (kind: string, name: string): Promise<Record<string, string>> => {
        const obj = await kube.get(kind, name, namespace);
        const data = (obj.data ?? {}) as Record<string, string>;
        if (kind !== "secret") return data;
        return Object.fromEntries(
            Object.entries(data).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]),
        );
    };
    return (kind: string, name: string) => {
        const key = `${kind}/${name}`;
        if (!cache.has(key)) cache.set(key, load(kind, name));
        return cache.get(key)!;
    };
}
