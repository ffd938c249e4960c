import { createHash } from "crypto";
import { posix } from "path";
import {
    DEFAULTS,
    ImagePullPolicy,
    IngressNamespaces,
    ScalableServiceArgs,
    ServiceType,
} from "./args";
import { ResolvedEnvFrom, ResolvedEnvVar, resolveEnv } from "./env";
import { ResolvedIngress, resolveIngress } from "./ingress";
import { ResolvedProbe, resolveProbes } from "./probes";
import { resolveProgressDeadline } from "./rollout";
import { checkScaledRequests, resolveResources } from "./resources";
import { ResolvedScaling, resolveScaling } from "./scaling";

export type { ResolvedProbe } from "./probes";
export type { ResolvedScaling } from "./scaling";
import { ownerLabels, PROJECT_LABEL, STACK_LABEL, StackOwner } from "../shared/ownership";
import { ResolvedPodExtras, resolvePodExtras } from "./pod";
import {
    checkAnnotations,
    formatValue,
    isConfigMapKey,
    IssueCollector,
    isDns1035Label,
    isDns1123Label,
    isDns1123Subdomain,
    isIntInRange,
    isLabelKey,
    isLabelValue,
} from "../shared/validation";

/**
 * Turns `ScalableServiceArgs` into a fully resolved, validated description.
 * Pure: no resources, no Outputs created. Defaults are applied once, here,
 * with `??`, and every builder downstream reads only the resolved form.
 */

/** Everything the spec builders need, with defaults applied. */
export interface ResolvedService {
    serviceName: string;
    namespace: string;
    image: string;
    port: number;
    servicePort: number;
    serviceType: ServiceType;
    scaling: ResolvedScaling;
    probes: { readiness?: ResolvedProbe; liveness?: ResolvedProbe; startup?: ResolvedProbe };
    requests: Record<string, string>;
    limits: Record<string, string>;
    /** Sorted by name, so the container spec is deterministic. */
    env: ResolvedEnvVar[];
    envFrom: ResolvedEnvFrom[];
    args?: string[];
    config?: { mountPath: string; files: Record<string, string>; configMapName: string };
    /** The selector: feeds the Deployment, the pod template, the Service and the PDB. */
    selectorLabels: Record<string, string>;
    /** The selector plus the standard and user labels, for every object's metadata. */
    labels: Record<string, string>;
    /**
     * The project and stack labels (`PROJECT_LABEL`, `STACK_LABEL`) on every
     * object's metadata, not on the pods; empty without an owner.
     */
    ownerLabels: Record<string, string>;
    serviceAnnotations: Record<string, string>;
    serviceAccount: { create: boolean; name: string };
    security: {
        runAsUser: number;
        runAsGroup: number;
        runAsNonRoot: boolean;
        readOnlyRootFilesystem: boolean;
        writablePaths: string[];
        automountServiceAccountToken: boolean;
    };
    preStopSleepSeconds: number;
    terminationGracePeriodSeconds: number;
    imagePullPolicy: ImagePullPolicy;
    /** The Deployment's `progressDeadlineSeconds`; `pulumi up` waits for it plus a margin. */
    progressDeadlineSeconds: number;
    /**
     * The service may run two or more replicas (a fixed count, or the HPA's
     * maximum): a PDB then keeps drains to one pod at a time. At one running
     * replica its `maxUnavailable: 1` still allows that pod's eviction, so it
     * never blocks a drain; a fixed single replica gets none, as it protects nothing.
     */
    createPdb: boolean;
    /** Pod labels and annotations, pull secrets, zone spread, ServiceAccount annotations. */
    pod: ResolvedPodExtras;
    /** The Ingress, or undefined for none. */
    ingress?: ResolvedIngress;
    /** The NetworkPolicy, or undefined for none. */
    networkPolicy?: {
        /** "anywhere", or the namespaces whose pods may connect (this one first). */
        ingressFrom: "anywhere" | IngressNamespaces;
        allowAllEgress: boolean;
        ports: number[];
    };
}

/** The outcome of resolving: the description, plus warnings worth showing. */
export interface Resolution {
    resolved: ResolvedService;
    warnings: string[];
}

/** The label key that selects a service's pods. User labels can't override it. */
export const SELECTOR_LABEL = "app.kubernetes.io/name";

const SERVICE_TYPES: readonly string[] = ["ClusterIP", "LoadBalancer", "NodePort"];
const PULL_POLICIES: readonly string[] = ["Always", "IfNotPresent", "Never"];

