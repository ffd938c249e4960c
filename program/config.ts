import { checkCapacity, maxPodsPerNode } from "../components/eks-cluster/capacity";
import { EksClusterArgs } from "../components/eks-cluster/args";
import { resolveEksCluster, ResolvedEksCluster } from "../components/eks-cluster/config";
import {
    DEFAULTS as SERVICE_DEFAULTS,
    ImagePullPolicy,
    ServiceType,
} from "../components/scalable-service/args";
import { isIngressHost } from "../components/scalable-service/ingress";
import {
    IssueCollector,
    isDns1123Label,
    isIntInRange,
    ValidationError,
} from "../components/shared/validation";
import { APP_SERVICE_COUNT } from "./appShape";
import { type ConfigLookup, configKey as key, Reader } from "./configReader";

/**
 * The program's typed, validated stack config. Pure: it reads raw strings
 * through a lookup function (Pulumi's `config.get`), so tests feed it the
 * stack files directly. Every error names the stack, the key and the value.
 */

// The namespace and the lookup are part of this module's API; the reads live in configReader.ts.
export { CONFIG_NAMESPACE } from "./configReader";
export type { ConfigLookup } from "./configReader";

/** Where the services run. */
export type Platform = "eks" | "local";

/** Settings of the seed's application, the same in every environment but for these. */
export interface AppSettings {
    namespace: string;
    minReplicas: number;
    maxReplicas: number;
    targetCpuUtilization: number;
    proxyServiceType: ServiceType;
    backendImage: string;
    proxyImage: string;
    /** Every service's rollout progress deadline, in seconds (ScalableService's `progressDeadlineSeconds`). */
    progressDeadlineSeconds: number;
    /** EKS only: the host of the proxy's ALB Ingress; unset means no Ingress. */
    proxyIngressHost?: string;
    /** Every container's pull policy; unset means ScalableService's default (Always). */
    imagePullPolicy?: ImagePullPolicy;
}

/** The whole stack config. `eks` is set exactly when `platform` is `"eks"`. */
export interface StackConfig {
    stack: string;
    platform: Platform;
    app: AppSettings;
    /** The resolved cluster settings, for the EKS platform. */
    eks?: ResolvedEksCluster & { region: string };
    /** The kubeconfig context, for the local platform; undefined means the current context. */
    kubeContext?: string;
    /** Problems worth a warning at preview that don't stop the deployment. */
    warnings: string[];
}

/** Maps EksClusterArgs paths to the config keys that feed them. */
const EKS_KEYS: Record<string, string> = {
    clusterName: "(derived from project and stack)",
    kubernetesVersion: key("kubernetesVersion"),
    publicAccessCidrs: key("publicAccessCidrs"),
    endpointPublicAccess: key("endpointPublicAccess"),
    availabilityZones: key("availabilityZones"),
    natGateways: key("natGateways"),
    vpcCidr: key("vpcCidr"),
    "nodeGroup.instanceTypes": key("nodeInstanceTypes"),
    "nodeGroup.minSize": key("nodeMinSize"),
    "nodeGroup.desiredSize": key("nodeDesiredSize"),
    "nodeGroup.maxSize": key("nodeMaxSize"),
    "nodeGroup.diskSizeGb": key("nodeDiskSizeGb"),
    clusterLogTypes: key("clusterLogTypes"),
    protect: key("protect"),
    clusterAdmins: key("clusterAdmins"),
    clusterViewers: key("clusterViewers"),
};

