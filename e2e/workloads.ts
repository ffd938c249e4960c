import { spawn } from "child_process";
import { condition, isReady, Kube, KubeObject, matches } from "./kube";
import { waitFor } from "./proc";

/** A Deployment's selector as `k=v,k=v`. */
export function selectorOf(deployment: KubeObject): string {
    return Object.entries(deployment.spec.selector.matchLabels as Record<string, string>)
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
}

/**
 * Asks the API server to evict `pod` (the Eviction API, which a drain uses and
 * which honours PodDisruptionBudgets). Never throws: the exit code and stderr
 * say whether the eviction was refused.
 */
export function evictPod(kube: Kube, namespace: string, pod: string) {
    return kube.attempt(
        ["create", "--raw", `/api/v1/namespaces/${namespace}/pods/${pod}/eviction`, "-f", "-"],
        {
            input: JSON.stringify({
                apiVersion: "policy/v1",
                kind: "Eviction",
                metadata: { name: pod, namespace },
            }),
        },
    );
}

/**
 * Annotates every ready pod of Deployment `name` with `annotation` (`key=value`,
 * or `key-` to remove it). KWOK reports the CPU usage `kwok.x-k8s.io/usage-cpu`
 * names, which is how the suites drive an HPA. Returns the pods it annotated.
 */
export async function annotateReadyPods(
    kube: Kube,
    namespace: string,
    name: string,
    annotation: string,
): Promise<KubeObject[]> {
    const { readyPods } = await workload(kube, namespace, name);
    for (const p of readyPods) {
        await kube.run([
            "annotate",
            "pod",
            p.metadata.name,
            "-n",
            namespace,
            "--overwrite",
            annotation,
        ]);
    }
    return readyPods;
}

/** What one Deployment runs right now, read through the API server. */
export interface Workload {
    deployment: KubeObject;
    /** Ready pods that are not being deleted. */
    readyPods: KubeObject[];
    /** The nodes those pods run on. */
    nodes: Set<string>;
}

export async function workload(kube: Kube, namespace: string, name: string): Promise<Workload> {
    const deployment = await kube.get("deployment", name, namespace);
    const readyPods = (await kube.pods(namespace, selectorOf(deployment))).filter(isReady);
    return {
        deployment,
        readyPods,
        nodes: new Set(readyPods.map((p) => p.spec.nodeName as string)),
    };
}

/** The zone (`topology.kubernetes.io/zone` of its node) of each pod, in order. */
export async function podZones(kube: Kube, pods: KubeObject[]): Promise<string[]> {
    const nodes: KubeObject[] = await kube.get("nodes");
    const zoneOf = new Map(
        nodes.map((n) => [n.metadata.name, n.metadata.labels["topology.kubernetes.io/zone"]]),
    );
    return pods.map((p) => zoneOf.get(p.spec.nodeName) as string);
}

/** Whether the Deployment is Available and rolled out: every desired replica updated and ready. */
export function rolledOut(d: KubeObject): boolean {
    const want = d.spec.replicas ?? 1;
    return (
        condition(d, "Available") === "True" &&
        d.status?.observedGeneration >= d.metadata.generation &&
        d.status?.updatedReplicas === want &&
        d.status?.readyReplicas === want &&
        (d.status?.replicas ?? 0) === want
    );
}

/** Waits until the Deployment is rolled out with at least `minReady` ready pods. */
export function waitRolledOut(
    kube: Kube,
    namespace: string,
    name: string,
    minReady = 1,
    timeoutMs = 120_000,
): Promise<Workload> {
    return waitFor(
        `deployment ${namespace}/${name} rolled out with >= ${minReady} ready pods`,
        async () => {
            const w = await workload(kube, namespace, name);
            return rolledOut(w.deployment) && w.readyPods.length >= minReady ? w : undefined;
        },
        { timeoutMs },
    );
}

/** The ready endpoint addresses of a Service, from its EndpointSlices. */
export async function readyEndpoints(
    kube: Kube,
    namespace: string,
    service: string,
): Promise<string[]> {
    const slices: KubeObject[] = await kube.get(
        "endpointslices.discovery.k8s.io",
        undefined,
        namespace,
    );
    return slices
        .filter((s) => s.metadata.labels?.["kubernetes.io/service-name"] === service)
        .flatMap((s) => (s.endpoints ?? []) as any[])
        .filter((e) => e.conditions?.ready === true)
        .flatMap((e) => e.addresses as string[]);
}

