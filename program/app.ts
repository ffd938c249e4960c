import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ScalableService } from "../components/scalableService";
import type { AppSettings } from "./config";
import { PROXY_HEALTH, renderProxyConfig } from "./proxyConfig";
import { proxyIngress } from "./proxyIngress";

/**
 * The seed's application: a public reverse proxy that routes /api/ to two
 * internal backends, which it reaches by Service name over ClusterIP.
 */

/** The reverse proxy: the seed calls it as `reverseproxy-svc:8080`. */
export const PROXY = { name: "reverseproxy", serviceName: "reverseproxy-svc", port: 8080 } as const;

/** The backends, each behind `/api/<name>/` on the proxy. */
export const BACKENDS = [
    { name: "backend-user", prefix: "/api/users/", message: "Hello from the users backend" },
    { name: "backend-feed", prefix: "/api/feed/", message: "Hello from the feed backend" },
] as const;

/** podinfo listens here; its Services expose port 80. */
const BACKEND_PORT = 9898;
const BACKEND_SERVICE_PORT = 80;

/** How many ScalableServices the application runs (for the capacity check). */
export const APP_SERVICE_COUNT = BACKENDS.length + 1;

/** Pod Security Admission labels: the namespace admits only restricted pods. */
export const NAMESPACE_LABELS = {
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/audit": "restricted",
    "pod-security.kubernetes.io/warn": "restricted",
} as const;

/** What the application exposes to the stack outputs. */
export interface App {
    namespace: k8s.core.v1.Namespace;
    proxy: ScalableService;
    backends: ScalableService[];
    /** Every service, keyed by its Service name. */
    services: Record<string, ScalableService>;
}

/** Where the application runs: the provider, and what the HPAs must wait for. */
export interface AppPlacement {
    provider: k8s.Provider;
    /** The metrics pipeline (metrics-server); HPAs wait for it. */
    metricsServer?: pulumi.Resource;
}

/** Registers the namespace, the backends and the proxy. */
export function deployApp(settings: AppSettings, placement: AppPlacement): App {
    const { provider } = placement;
    const autoscaling = {
        minReplicas: settings.minReplicas,
        maxReplicas: settings.maxReplicas,
        targetCpuUtilization: settings.targetCpuUtilization,
        dependsOn: placement.metricsServer ? [placement.metricsServer] : [],
    };
    const namespace = new k8s.core.v1.Namespace(
        settings.namespace,
        { metadata: { name: settings.namespace, labels: { ...NAMESPACE_LABELS } } },
        { provider },
    );

    const backends = BACKENDS.map(
        (b) =>
            new ScalableService(
                b.name,
                {
                    image: settings.backendImage,
                    port: BACKEND_PORT,
                    servicePort: BACKEND_SERVICE_PORT,
                    namespace: settings.namespace,
                    autoscaling,
                    probes: { readiness: { path: "/readyz" }, liveness: { path: "/healthz" } },
                    // podinfo needs about 30 MiB; the memory limit defaults to the request.
                    resources: { requests: { cpu: "100m", memory: "64Mi" } },
                    env: { PODINFO_UI_MESSAGE: b.message },
                    labels: { "app.kubernetes.io/part-of": "orchestration" },
                },
                { provider, dependsOn: [namespace] },
            ),
    );

    const proxy = new ScalableService(
        PROXY.name,
        {
            serviceName: PROXY.serviceName,
            image: settings.proxyImage,
            port: PROXY.port,
            namespace: settings.namespace,
            serviceType: settings.proxyServiceType,
            autoscaling,
            probes: {
                readiness: { path: PROXY_HEALTH.readiness },
                liveness: { path: PROXY_HEALTH.liveness },
            },
            resources: { requests: { cpu: "50m", memory: "64Mi" } },
            config: {
                mountPath: "/etc/nginx/conf.d",
                files: {
                    "default.conf": renderProxyConfig(
                        PROXY.port,
                        settings.namespace,
                        BACKENDS.map((b) => ({
                            prefix: b.prefix,
                            serviceName: b.name,
                            servicePort: BACKEND_SERVICE_PORT,
                        })),
                    ),
                },
            },
            labels: { "app.kubernetes.io/part-of": "orchestration" },
            ...(settings.proxyIngressHost
                ? { ingress: proxyIngress(settings.proxyIngressHost) }
                : {}),
        },
        // nginx resolves its upstreams at start-up: the backends' Services must exist first.
        { provider, dependsOn: [namespace, ...backends] },
    );

    const services: Record<string, ScalableService> = { [PROXY.serviceName]: proxy };
    BACKENDS.forEach((b, i) => (services[b.name] = backends[i]));
    return { namespace, proxy, backends, services };
}

/** The public address of a LoadBalancer Service: a hostname on AWS, an IP elsewhere. */
export function loadBalancerAddress(
    service: k8s.core.v1.Service,
): pulumi.Output<string | undefined> {
    return service.status.loadBalancer.ingress.apply((ingress) => {
        const first = ingress?.[0];
        return first?.hostname ?? first?.ip;
    });
}

/**
 * Ready-to-paste kubectl commands for the seed's workflow. `contextFlag` is
 * `--context <name>` for a named kubeconfig context, or empty.
 */
export function kubectlCommands(namespace: string, contextFlag = ""): Record<string, string> {
    const k = `kubectl${contextFlag ? ` ${contextFlag}` : ""} -n ${namespace}`;
    const backend = BACKENDS[0].name;
    const selector = (name: string) => `-l app.kubernetes.io/name=${name}`;
    return {
        getPods: `${k} get pods -o wide`,
        describeServices: `${k} describe services`,
        logs: `${k} logs ${selector(backend)} --tail=50 --prefix`,
        exec: `${k} exec -it deploy/${PROXY.serviceName} -- sh`,
        internalRequest: `${k} exec deploy/${backend} -- wget -qO- http://${PROXY.serviceName}:${PROXY.port}/api/health`,
        deletePodToWatchItHeal: `${k} delete $(${k} get pod ${selector(backend)} -o name | head -n 1) --wait=false && ${k} get pods ${selector(backend)} -w`,
        describeHpa: `${k} describe hpa`,
        generateLoad: `${k} exec deploy/${PROXY.serviceName} -- sh -c 'end=$(($(date +%s)+120)); while [ $(date +%s) -lt $end ]; do wget -qO- http://${backend}/ >/dev/null; done'`,
        watchHpa: `${k} get hpa -w`,
    };
}
