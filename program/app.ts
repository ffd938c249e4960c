import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ScalableService } from "../components/scalable-service/component";
import type { ScalableServiceArgs } from "../components/scalable-service/args";
import { currentStackOwner, ownerLabels } from "../components/shared/ownership";
import { BACKEND_PORT, BACKEND_SERVICE_PORT, BACKENDS, PROXY } from "./appShape";
import type { AppSettings } from "./config";
import { PROXY_HEALTH, PROXY_TEMPLATE, ProxyRoute, renderProxyConfig } from "./proxyConfig";
import { proxyIngress } from "./proxyIngress";

/**
 * The seed's application: a public reverse proxy that routes /api/ to two
 * internal backends, which it reaches by Service name over ClusterIP.
 */

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

type Autoscaling = ScalableServiceArgs["autoscaling"];
type Children = { provider: k8s.Provider; dependsOn: pulumi.Resource[] };
const PART_OF = { "app.kubernetes.io/part-of": "orchestration" };

/** Registers the namespace, the backends and the proxy. */
export function deployApp(settings: AppSettings, placement: AppPlacement): App {
    const { provider } = placement;
    const autoscaling = appAutoscaling(settings, placement.metricsServer);
    const namespace = new k8s.core.v1.Namespace(
        settings.namespace,
        {
            metadata: {
                name: settings.namespace,
                labels: { ...NAMESPACE_LABELS, ...ownerLabels(currentStackOwner()) },
            },
        },
        { provider },
    );
    const backends = deployBackends(settings, autoscaling, { provider, dependsOn: [namespace] });
    // nginx resolves the backends' names per request, so it needs their Services to
    // exist, not their pods ready: waiting on the whole backend components would
    // serialise the proxy's rollout behind theirs.
    const proxy = deployProxy(settings, autoscaling, {
        provider,
        dependsOn: [namespace, ...backends.map((b) => b.service)],
    });

    const services: Record<string, ScalableService> = { [PROXY.serviceName]: proxy };
    BACKENDS.forEach((b, i) => (services[b.name] = backends[i]));
    return { namespace, proxy, backends, services };
}

/** Every service's HPA settings; the HPAs wait for the metrics pipeline when there is one. */
export function appAutoscaling(
    settings: AppSettings,
    metricsServer?: pulumi.Resource,
): Autoscaling {
    return {
        minReplicas: settings.minReplicas,
        maxReplicas: settings.maxReplicas,
        targetCpuUtilization: settings.targetCpuUtilization,
        dependsOn: metricsServer ? [metricsServer] : [],
    };
}

/** A podinfo backend's arguments: what every backend (and the e2e benchmark's N services) runs. */
export function backendArgs(
    settings: AppSettings,
    autoscaling: Autoscaling,
    message: string,
): ScalableServiceArgs {
    return {
        image: settings.backendImage,
        port: BACKEND_PORT,
        servicePort: BACKEND_SERVICE_PORT,
        namespace: settings.namespace,
        autoscaling,
        probes: { readiness: { path: "/readyz" }, liveness: { path: "/healthz" } },
        // podinfo needs about 30 MiB; the memory limit defaults to the request.
        resources: { requests: { cpu: "100m", memory: "64Mi" } },
        env: { PODINFO_UI_MESSAGE: message },
        labels: PART_OF,
        progressDeadlineSeconds: settings.progressDeadlineSeconds,
        ...pullPolicy(settings),
    };
}

/** The pull policy when the stack sets one; otherwise the component's default applies. */
function pullPolicy(settings: AppSettings): Pick<ScalableServiceArgs, "imagePullPolicy"> {
    return settings.imagePullPolicy ? { imagePullPolicy: settings.imagePullPolicy } : {};
}

/** The podinfo backends, reached by Service name over ClusterIP. */
function deployBackends(
    settings: AppSettings,
    autoscaling: Autoscaling,
    opts: Children,
): ScalableService[] {
    return BACKENDS.map(
        (b) => new ScalableService(b.name, backendArgs(settings, autoscaling, b.message), opts),
    );
}

/** The routes of the proxy: each backend behind its prefix. */
export function proxyRoutes(): ProxyRoute[] {
    return BACKENDS.map((b) => ({
        prefix: b.prefix,
        serviceName: b.name,
        servicePort: BACKEND_SERVICE_PORT,
    }));
}

/**
 * The nginx reverse proxy. Its config is a template that the image's
 * entrypoint completes at start with the cluster DNS's address (see
 * program/proxyConfig.ts), into a writable conf.d.
 */
function deployProxy(
    settings: AppSettings,
    autoscaling: Autoscaling,
    opts: Children,
): ScalableService {
    const template = renderProxyConfig(PROXY.port, settings.namespace, proxyRoutes());
    return new ScalableService(
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
            env: { ...PROXY_TEMPLATE.env },
            security: { writablePaths: ["/tmp", PROXY_TEMPLATE.outputDir] },
            config: {
                mountPath: PROXY_TEMPLATE.templateDir,
                files: { [PROXY_TEMPLATE.fileName]: template },
            },
            labels: PART_OF,
            progressDeadlineSeconds: settings.progressDeadlineSeconds,
            ...pullPolicy(settings),
            ...(settings.proxyIngressHost
                ? { ingress: proxyIngress(settings.proxyIngressHost) }
                : {}),
        },
        opts,
    );
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