function isAbsolutePath(path: unknown): path is string {
    return typeof path === "string" && path.startsWith("/");
}

/** A mount path as the container sees it: `/tmp/`, `/tmp//` and `/tmp` are one directory. */
function mountPoint(path: string): string {
    const normalized = posix.normalize(path);
    return normalized.length > 1 ? normalized.replace(/\/+$/, "") : normalized;
}

/** The entrypoint's arguments: a list of strings (a plain-JavaScript caller could pass one string). */
function checkContainerArgs(issues: IssueCollector, given: unknown): void {
    if (given !== undefined) {
        issues.check(
            Array.isArray(given) && given.every((a) => typeof a === "string"),
            "args",
            given,
            "must be a list of strings",
        );
    }
}

/** Why each reserved label key can't be set through `labels`. */
const RESERVED_LABELS: Record<string, string> = {
    [SELECTOR_LABEL]: "the component sets it to 'serviceName' to select its own pods",
    [PROJECT_LABEL]: "the component sets it to the Pulumi project that owns the objects",
    [STACK_LABEL]: "the component sets it to the Pulumi stack that owns the objects",
};

function resolveLabels(
    issues: IssueCollector,
    args: ScalableServiceArgs,
    serviceName: string,
    owner: StackOwner | undefined,
) {
    const selectorLabels = { [SELECTOR_LABEL]: serviceName };
    const extra = args.labels ?? {};
    for (const [key, value] of Object.entries(extra)) {
        if (Object.hasOwn(RESERVED_LABELS, key)) {
            issues.add(`labels.${key}`, value, `is reserved: ${RESERVED_LABELS[key]}`);
            continue;
        }
        issues.check(isLabelKey(key), `labels.${key}`, key, "is not a valid label key");
        issues.check(
            isLabelValue(value),
            `labels.${key}`,
            value,
            "is not a valid label value (63 characters at most, alphanumeric at both ends)",
        );
    }
    const labels = { ...extra, ...selectorLabels, "app.kubernetes.io/managed-by": "pulumi" };
    return { selectorLabels, labels, ownerLabels: owner ? ownerLabels(owner) : {} };
}

function resolveSecurity(issues: IssueCollector, args: ScalableServiceArgs) {
    const s = args.security ?? {};
    const d = DEFAULTS.security;
    const security = {
        runAsUser: s.runAsUser ?? d.runAsUser,
        runAsGroup: s.runAsGroup ?? d.runAsGroup,
        runAsNonRoot: s.runAsNonRoot ?? d.runAsNonRoot,
        readOnlyRootFilesystem: s.readOnlyRootFilesystem ?? d.readOnlyRootFilesystem,
        writablePaths: [...(s.writablePaths ?? d.writablePaths)],
        automountServiceAccountToken:
            s.automountServiceAccountToken ?? d.automountServiceAccountToken,
    };
    issues.check(
        isIntInRange(security.runAsUser, 0, 2 ** 31 - 1),
        "security.runAsUser",
        security.runAsUser,
        "must be a non-negative integer UID",
    );
    issues.check(
        isIntInRange(security.runAsGroup, 0, 2 ** 31 - 1),
        "security.runAsGroup",
        security.runAsGroup,
        "must be a non-negative integer GID",
    );
    if (security.runAsNonRoot && security.runAsUser === 0) {
        issues.add(
            "security.runAsUser",
            0,
            "is root, which 'security.runAsNonRoot' (true) forbids",
        );
    }
    const seen = new Set<string>();
    security.writablePaths.forEach((path, i) => {
        const field = `security.writablePaths[${i}]`;
        if (issues.check(isAbsolutePath(path), field, path, "must be an absolute path")) {
            const point = mountPoint(path);
            issues.check(
                !seen.has(point),
                field,
                path,
                "is listed twice; a path can hold one volume",
            );
            seen.add(point);
        }
    });
    return security;
}