/**
 * Waits until a Service's ready endpoints are exactly its Deployment's ready
 * pods (by address), and returns them. The Services skip the provider's await,
 * so the endpoint controller may lag the Deployment by a moment.
 */
export function waitEndpointsMatchPods(
    kube: Kube,
    namespace: string,
    name: string,
    timeoutMs = 30_000,
): Promise<string[]> {
    return waitFor(
        `${namespace}/${name}'s endpoints to match its ready pods`,
        async () => {
            const w = await workload(kube, namespace, name);
            const endpoints = (await readyEndpoints(kube, namespace, name)).sort();
            const ips = w.readyPods.map((p) => p.status.podIP as string).sort();
            return ips.length > 0 && JSON.stringify(endpoints) === JSON.stringify(ips)
                ? endpoints
                : undefined;
        },
        { timeoutMs },
    );
}

/** The lowest and highest count of ready pods seen while a {@link watchReadyPods} ran. */
export interface ReadyWatch {
    min: number;
    max: number;
    /** How many pod events the watch saw. */
    events: number;
    /** The pods an event showed ready that were not ready when the watch started. */
    becameReady: Set<string>;
}

/** `kubectl get pods -w` of a selector, printing each event as JSON. */
function podWatchArgs(kube: Kube, namespace: string, selector: string): string[] {
    const watch = ["--watch-only", "--output-watch-events", "-o", "json"];
    return [
        "--kubeconfig",
        kube.kubeconfig,
        "get",
        "pods",
        "-n",
        namespace,
        "-l",
        selector,
        ...watch,
    ];
}

/**
 * Watches the pods of a selector through the API server (`kubectl get -w`)
 * and tracks how many are ready after every event, so a dip that lasts
 * milliseconds is seen. Call the returned function to stop and read it.
 */
export async function watchReadyPods(
    kube: Kube,
    kubectl: string,
    namespace: string,
    selector: string,
): Promise<() => Promise<ReadyWatch>> {
    const state = new Map<string, boolean>();
    for (const p of await kube.pods(namespace, selector)) {
        state.set(p.metadata.name, isReady(p));
    }
    const count = () => [...state.values()].filter((r) => r).length;
    const seen: ReadyWatch = { min: count(), max: count(), events: 0, becameReady: new Set() };
    const readyAtStart = new Set([...state].filter(([, ready]) => ready).map(([name]) => name));
    const child = spawn(kubectl, podWatchArgs(kube, namespace, selector), {
        stdio: ["ignore", "pipe", "pipe"],
    });
    const split = jsonObjects();
    child.stdout.on("data", (chunk: Buffer) => {
        for (const event of split(chunk.toString()) as { type: string; object: KubeObject }[]) {
            const pod = event.object;
            if (!matches(pod.metadata.labels ?? {}, selector)) continue;
            if (event.type === "DELETED") state.delete(pod.metadata.name);
            else state.set(pod.metadata.name, isReady(pod));
            if (isReady(pod) && event.type !== "DELETED" && !readyAtStart.has(pod.metadata.name)) {
                seen.becameReady.add(pod.metadata.name);
            }
            seen.events++;
            seen.min = Math.min(seen.min, count());
            seen.max = Math.max(seen.max, count());
        }
    });
    // Let the watch open before the caller changes anything.
    await new Promise((r) => setTimeout(r, 1000));
    return async () => {
        await new Promise((r) => setTimeout(r, 500));
        child.kill();
        return seen;
    };
}

/**
 * Splits a stream of concatenated JSON objects (what `kubectl get -w -o json`
 * prints, pretty or compact) into parsed objects, whatever the chunking.
 */
export function jsonObjects(): (chunk: string) => unknown[] {
    let buffer = "";
    let depth = 0;
    let inString = false;
    let escaped = false;
    let scanned = 0;
    return (chunk) => {
        buffer += chunk;
        const out: unknown[] = [];
        for (let i = scanned; i < buffer.length; i++) {
            const c = buffer[i];
            if (inString) {
                if (escaped) escaped = false;
                else if (c === "\\") escaped = true;
                else if (c === '"') inString = false;
            } else if (c === '"') inString = true;
            else if (c === "{") depth++;
            else if (c === "}" && --depth === 0) {
                out.push(JSON.parse(buffer.slice(0, i + 1)));
                buffer = buffer.slice(i + 1);
                i = -1;
            }
        }
        scanned = buffer.length;
        return out;
    };
}
