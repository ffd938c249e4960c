import type { Kube, KubeObject } from "../../e2e/kube";
import { waitFor } from "../../e2e/proc";
import { rolledOut } from "../../e2e/workloads";

/**
 * What way (a) waits for after `kubectl apply`, and what every way's
 * teardown waits for, read through the API server.
 */

/** Whether every Deployment is rolled out and every Service has a ready endpoint. */
export function deployed(objects: readonly KubeObject[]): boolean {
    const deployments = objects.filter((o) => o.kind === "Deployment");
    const services = objects.filter((o) => o.kind === "Service");
    const ready = new Set(
        objects
            .filter((o) => o.kind === "EndpointSlice")
            .filter((s) => (s.endpoints ?? []).some((e: any) => e.conditions?.ready === true))
            .map((s) => s.metadata.labels?.["kubernetes.io/service-name"] as string),
    );
    return (
        deployments.length > 0 &&
        deployments.every(rolledOut) &&
        services.every((s) => ready.has(s.metadata.name))
    );
}

/** Waits until {@link deployed} holds in `namespace`, with one kubectl read per poll. */
export async function waitDeployed(kube: Kube, namespace: string): Promise<void> {
    await waitFor(
        `every Deployment in ${namespace} rolled out and every Service with ready endpoints`,
        async () => {
            const objects: KubeObject[] = await kube.get(
                "deployments,services,endpointslices",
                undefined,
                namespace,
            );
            return deployed(objects) ? true : undefined;
        },
        { timeoutMs: 600_000, intervalMs: 100 },
    );
}

/** Waits until the namespace is gone (its deletion finished), so the next way starts clean. */
export async function waitNamespaceGone(kube: Kube, namespace: string): Promise<void> {
    await waitFor(
        `namespace ${namespace} to be deleted`,
        async () => ((await kube.find("namespace", namespace)) ? undefined : true),
        { timeoutMs: 600_000, intervalMs: 250 },
    );
}