function resolveConfig(
    issues: IssueCollector,
    args: ScalableServiceArgs,
    serviceName: string,
    writablePaths: string[],
) {
    if (args.config === undefined) {
        return undefined;
    }
    const { mountPath, files } = args.config;
    issues.check(
        isAbsolutePath(mountPath),
        "config.mountPath",
        mountPath,
        "must be an absolute path",
    );
    const writable = writablePaths.filter(isAbsolutePath).map(mountPoint);
    if (isAbsolutePath(mountPath) && writable.includes(mountPoint(mountPath))) {
        issues.add(
            "config.mountPath",
            mountPath,
            "is also listed in 'security.writablePaths'; a path can hold one volume",
        );
    }
    const names = Object.keys(files ?? {}).sort();
    issues.check(names.length > 0, "config.files", files, "must hold at least one file");
    for (const name of names) {
        issues.check(
            isConfigMapKey(name),
            `config.files.${name}`,
            name,
            "is not a valid file name (letters, digits, '-', '_' and '.', not starting with '..')",
        );
        issues.check(
            typeof files[name] === "string",
            `config.files.${name}`,
            files[name],
            "must be a string",
        );
    }
    return { mountPath, files: { ...files }, configMapName: configMapName(serviceName, files) };
}

/** Who may reach the pods: anyone, or the pods of the service's namespace plus those listed. */
function resolveIngressFrom(
    issues: IssueCollector,
    from: unknown,
    namespace: string,
): "anywhere" | IngressNamespaces {
    if (from === "namespace") {
        return { namespaces: [namespace] };
    }
    const listed = (from as Partial<IngressNamespaces> | null)?.namespaces;
    if (typeof from === "object" && from !== null && Array.isArray(listed)) {
        listed.forEach((ns, i) => {
            issues.check(
                isDns1123Label(ns),
                `networkPolicy.ingressFrom.namespaces[${i}]`,
                ns,
                "must be a namespace name (a DNS-1123 label)",
            );
        });
        return { namespaces: [...new Set([namespace, ...listed])] };
    }
    issues.check(
        from === "anywhere",
        "networkPolicy.ingressFrom",
        from,
        `must be "namespace", "anywhere" or { namespaces: [...] }`,
    );
    return "anywhere";
}

function resolveNetworkPolicy(
    issues: IssueCollector,
    args: ScalableServiceArgs,
    serviceType: ServiceType,
    namespace: string,
    port: number,
    probes: ResolvedService["probes"],
    warnings: string[],
): ResolvedService["networkPolicy"] {
    if (args.networkPolicy === false) {
        return undefined;
    }
    const given = args.networkPolicy ?? {};
    // An Ingress controller's traffic may come from outside the cluster's pods (an ALB in IP mode).
    const internal = serviceType === "ClusterIP" && args.ingress === undefined;
    const from = given.ingressFrom ?? (internal ? "namespace" : "anywhere");
    // A load balancer or a node port brings traffic from outside the pods; an
    // Ingress controller may run in the cluster, so a namespace list can be right there.
    if (serviceType !== "ClusterIP" && from !== "anywhere") {
        warnings.push(
            `'networkPolicy.ingressFrom' (${formatValue(from)}) admits only pods, but 'serviceType' ("${serviceType}") brings traffic from outside them (a load balancer, the nodes): that traffic would be dropped. Use "anywhere", or a ClusterIP Service.`,
        );
    }
    const ingressFrom = resolveIngressFrom(issues, from, namespace);
    // The container port, plus any probe port: a probe on a port the policy blocks fails.
    const probePorts = Object.values(probes)
        .filter((p): p is ResolvedProbe => p !== undefined)
        .map((p) => p.port);
    const ports = [...new Set([port, ...probePorts])].sort((a, b) => a - b);
    return { ingressFrom, allowAllEgress: given.allowAllEgress ?? true, ports };
}

/**
 * A ConfigMap name that carries a hash of its content: when a file changes the
 * name changes, the Deployment's pod template changes with it, and the pods roll.
 */
export function configMapName(serviceName: string, files: Record<string, string>): string {
    const canonical = JSON.stringify(
        Object.keys(files)
            .sort()
            .map((k) => [k, files[k]]),
    );
    const digest = createHash("sha256").update(canonical).digest("hex").slice(0, 10);
    return `${serviceName}-config-${digest}`;
}

function imageWarnings(image: string): string[] {
    const lastSegment = image.split("/").pop() ?? image;
    const pinned =
        image.includes("@") || (lastSegment.includes(":") && !lastSegment.endsWith(":latest"));
    return pinned
        ? []
        : [
              `'image' (${JSON.stringify(image)}) is not pinned to a tag or digest: every rollout may run different code. Pin a version tag or a digest.`,
          ];
}

