import * as pulumi from "@pulumi/pulumi";

/**
 * The public arguments of `ScalableService`, with every default documented.
 *
 * Fields that decide correctness (ports, replica bounds, probe paths, resource
 * quantities) are plain values rather than `pulumi.Input`s on purpose: the
 * component validates them when the program runs, so a mistake fails at
 * `pulumi preview`, before anything reaches the cluster.
 */

/** How a Service is exposed. */
export type ServiceType = "ClusterIP" | "LoadBalancer" | "NodePort";

/**
 * How replicas spread across zones: `"soft"` prefers one zone per replica in turn,
 * `"hard"` refuses a placement that skews the zones by more than one.
 */
export type ZoneSpread = "soft" | "hard";

/** When the kubelet pulls the image: on every pod start, only when missing, or never. */
export type ImagePullPolicy = "Always" | "IfNotPresent" | "Never";

/** An HTTP GET probe, placed on the container by construction. */
export interface HttpProbe {
    /** Path to GET; must start with `/`. */
    path: string;
    /**
     * Port to probe.
     * @default the container `port`, so a probe can't target a port nothing listens on
     */
    port?: number;
    /**
     * Seconds after the container starts before the first probe.
     * @default 0 (use a startup probe for slow starters rather than a long delay)
     */
    initialDelaySeconds?: number;
    /**
     * Seconds between probes.
     * @default 5 for readiness, 10 for liveness, 5 for startup
     */
    periodSeconds?: number;
    /**
     * Seconds before a probe attempt times out.
     * @default 2 for readiness and startup, 3 for liveness
     */
    timeoutSeconds?: number;
    /**
     * Consecutive failures before the probe counts as failed.
     * @default 3 for readiness, 6 for liveness, 30 for startup (150 s to start)
     */
    failureThreshold?: number;
}

/** The three probes. Each is an `HttpProbe`, or `false` to turn it off. */
export interface ProbesArgs {
    /**
     * Gates traffic: a pod gets Service endpoints only while this passes.
     * @default `{ path: "/" }` on the container port; readiness is on unless set to `false`
     */
    readiness?: HttpProbe | false;
    /**
     * Restarts a wedged container. It must differ from readiness (path or port):
     * an identical liveness probe restarts pods that are merely busy, which turns
     * a load spike into an outage.
     * @default off: a wrong liveness probe causes restart loops, so it is opt-in
     */
    liveness?: HttpProbe | false;
    /**
     * Holds off liveness and readiness until the app has started, for slow starters.
     * @default off
     */
    startup?: HttpProbe | false;
}

