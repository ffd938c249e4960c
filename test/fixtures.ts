import { strict as assert } from "assert";
import { resolveScalableService, ScalableServiceArgs, ValidationError } from "../components";

/** The contract example: every documented argument, set. */
export function contractArgs(): ScalableServiceArgs {
    return {
        image: "stefanprodan/podinfo:6.7.1",
        port: 9898,
        servicePort: 80,
        namespace: "shop",
        serviceType: "ClusterIP",
        autoscaling: {
            minReplicas: 2,
            maxReplicas: 10,
            targetCpuUtilization: 70,
            targetMemoryUtilization: 80,
        },
        probes: {
            readiness: { path: "/readyz" },
            liveness: { path: "/healthz" },
            startup: { path: "/readyz" },
        },
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
        env: { LOG_LEVEL: "info" },
    };
}

/** The smallest valid input. */
export function minimalArgs(): ScalableServiceArgs {
    return { image: "stefanprodan/podinfo:6.7.1", port: 9898 };
}

/**
 * Asserts that resolving a ScalableService named `name` from `minimalArgs()`
 * plus `extra` throws a ValidationError whose message holds every fragment.
 */
export function assertRejected(
    name: string,
    extra: Partial<ScalableServiceArgs>,
    ...fragments: string[]
): void {
    assert.throws(
        () => resolveScalableService(name, { ...minimalArgs(), ...extra }),
        (err: unknown) => {
            assert.ok(err instanceof ValidationError, String(err));
            for (const f of fragments) {
                assert.ok(err.message.includes(f), `message lacks ${f}:\n${err.message}`);
            }
            return true;
        },
    );
}