/** The service's name and namespace, both DNS labels. */
function resolveIdentity(issues: IssueCollector, name: string, args: ScalableServiceArgs) {
    const serviceName = args.serviceName ?? name;
    issues.check(
        isDns1035Label(serviceName),
        args.serviceName === undefined ? "name" : "serviceName",
        serviceName,
        "must be a DNS-1035 label: at most 63 characters of lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
    );
    const namespace = args.namespace ?? DEFAULTS.namespace;
    issues.check(
        isDns1123Label(namespace),
        "namespace",
        namespace,
        "must be a DNS-1123 label: at most 63 characters of lowercase letters, digits and '-'",
    );
    return { serviceName, namespace };
}

/** The image reference; an unpinned image only warns. */
function resolveImage(issues: IssueCollector, args: ScalableServiceArgs, warnings: string[]) {
    const image = args.image;
    if (
        issues.check(
            typeof image === "string" && image.trim().length > 0 && !/\s/.test(image),
            "image",
            image,
            "must be a non-empty image reference without spaces",
        )
    ) {
        warnings.push(...imageWarnings(image));
    }
    return image;
}

function resolvePullPolicy(issues: IssueCollector, args: ScalableServiceArgs) {
    const imagePullPolicy = args.imagePullPolicy ?? DEFAULTS.imagePullPolicy;
    issues.check(
        PULL_POLICIES.includes(imagePullPolicy),
        "imagePullPolicy",
        imagePullPolicy,
        `must be one of ${PULL_POLICIES.join(", ")}`,
    );
    return imagePullPolicy;
}

/** The container port, the Service's port and the Service's type. */
function resolvePorts(issues: IssueCollector, args: ScalableServiceArgs) {
    const port = args.port;
    issues.check(isIntInRange(port, 1, 65535), "port", port, "must be an integer from 1 to 65535");
    const servicePort = args.servicePort ?? port;
    if (args.servicePort !== undefined) {
        issues.check(
            isIntInRange(servicePort, 1, 65535),
            "servicePort",
            servicePort,
            "must be an integer from 1 to 65535",
        );
    }
    const serviceType = args.serviceType ?? DEFAULTS.serviceType;
    issues.check(
        SERVICE_TYPES.includes(serviceType),
        "serviceType",
        serviceType,
        `must be one of ${SERVICE_TYPES.join(", ")}`,
    );
    return { port, servicePort, serviceType };
}

/** The dedicated ServiceAccount, or an existing one named by the user. */
function resolveServiceAccount(
    issues: IssueCollector,
    args: ScalableServiceArgs,
    serviceName: string,
): ResolvedService["serviceAccount"] {
    if (args.serviceAccountName !== undefined) {
        issues.check(
            isDns1123Subdomain(args.serviceAccountName),
            "serviceAccountName",
            args.serviceAccountName,
            "must be a DNS-1123 subdomain: at most 253 characters of lowercase letters, digits, '-' and '.'",
        );
    }
    return {
        create: args.serviceAccountName === undefined,
        name: args.serviceAccountName ?? serviceName,
    };
}

/** Annotations (`field` names the argument): valid keys, string values. */
function resolveAnnotations(
    issues: IssueCollector,
    field: string,
    given: Record<string, string> | undefined,
): Record<string, string> {
    checkAnnotations(issues, field, given);
    return { ...(given ?? {}) };
}

/** The preStop pause and the grace period that must outlast it. */
function resolveShutdown(issues: IssueCollector, args: ScalableServiceArgs) {
    const preStopSleepSeconds = args.preStopSleepSeconds ?? DEFAULTS.preStopSleepSeconds;
    const terminationGracePeriodSeconds =
        args.terminationGracePeriodSeconds ?? DEFAULTS.terminationGracePeriodSeconds;
    issues.check(
        isIntInRange(preStopSleepSeconds, 0, 3600),
        "preStopSleepSeconds",
        preStopSleepSeconds,
        "must be an integer from 0 to 3600",
    );
    if (
        issues.check(
            isIntInRange(terminationGracePeriodSeconds, 1, 86400),
            "terminationGracePeriodSeconds",
            terminationGracePeriodSeconds,
            "must be an integer from 1 to 86400",
        )
    ) {
        issues.check(
            terminationGracePeriodSeconds > preStopSleepSeconds,
            "terminationGracePeriodSeconds",
            terminationGracePeriodSeconds,
            `must be greater than 'preStopSleepSeconds' (${preStopSleepSeconds}), or the app is killed before it can shut down`,
        );
    }
    return { preStopSleepSeconds, terminationGracePeriodSeconds };
}

