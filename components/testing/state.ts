/**
 * Realistic mock state: what a provider would return for a resource, so code
 * that reads computed outputs (a Service's load balancer hostname, an EKS
 * cluster's kubeconfig, a VPC's subnet IDs) works under mocks.
 *
 * Everything here is deterministic: the same inputs give the same state.
 */

type State = Record<string, any>;
type StateFn = (name: string, inputs: State) => State;

/** Region and account the mocks pretend to run in. */
export const MOCK_REGION = "us-west-2";
export const MOCK_ACCOUNT = "123456789012";

function kubernetesObject(name: string, inputs: State): State {
    const metadata = inputs.metadata ?? {};
    return {
        ...inputs,
        metadata: {
            ...metadata,
            // Auto-naming: Pulumi appends a random suffix; the mock uses a fixed one.
            name: metadata.name ?? `${name}-mock`,
            namespace: metadata.namespace ?? "default",
            uid: `${name}-uid`,
        },
    };
}

function kubernetesService(name: string, inputs: State): State {
    const state = kubernetesObject(name, inputs);
    const type = inputs.spec?.type ?? "ClusterIP";
    const ingress =
        type === "LoadBalancer"
            ? [{ hostname: `${state.metadata.name}-0123456789.${MOCK_REGION}.elb.amazonaws.com` }]
            : [];
    return {
        ...state,
        spec: { ...inputs.spec, clusterIP: "10.100.0.10" },
        status: { loadBalancer: { ingress } },
    };
}

const STATES: Record<string, StateFn> = {
    "kubernetes:core/v1:Service": kubernetesService,
};

/** The state a provider would return for a resource of `type`. */
export function mockState(type: string, name: string, inputs: State): State {
    const fn =
        STATES[type] ??
        (type.startsWith("kubernetes:") && type !== "pulumi:providers:kubernetes"
            ? kubernetesObject
            : undefined);
    return fn ? fn(name, inputs) : { ...inputs };
}

/** Register or replace the state function for a type (for types this kit doesn't know). */
export function registerMockState(type: string, fn: StateFn): void {
    STATES[type] = fn;
}

type CallFn = (inputs: State) => State;
const CALLS: Record<string, CallFn> = {};

/** The result of a provider function (invoke) under mocks. */
export function mockCall(token: string, inputs: State): State {
    const fn = CALLS[token];
    return fn ? fn(inputs) : {};
}

/** Register or replace the result of an invoke, keyed by its token. */
export function registerMockCall(token: string, fn: CallFn): void {
    CALLS[token] = fn;
}