/** The config key for an EksClusterArgs path such as `publicAccessCidrs[0]`. */
export function eksConfigKey(path: string): string {
    const match = /^([^[]+)(\[\d+\])?$/.exec(path);
    const base = match ? match[1] : path;
    return (EKS_KEYS[base] ?? base) + (match?.[2] ?? "");
}

/** Defaults of the application settings (Pulumi.yaml declares the same ones). */
export const APP_DEFAULTS: Omit<AppSettings, "proxyServiceType"> = {
    namespace: "apps",
    minReplicas: 2,
    maxReplicas: 6,
    targetCpuUtilization: 70,
    backendImage: "stefanprodan/podinfo:6.7.1",
    // nginx's stable line (1.27 has ended). A tag, not a digest: no registry is
    // reachable where this is built, so no digest could be verified; operators
    // pin one with `orchestration:proxyImage` (repo:tag@sha256:...).
    proxyImage: "nginxinc/nginx-unprivileged:1.28-alpine",
    progressDeadlineSeconds: SERVICE_DEFAULTS.progressDeadlineSeconds,
};

/**
 * The proxy's Service type when `proxyServiceType` is unset (Pulumi.yaml's ""):
 * a load balancer on EKS; ClusterIP on a local cluster, where nothing may fill in
 * a load balancer's address and `pulumi up` would wait 10 minutes for one.
 */
export const PROXY_SERVICE_TYPE_DEFAULTS: Record<Platform, ServiceType> = {
    eks: "LoadBalancer",
    local: "ClusterIP",
};

const SERVICE_TYPES = ["ClusterIP", "LoadBalancer", "NodePort"] as const;

/** The proxy's Service type, and a warning for a load balancer on a local cluster. */
function readProxyServiceType(
    r: Reader,
    platform: Platform,
): { value: ServiceType; warnings: string[] } {
    const explicit =
        r.optionalString("proxyServiceType") === undefined
            ? undefined
            : r.string("proxyServiceType", SERVICE_TYPES);
    const value = explicit ?? PROXY_SERVICE_TYPE_DEFAULTS[platform];
    const warnings =
        platform === "local" && explicit === "LoadBalancer"
            ? [
                  `'${key("proxyServiceType")}' ("LoadBalancer") on the local platform: kind and minikube fill in no load-balancer address unless one is provided (MetalLB, cloud-provider-kind, minikube tunnel), and pulumi up waits up to 10 minutes for it. ` +
                      `Unset the key for ClusterIP and kubectl port-forward, or set NodePort.`,
              ]
            : [];
    return { value, warnings };
}

/** The application settings from config, with APP_DEFAULTS for the keys that are unset. */
function readAppValues(r: Reader, proxyServiceType: ServiceType): AppSettings {
    const d = APP_DEFAULTS;
    return {
        namespace: r.string("namespace") ?? d.namespace,
        minReplicas: r.int("minReplicas") ?? d.minReplicas,
        maxReplicas: r.int("maxReplicas") ?? d.maxReplicas,
        targetCpuUtilization: r.int("targetCpuUtilization") ?? d.targetCpuUtilization,
        proxyServiceType,
        backendImage: r.string("backendImage") ?? d.backendImage,
        proxyImage: r.string("proxyImage") ?? d.proxyImage,
        progressDeadlineSeconds: r.int("progressDeadlineSeconds") ?? d.progressDeadlineSeconds,
        ...optionalHost(r.optionalString("proxyIngressHost")),
        ...optionalPullPolicy(r),
    };
}

const PULL_POLICIES = ["Always", "IfNotPresent", "Never"] as const;

/** `imagePullPolicy` when set: images loaded into the nodes (kind load, ctr import) need IfNotPresent or Never. */
function optionalPullPolicy(r: Reader): { imagePullPolicy?: ImagePullPolicy } {
    if (r.optionalString("imagePullPolicy") === undefined) return {};
    const value = r.string("imagePullPolicy", PULL_POLICIES);
    return value ? { imagePullPolicy: value } : {};
}

const optionalHost = (host: string | undefined) => (host ? { proxyIngressHost: host } : {});

/** Checks the replica bounds: each from 1 to 100, and min <= max when both are. */
function checkReplicas(issues: IssueCollector, app: AppSettings): void {
    const minOk = issues.check(
        isIntInRange(app.minReplicas, 1, 100),
        key("minReplicas"),
        app.minReplicas,
        "must be an integer from 1 to 100",
    );
    const maxOk = issues.check(
        isIntInRange(app.maxReplicas, 1, 100),
        key("maxReplicas"),
        app.maxReplicas,
        "must be an integer from 1 to 100",
    );
    if (minOk && maxOk) {
        issues.check(
            app.minReplicas <= app.maxReplicas,
            key("minReplicas"),
            app.minReplicas,
            `must be <= '${key("maxReplicas")}' (${app.maxReplicas})`,
        );
    }
}

/** `default` and the `kube-` namespaces, which Kubernetes creates and the program must not own. */
function isClusterNamespace(namespace: string): boolean {
    return namespace === "default" || namespace.startsWith("kube-");
}

/** Checks the application settings, one issue per bad key, in the order of AppSettings. */
function checkApp(issues: IssueCollector, app: AppSettings): void {
    // The program creates this namespace and deletes it on destroy: never one the cluster owns.
    issues.check(
        isDns1123Label(app.namespace) && !isClusterNamespace(app.namespace),
        key("namespace"),
        app.namespace,
        "must be a DNS-1123 label and not a namespace the cluster creates itself (default, kube-*): the program creates it and deletes it on destroy",
    );
    checkReplicas(issues, app);
    issues.check(
        isIntInRange(app.targetCpuUtilization, 1, 1000),
        key("targetCpuUtilization"),
        app.targetCpuUtilization,
        "must be an integer percentage from 1 to 1000",
    );
    for (const name of ["backendImage", "proxyImage"] as const) {
        issues.check(
            /^\S+$/.test(app[name]),
            key(name),
            app[name],
            "must be an image reference such as repo/name:tag",
        );
    }
    issues.check(
        isIntInRange(app.progressDeadlineSeconds, 1, 86400),
        key("progressDeadlineSeconds"),
        app.progressDeadlineSeconds,
        "must be an integer number of seconds from 1 to 86400",
    );
    if (app.proxyIngressHost !== undefined) {
        issues.check(
            isIngressHost(app.proxyIngressHost),
            key("proxyIngressHost"),
            app.proxyIngressHost,
            "must be a lowercase DNS name such as shop.example.com, or empty for no Ingress",
        );
    }
}

/** Reads and checks the application settings; the issues go to the reader's collector. */
function readApp(r: Reader, proxyServiceType: ServiceType): AppSettings {
    const app = readAppValues(r, proxyServiceType);
    checkApp(r.issues, app);
    return app;
}

function readEks(r: Reader, stack: string, project: string): EksClusterArgs {
    return {
        clusterName: `${project}-${stack}`,
        kubernetesVersion: r.string("kubernetesVersion"),
        publicAccessCidrs: r.stringList("publicAccessCidrs"),
        endpointPublicAccess: r.bool("endpointPublicAccess"),
        availabilityZones: r.int("availabilityZones"),
        natGateways: r.string("natGateways", ["Single", "OnePerAz"] as const),
        vpcCidr: r.string("vpcCidr"),
        nodeGroup: {
            instanceTypes: r.stringList("nodeInstanceTypes"),
            minSize: r.int("nodeMinSize"),
            desiredSize: r.int("nodeDesiredSize"),
            maxSize: r.int("nodeMaxSize"),
            diskSizeGb: r.int("nodeDiskSizeGb"),
        },
        clusterLogTypes: r.stringList("clusterLogTypes") as EksClusterArgs["clusterLogTypes"],
        protect: r.bool("protect"),
        metricsServerVersion: r.optionalString("metricsServerVersion"),
        clusterAdmins: r.stringList("clusterAdmins"),
        clusterViewers: r.stringList("clusterViewers"),
    };
}

/**
 * Refuses a node group that can't hold every service at its max replicas plus
 * the system pods at its max size; the message says why and what would fit.
 * Returns a warning when only the max size fits: no cluster autoscaler is
 * installed, so the group stays at its desired size until one is added.
 */
function checkStackCapacity(
    issues: IssueCollector,
    cluster: ResolvedEksCluster,
    app: AppSettings,
    podsOverride: number | undefined,
): string[] {
    const types = cluster.nodeGroup.instanceTypes;
    const unknown = types.filter((t) => maxPodsPerNode(t) === undefined);
    if (podsOverride === undefined && unknown.length > 0) {
        issues.add(
            key("nodeInstanceTypes"),
            types,
            `has no known pod limit for ${unknown.join(", ")}; set '${key("maxPodsPerNode")}' to its max pods (ENIs × (IPv4 per ENI − 1) + 2)`,
        );
        return [];
    }
    const capacityAt = (maxNodes: number) =>
        checkCapacity({
            instanceTypes: types,
            maxNodes,
            serviceMaxReplicas: Array<number>(APP_SERVICE_COUNT).fill(app.maxReplicas),
            podsPerNodeOverride: podsOverride,
        });
    const report = capacityAt(cluster.nodeGroup.maxSize);
    if (report.fits) {
        const atDesired = capacityAt(cluster.nodeGroup.desiredSize);
        return atDesired.fits
            ? []
            : [
                  `'${key("nodeDesiredSize")}' (${cluster.nodeGroup.desiredSize}) nodes fit ${atDesired.capacity} pods, but the services at '${key("maxReplicas")}' need ${atDesired.required}. ` +
                      `No cluster autoscaler is installed, so the node group stays at its desired size and extra pods stay Pending until you add one (Cluster Autoscaler or Karpenter) or raise '${key("nodeDesiredSize")}'.`,
              ];
    }
    const nodesNeeded =
        report.schedulablePerNode > 0
            ? Math.ceil(report.required / report.schedulablePerNode)
            : undefined;
    const fix =
        nodesNeeded !== undefined && nodesNeeded <= 450
            ? `Raise '${key("nodeMaxSize")}' to ${nodesNeeded}, lower '${key("maxReplicas")}', or use a larger instance type (t3.medium holds 17 pods, m5.large 29).`
            : `Use a larger instance type (t3.medium holds 17 pods, m5.large 29).`;
    issues.add(
        key("nodeMaxSize"),
        cluster.nodeGroup.maxSize,
        `nodes of ${report.limitingType} hold ${report.podsPerNode} pods each, ${report.schedulablePerNode} after aws-node, kube-proxy and the Pod Identity agent, so the node group fits ${report.capacity} pods; ` +
            `the stack needs ${report.required}: ${APP_SERVICE_COUNT} services × '${key("maxReplicas")}' (${app.maxReplicas}) = ${report.servicePods}, plus ${report.systemPods} system pods (CoreDNS 2, metrics-server 2). ${fix}`,
    );
    return [];
}

/** The subject of the stack's validation errors: `stack "<name>"`. */
const stackSubject = (stack: string) => `stack "${stack}"`;

/**
 * The config of a local stack: the kubeconfig context, and no proxy Ingress
 * (EKS only). Throws the issues recorded so far and this one.
 */
function localStackConfig(
    stack: string,
    r: Reader,
    app: AppSettings,
    warnings: string[],
): StackConfig {
    r.issues.check(
        app.proxyIngressHost === undefined,
        key("proxyIngressHost"),
        app.proxyIngressHost,
        "is EKS only: it needs the AWS Load Balancer Controller; leave it empty on the local platform",
    );
    r.issues.throwIfAny(stackSubject(stack));
    const kubeContext = r.optionalString("kubeContext");
    return { stack, platform: "local", app, kubeContext, warnings };
}

/** The AWS region, which must be set and look like one (us-west-2). */
function readRegion(r: Reader): string | undefined {
    const region = r.raw("aws:region");
    r.issues.check(
        region !== undefined && /^[a-z]{2}(-[a-z]+)+-\d$/.test(region),
        "aws:region",
        region,
        "must be set to an AWS region such as us-west-2 (pulumi config set aws:region us-west-2)",
    );
    return region;
}

/** The pods-per-node override, from 3 to 737; undefined for the built-in table. */
function readPodsOverride(r: Reader): number | undefined {
    // 0 (the declared default) means "use the built-in table".
    const podsOverride = r.int("maxPodsPerNode") || undefined;
    if (podsOverride !== undefined) {
        r.issues.check(
            isIntInRange(podsOverride, 3, 737),
            key("maxPodsPerNode"),
            podsOverride,
            "must be an integer from 3 to 737",
        );
    }
    return podsOverride;
}

/** Reads and resolves the cluster args; undefined, with their issues recorded, when invalid. */
function readCluster(r: Reader, stack: string, project: string): ResolvedEksCluster | undefined {
    const eksArgs = readEks(r, stack, project);
    try {
        return resolveEksCluster(stack, eksArgs, stackSubject(stack), eksConfigKey);
    } catch (err) {
        if (!(err instanceof ValidationError)) {
            throw err;
        }
        r.issues.absorb(err);
        return undefined;
    }
}

/**
 * The config of an EKS stack: the region, the cluster and, when all else is
 * valid, the capacity check. Throws every issue recorded.
 */
function eksStackConfig(
    stack: string,
    project: string,
    r: Reader,
    app: AppSettings,
    proxyWarnings: string[],
): StackConfig {
    const region = readRegion(r);
    const podsOverride = readPodsOverride(r);
    const cluster = readCluster(r, stack, project);
    const warnings =
        cluster && r.issues.issues.length === 0
            ? checkStackCapacity(r.issues, cluster, app, podsOverride)
            : [];
    r.issues.throwIfAny(stackSubject(stack));
    return {
        stack,
        platform: "eks",
        app,
        eks: { ...cluster!, region: region! },
        warnings: [...proxyWarnings, ...warnings],
    };
}

/**
 * Reads and validates the config of `stack`. Throws one ValidationError whose
 * subject names the stack and whose issues name each key and value.
 */
export function loadStackConfig(stack: string, project: string, lookup: ConfigLookup): StackConfig {
    const r = new Reader(lookup, new IssueCollector());
    const platform = r.string("platform", ["eks", "local"] as const) ?? "eks";
    const proxy = readProxyServiceType(r, platform);
    const app = readApp(r, proxy.value);
    return platform === "local"
        ? localStackConfig(stack, r, app, proxy.warnings)
        : eksStackConfig(stack, project, r, app, proxy.warnings);
}