/**
 * Validates `args` for the component named `name`, applies every default, and
 * returns the resolved description. Throws one `ValidationError` listing all
 * problems; each names the field and the value. With an `owner` (the component
 * passes its Pulumi project and stack), every object's metadata also carries
 * the owner labels (`PROJECT_LABEL`, `STACK_LABEL`).
 */
export function resolveScalableService(
    name: string,
    args: ScalableServiceArgs,
    owner?: StackOwner,
): Resolution {
    const issues = new IssueCollector();
    const warnings: string[] = [];
    // Plain JavaScript callers can pass anything; guard the object itself first.
    if (args === null || typeof args !== "object") {
        issues.add("args", args, "must be an object with at least 'image' and 'port'");
        issues.throwIfAny(`ScalableService "${name}"`);
    }

    const workload = resolveWorkload(issues, name, args, warnings);
    const { env, envFrom, ...settings } = resolveSettings(issues, args, workload, {
        owner,
        warnings,
    });

    issues.throwIfAny(`ScalableService "${name}"`);

    // In ResolvedService's field order; `args` is copied only once the input is known valid.
    return {
        warnings,
        resolved: {
            ...workload,
            env,
            envFrom,
            args: args.args ? [...args.args] : undefined,
            ...settings,
        },
    };
}

/** What runs and how much of it: the fields ResolvedService lists first, in its order. */
type Workload = Pick<
    ResolvedService,
    | "serviceName"
    | "namespace"
    | "image"
    | "port"
    | "servicePort"
    | "serviceType"
    | "scaling"
    | "probes"
    | "requests"
    | "limits"
>;

/** Resolves the identity, image, ports, scaling, probes and resources, in that order. */
function resolveWorkload(
    issues: IssueCollector,
    name: string,
    args: ScalableServiceArgs,
    warnings: string[],
): Workload {
    const { serviceName, namespace } = resolveIdentity(issues, name, args);
    const image = resolveImage(issues, args, warnings);
    checkContainerArgs(issues, args.args);
    const { port, servicePort, serviceType } = resolvePorts(issues, args);
    const scaling = resolveScaling(issues, args, warnings);
    const probes = resolveProbes(issues, args, port);
    const { requests, limits } = resolveResources(issues, args);
    checkScaledRequests(issues, scaling, requests);
    return {
        serviceName,
        namespace,
        image,
        port,
        servicePort,
        serviceType,
        scaling,
        probes,
        requests,
        limits,
    };
}

/**
 * Resolves everything around the workload, after it and in this order: labels,
 * security, config, env, ServiceAccount, Service annotations, shutdown,
 * NetworkPolicy, pull policy, progress deadline, pod extras and Ingress.
 */
function resolveSettings(
    issues: IssueCollector,
    args: ScalableServiceArgs,
    workload: Workload,
    context: { owner: StackOwner | undefined; warnings: string[] },
): Omit<ResolvedService, keyof Workload | "args"> {
    const { serviceName, namespace, port, serviceType, scaling, probes } = workload;
    const { warnings } = context;
    const labelSet = resolveLabels(issues, args, serviceName, context.owner);
    const security = resolveSecurity(issues, args);
    const config = resolveConfig(issues, args, serviceName, security.writablePaths);
    const { env, envFrom } = resolveEnv(issues, args);
    const serviceAccount = resolveServiceAccount(issues, args, serviceName);
    const serviceAnnotations = resolveAnnotations(
        issues,
        "serviceAnnotations",
        args.serviceAnnotations,
    );
    const shutdown = resolveShutdown(issues, args);
    const networkPolicy = resolveNetworkPolicy(
        issues,
        args,
        serviceType,
        namespace,
        port,
        probes,
        warnings,
    );
    const imagePullPolicy = resolvePullPolicy(issues, args);
    const progressDeadlineSeconds = resolveProgressDeadline(issues, args, probes, warnings);
    const lowestReplicas = scaling.kind === "hpa" ? scaling.minReplicas : scaling.replicas;
    const highestReplicas = scaling.kind === "hpa" ? scaling.maxReplicas : scaling.replicas;
    const pod = resolvePodExtras(issues, args, lowestReplicas, warnings);
    const ingress = resolveIngress(issues, args);
    return {
        env,
        envFrom,
        config,
        ...labelSet,
        serviceAnnotations,
        serviceAccount,
        security,
        ...shutdown,
        imagePullPolicy,
        progressDeadlineSeconds,
        createPdb: highestReplicas >= 2,
        pod,
        ingress,
        networkPolicy,
    };
}