/** Horizontal autoscaling through an `autoscaling/v2` HorizontalPodAutoscaler. */
export interface AutoscalingArgs {
    /**
     * Lowest replica count; at least 1.
     * @default 2, so one pod can be lost (node drain, crash) without downtime
     */
    minReplicas?: number;
    /**
     * Highest replica count; at least `minReplicas`, at most 1000.
     * @default 10
     */
    maxReplicas?: number;
    /**
     * Target average CPU utilization, in percent of the CPU request (1–1000),
     * or `false` to scale on memory only.
     * @default 70
     */
    targetCpuUtilization?: number | false;
    /**
     * Target average memory utilization, in percent of the memory request (1–1000).
     * @default off: most runtimes don't return memory, so memory-driven scale-down rarely works
     */
    targetMemoryUtilization?: number;
    /**
     * Seconds the HPA looks back before scaling down, so the replica count
     * doesn't flap when load oscillates (0–3600).
     * @default 300
     */
    scaleDownStabilizationSeconds?: number;
    /**
     * Seconds the HPA looks back before scaling up (0–3600). 0 reacts at once,
     * because an overloaded service drops requests while it waits.
     * @default 0
     */
    scaleUpStabilizationSeconds?: number;
    /**
     * How fast the HPA may add pods; the most permissive policy wins.
     * @default `[{ type: "Percent", value: 100, periodSeconds: 15 }, { type: "Pods", value: 4, periodSeconds: 15 }]`: double, or add 4 pods, every 15 s
     */
    scaleUpPolicies?: ScalingPolicy[];
    /**
     * Resources the HPA must wait for, typically the metrics-server that feeds
     * it; without metrics its targets show `<unknown>`.
     * @default none
     */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** What a scaling policy's `value` counts: `"Pods"` for a number of pods, `"Percent"` for a share of the current replicas. */
export type ScalingPolicyType = "Pods" | "Percent";

/** One HPA scaling policy: at most `value` pods (or percent of the current count) per `periodSeconds`. */
export interface ScalingPolicy {
    /** `"Pods"` for a number of pods, `"Percent"` for a share of the current replicas. */
    type: ScalingPolicyType;
    /** How many pods, or what percentage; at least 1. */
    value: number;
    /** The window the limit applies to, in seconds (1–1800). */
    periodSeconds: number;
}

/** CPU, memory and ephemeral-storage quantities, such as `250m` or `512Mi`. */
export interface ResourceQuantities {
    /** CPU in cores or millicores (`0.5`, `250m`). @default see `ResourcesArgs` */
    cpu?: string;
    /** Memory in bytes with a suffix (`512Mi`, `1Gi`). @default see `ResourcesArgs` */
    memory?: string;
    /** Scratch disk, container logs and `emptyDir` volumes (`1Gi`). @default see `ResourcesArgs` */
    "ephemeral-storage"?: string;
}

/**
 * Container resources. Values given here are merged over the defaults, so a
 * CPU request is always present: an HPA that targets CPU without one shows
 * `<unknown>` and never scales.
 */
export interface ResourcesArgs {
    /**
     * What the scheduler reserves for each pod, and what HPA utilization is measured against.
     * @default `{ cpu: "100m", memory: "128Mi", "ephemeral-storage": "64Mi" }`
     */
    requests?: ResourceQuantities;
    /**
     * No CPU limit by default: CFS throttling hurts latency while the node has
     * idle CPU (the EKS best-practices guide advises against CPU limits). Memory
     * is capped at the request, because memory is not compressible and an
     * over-committed node OOM-kills its neighbours.
     * @default `{ memory: <requests.memory>, "ephemeral-storage": "1Gi" }`
     */
    limits?: ResourceQuantities;
}

/**
 * Security settings. The defaults follow the restricted Pod Security Standard;
 * override one only where a real image needs it.
 */
export interface SecurityArgs {
    /**
     * UID the container runs as; 10000 or more keeps it clear of host users.
     * @default 10001
     */
    runAsUser?: number;
    /**
     * GID the container runs as.
     * @default 10001
     */
    runAsGroup?: number;
    /**
     * Refuse to start a container whose user is root.
     * @default true
     */
    runAsNonRoot?: boolean;
    /**
     * Mount the image's root filesystem read-only; `writablePaths` stay writable.
     * @default true, so a compromised process can't alter binaries or drop tools
     */
    readOnlyRootFilesystem?: boolean;
    /**
     * Directories mounted as writable `emptyDir` volumes (absolute paths).
     * @default `["/tmp"]`
     */
    writablePaths?: string[];
    /**
     * Mount the service account token into the pod.
     * @default false: the app gets no Kubernetes API credentials unless it needs them
     */
    automountServiceAccountToken?: boolean;
}

/** Who may connect: pods in the same namespace, or any source. */
export type IngressScope = "namespace" | "anywhere";

/** The same namespace plus pods in the listed namespaces. */
export interface IngressNamespaces {
    /** Namespaces whose pods may connect, such as the ingress controller's or Prometheus's. */
    namespaces: string[];
}

/** The NetworkPolicy that isolates the pods. */
export interface NetworkPolicyArgs {
    /**
     * Who may connect to the container port: `"namespace"` (pods in the same
     * namespace), `"anywhere"` (any source, as a public load balancer needs), or
     * `{ namespaces: [...] }` (the same namespace plus pods in the listed ones,
     * for an ingress controller or Prometheus).
     * @default "anywhere" for LoadBalancer and NodePort services and with an `ingress`
     * (an ALB in IP mode connects from VPC addresses, not pods), "namespace" otherwise
     */
    ingressFrom?: IngressScope | IngressNamespaces;
    /**
     * Let the pods open connections to anywhere. `false` allows only DNS and
     * pods in the same namespace, which suits a service that calls nothing outside.
     * @default true, because what an app calls is app-specific; tighten it when you know
     */
    allowAllEgress?: boolean;
}

/** Files rendered into a ConfigMap and mounted into the container. */
export interface ConfigFilesArgs {
    /** Absolute directory the files appear in, for example `/etc/nginx/conf.d`. */
    mountPath: string;
    /**
     * File name to content. Plain strings, so the ConfigMap's name can carry a
     * content hash: a change rolls the pods instead of leaving them on stale config.
     */
    files: Record<string, string>;
}

/** A key of an existing Secret or ConfigMap in the service's namespace. */
export interface KeyRef {
    /** The Secret's or ConfigMap's name (a DNS-1123 subdomain). */
    name: string;
    /** The key within it. */
    key: string;
    /**
     * Start the pod even when the object or key is missing (the variable is then unset).
     * @default false: a missing reference keeps the pod from starting, which is louder than a missing variable
     */
    optional?: boolean;
}

/**
 * One environment variable's value:
 * - a plain string, set in the pod spec;
 * - a `pulumi.Output` or Promise: set in the pod spec when it is not a Pulumi
 *   secret, and otherwise stored in the component's own Secret and referenced
 *   with `secretKeyRef`, so a secret never appears in the Deployment;
 * - `{ secret: value }`: always stored in the component's Secret, for sensitive
 *   values that are not Pulumi secrets (read from a file, say);
 * - `{ secretKeyRef }` or `{ configMapKeyRef }`: a key of an existing Secret or ConfigMap.
 */
export type EnvValue =
    pulumi.Input<string> | SecretEnvValue | SecretKeyRefEnvValue | ConfigMapKeyRefEnvValue;

/** A value always stored in the component's own Secret and referenced with `secretKeyRef`. */
export interface SecretEnvValue {
    /** The sensitive value; it never appears in the Deployment. */
    secret: pulumi.Input<string>;
}

/** A key of an existing Secret. */
export interface SecretKeyRefEnvValue {
    /** The Secret and key the variable reads. */
    secretKeyRef: KeyRef;
}

/** A key of an existing ConfigMap. */
export interface ConfigMapKeyRefEnvValue {
    /** The ConfigMap and key the variable reads. */
    configMapKeyRef: KeyRef;
}

/** Every key of an existing Secret or ConfigMap, as environment variables. Set exactly one of `secretRef` and `configMapRef`. */
export interface EnvFromArgs {
    /**
     * An existing Secret's name.
     * @default none (set this or `configMapRef`)
     */
    secretRef?: string;
    /**
     * An existing ConfigMap's name.
     * @default none (set this or `secretRef`)
     */
    configMapRef?: string;
    /**
     * A prefix for every variable name, such as `DB_`.
     * @default none
     */
    prefix?: string;
    /**
     * Start the pod even when the Secret or ConfigMap is missing.
     * @default false: a missing source keeps the pod from starting, which is louder than missing variables
     */
    optional?: boolean;
}

/**
 * How an Ingress path matches: `"Prefix"` (by path segment), `"Exact"`, or
 * `"ImplementationSpecific"` (the controller decides; the ALB controller allows wildcards).
 */
export type IngressPathType = "Prefix" | "Exact" | "ImplementationSpecific";

/** One path of an Ingress rule, routed to the service's port. */
export interface IngressPath {
    /** The URL path; must start with `/`. */
    path: string;
    /**
     * How `path` matches: `"Prefix"` (by path segment), `"Exact"`, or
     * `"ImplementationSpecific"` (the controller decides; the ALB controller allows wildcards).
     * @default "Prefix"
     */
    pathType?: IngressPathType;
}

/**
 * A `networking.k8s.io/v1` Ingress for the service's port: HTTP routing by host
 * and path through the cluster's ingress controller, instead of a load balancer
 * per service. The controller must be installed; see the README.
 */
export interface IngressArgs {
    /** The host name the rule matches, such as `shop.example.com` (a DNS name; `*.example.com` allowed). */
    host: string;
    /**
     * Paths routed to the service: strings (matched as `Prefix`) or `IngressPath`s.
     * @default `["/"]`: every path of the host
     */
    paths?: Array<string | IngressPath>;
    /**
     * The IngressClass, such as `alb` (AWS Load Balancer Controller) or `nginx`.
     * @default none: the cluster's default IngressClass
     */
    className?: string;
    /**
     * A `kubernetes.io/tls` Secret in the namespace that terminates TLS for `host`.
     * @default none: TLS is off, or set by the controller (the ALB controller takes an ACM certificate from an annotation)
     */
    tlsSecretName?: string;
    /**
     * Annotations on the Ingress: the controller's settings, or
     * `pulumi.com/skipAwait: "true"` where no controller will ever give it an address.
     * @default none
     */
    annotations?: Record<string, string>;
}

/** Arguments of `ScalableService`. Only `image` and `port` are required. */
export interface ScalableServiceArgs {
    /** Container image, ideally pinned by tag or digest; must not be empty. */
    image: string;
    /** The port the container listens on (1–65535). */
    port: number;
    /**
     * The Service's name, which is also its stable in-cluster DNS name and the
     * name of the Deployment, HPA, PDB and ServiceAccount. A DNS-1035 label.
     * @default the component's resource name
     */
    serviceName?: string;
    /**
     * The port the Service exposes (1–65535).
     * @default `port`
     */
    servicePort?: number;
    /**
     * Namespace for every object. It must already exist.
     * @default "default"
     */
    namespace?: string;
    /**
     * How the Service is exposed.
     * @default "ClusterIP": reachable only inside the cluster
     */
    serviceType?: ServiceType;
    /**
     * Fixed replica count, used only when `autoscaling` is `false`; with an HPA
     * the Deployment starts at `minReplicas` and the HPA owns the count (a
     * warning says `replicas` is ignored).
     * @default 2
     */
    replicas?: number;
    /**
     * Horizontal autoscaling, or `false` for a fixed `replicas` count. A new
     * service starts at `minReplicas`, so `pulumi up` returns with that many
     * ready pods; after that no `up` touches the count. Either switch on a live
     * service keeps its pods: turning the HPA on keeps the current count until
     * the HPA moves it, and turning it off applies `replicas` over the HPA
     * controller's ownership of the field.
     * @default on: `{ minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 70 }`
     */
    autoscaling?: AutoscalingArgs | false;
    /**
     * Readiness, liveness and startup probes.
     * @default readiness `GET /` on the container port; liveness and startup off
     */
    probes?: ProbesArgs;
    /**
     * Requests and limits, merged over the defaults.
     * @default requests `{ cpu: "100m", memory: "128Mi", "ephemeral-storage": "64Mi" }`,
     * limits `{ memory: <requests.memory>, "ephemeral-storage": "1Gi" }`
     */
    resources?: ResourcesArgs;
    /**
     * Environment variables. A value that is a Pulumi secret, or `{ secret: value }`,
     * goes into a Secret the component owns (`envSecret`) and is referenced with
     * `secretKeyRef`: it never appears in the Deployment. A change to that
     * Secret's data replaces it, which rolls the pods. They are set in key order,
     * with Outputs after the rest, except that a variable comes after every
     * variable its plain value references as `$(VAR)`, so Kubernetes expands the
     * reference (`DATABASE_URL: "postgres://app:$(DB_PASSWORD)@db/app"`); a cycle
     * of references is refused. See `EnvValue`.
     * @default none
     */
    env?: Record<string, EnvValue>;
    /**
     * Whole Secrets or ConfigMaps whose every key becomes a variable.
     * @default none
     */
    envFrom?: EnvFromArgs[];
    /**
     * Arguments passed to the image's entrypoint.
     * @default the image's own CMD
     */
    args?: string[];
    /**
     * Files mounted from a ConfigMap the component creates.
     * @default none
     */
    config?: ConfigFilesArgs;
    /**
     * Extra labels on every object and on the pods. They can't use the
     * selector's key (`app.kubernetes.io/name`), so selectors can't drift.
     * @default none
     */
    labels?: Record<string, string>;
    /**
     * Labels on the pods only (the pod template), over `labels`. They can't use the
     * selector's key (`app.kubernetes.io/name`) or `pod-template-hash`, which the
     * Deployment controller owns.
     * @default none
     */
    podLabels?: Record<string, string>;
    /**
     * Annotations on the pods, for example Prometheus scraping, mesh injection or a
     * log agent's settings.
     * @default none
     */
    podAnnotations?: Record<string, string>;
    /**
     * Annotations on the Service, for example a cloud load balancer's settings.
     * @default none
     */
    serviceAnnotations?: Record<string, string>;
    /**
     * Annotations on the dedicated ServiceAccount, such as IRSA's
     * `eks.amazonaws.com/role-arn`. Only when the component creates the ServiceAccount
     * (no `serviceAccountName`). EKS Pod Identity needs none (see `PodIdentityRole`).
     * @default none
     */
    serviceAccountAnnotations?: Record<string, pulumi.Input<string>>;
    /**
     * Secrets of type `kubernetes.io/dockerconfigjson` in the namespace, for private
     * registries. ECR needs none on EKS: the node role may pull.
     * @default none
     */
    imagePullSecrets?: string[];
    /**
     * Spread across zones: `"soft"` (`ScheduleAnyway`) prefers one zone per replica in
     * turn; `"hard"` (`DoNotSchedule`) refuses a placement that skews the zones by more
     * than one, for services that must survive a zone outage. Hard spread leaves pods
     * Pending on clusters whose nodes have no `topology.kubernetes.io/zone` label (kind,
     * most local clusters) or when a zone is out of capacity; nodes a failed zone leaves
     * tainted don't count (`nodeTaintsPolicy: Honor`), so replacements still schedule in
     * the zones that remain. Spread across nodes stays soft.
     * @default "soft", so a small or single-zone cluster still schedules every replica
     */
    zoneSpread?: ZoneSpread;
    /**
     * An existing ServiceAccount to run as. Without one, the component creates a
     * dedicated ServiceAccount named `serviceName`, so pods never share the
     * namespace's `default` account (and can get IRSA roles of their own).
     * @default a dedicated ServiceAccount
     */
    serviceAccountName?: string;
    /**
     * Security settings.
     * @default the restricted Pod Security profile; see `SecurityArgs`
     */
    security?: SecurityArgs;
    /**
     * A NetworkPolicy selecting the pods, or `false` for none. Enforcement needs
     * a CNI that implements NetworkPolicy (on EKS, the VPC CNI's network policy
     * mode, which `EksCluster` turns on).
     * @default on: ingress only to the container port (see `NetworkPolicyArgs`), egress open
     */
    networkPolicy?: NetworkPolicyArgs | false;
    /**
     * An Ingress for the service's port. Pulumi waits for the controller to give it
     * an address, as it waits for a LoadBalancer Service.
     * @default none
     */
    ingress?: IngressArgs;
    /**
     * Seconds a pod sleeps in `preStop` before SIGTERM, so load balancers and
     * kube-proxy stop routing to it before it stops accepting connections.
     * 0 turns the pause off. Needs Kubernetes 1.30 or later (the `sleep` action).
     * @default 5
     */
    preStopSleepSeconds?: number;
    /**
     * Seconds from the start of termination to SIGKILL, the preStop pause
     * included: the app gets this minus `preStopSleepSeconds` after SIGTERM
     * (25 s by default). Must exceed `preStopSleepSeconds`.
     * @default 30
     */
    terminationGracePeriodSeconds?: number;
    /**
     * Pull the image on every pod start, so a moved tag is noticed and the
     * node re-checks pull credentials. Cached layers are not downloaded again.
     * @default "Always"
     */
    imagePullPolicy?: ImagePullPolicy;
    /**
     * Seconds a rollout may go without progress (no new pod ready, no old pod
     * retired) before the Deployment controller marks it failed
     * (`Progressing=False`, reason `ProgressDeadlineExceeded`); 1 to 86400.
     * `pulumi up` waits for the Deployment for at most this plus 30 s, then fails
     * with the pods' reasons (`ImagePullBackOff`, `CrashLoopBackOff`), while the
     * previous pods keep serving (`maxUnavailable: 0`). That wait bounds the whole
     * rollout, so a rollout that keeps progressing for longer (many replicas, slow
     * starts) needs a larger value.
     * @default 600: Kubernetes' own default and the provider's own 10-minute wait, so
     * upgrading changes neither; it leaves room for an image pull plus the startup
     * probe's default budget (150 s)
     */
    progressDeadlineSeconds?: number;
}

/** Every default in one place; the doc comments above quote these values. */
export const DEFAULTS = {
    namespace: "default",
    serviceType: "ClusterIP" as ServiceType,
    replicas: 2,
    autoscaling: {
        minReplicas: 2,
        maxReplicas: 10,
        targetCpuUtilization: 70,
        scaleDownStabilizationSeconds: 300,
        scaleUpStabilizationSeconds: 0,
        scaleUpPolicies: [
            { type: "Percent", value: 100, periodSeconds: 15 },
            { type: "Pods", value: 4, periodSeconds: 15 },
        ] as ScalingPolicy[],
    },
    readiness: { path: "/", periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
    liveness: { periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 6 },
    startup: { periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 30 },
    requests: { cpu: "100m", memory: "128Mi", "ephemeral-storage": "64Mi" },
    limits: { "ephemeral-storage": "1Gi" },
    security: {
        runAsUser: 10001,
        runAsGroup: 10001,
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        writablePaths: ["/tmp"],
        automountServiceAccountToken: false,
    },
    preStopSleepSeconds: 5,
    terminationGracePeriodSeconds: 30,
    imagePullPolicy: "Always" as const,
    zoneSpread: "soft" as const,
    progressDeadlineSeconds: 600,
} as const;
