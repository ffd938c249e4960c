import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ResolvedProbe, ResolvedService } from "./config";
import { buildEnvFrom, buildEnvVars, ENV_SECRET_UID_ANNOTATION } from "./env";

/**
 * Pure spec builders for `ScalableService`. Each takes the resolved
 * description and returns a plain Kubernetes spec; none registers a resource,
 * so they are tested without mocks. Every selector comes from the single
 * `selectorLabels` object, which is how selectors can't drift.
 */

import Input = k8s.types.input;

/** What the pod spec takes from objects the component registers. */
export interface PodWiring {
    /** The name of the component's env Secret; required when a variable may be secret. */
    envSecretName?: pulumi.Input<string>;
    /**
     * The env Secret's UID, set as a pod template annotation so a replaced Secret
     * rolls the pods; an absent UID (plain mocks) sets no annotation.
     */
    envSecretUid?: pulumi.Input<string | undefined>;
    /** Where a warning about an Output's `$(VAR)` references goes, once its text is known. */
    warn?: (message: string) => void;
}

/** The name of the container port; the Service targets it by name. */
export const PORT_NAME = "http";

/**
 * Metadata shared by every object: the stable name, namespace and labels, with
 * the owner labels. The pod template takes `labels` alone (buildPodMetadata):
 * ReplicaSets and pods belong to their Deployment, which the state tracks, and
 * a pod template without them rolls no pod on an upgrade that adds them.
 */
export function buildMetadata(svc: ResolvedService): Input.meta.v1.ObjectMeta {
    return {
        name: svc.serviceName,
        namespace: svc.namespace,
        labels: { ...svc.labels, ...svc.ownerLabels },
    };
}

function buildProbe(probe: ResolvedProbe): Input.core.v1.Probe {
    return {
        httpGet: { path: probe.path, port: probe.port, scheme: "HTTP" },
        initialDelaySeconds: probe.initialDelaySeconds,
        periodSeconds: probe.periodSeconds,
        timeoutSeconds: probe.timeoutSeconds,
        failureThreshold: probe.failureThreshold,
        successThreshold: 1,
    };
}

/** `emptyDir` volumes for writable paths, then the ConfigMap volume. */
function buildVolumes(svc: ResolvedService): {
    volumes: Input.core.v1.Volume[];
    mounts: Input.core.v1.VolumeMount[];
} {
    const volumes: Input.core.v1.Volume[] = [];
    const mounts: Input.core.v1.VolumeMount[] = [];
    svc.security.writablePaths.forEach((path, i) => {
        const name = `writable-${i}`;
        volumes.push({ name, emptyDir: {} });
        mounts.push({ name, mountPath: path });
    });
    if (svc.config) {
        volumes.push({ name: "config", configMap: { name: svc.config.configMapName } });
        mounts.push({ name: "config", mountPath: svc.config.mountPath, readOnly: true });
    }
    return { volumes, mounts };
}

/** The single application container, probes and security context included. */
export function buildContainer(
    svc: ResolvedService,
    mounts: Input.core.v1.VolumeMount[],
    wiring: PodWiring = {},
): Input.core.v1.Container {
    const { readiness, liveness, startup } = svc.probes;
    const s = svc.security;
    return {
        name: svc.serviceName,
        image: svc.image,
        imagePullPolicy: svc.imagePullPolicy,
        ...(svc.args ? { args: svc.args } : {}),
        ports: [{ name: PORT_NAME, containerPort: svc.port, protocol: "TCP" }],
        ...(svc.env.length > 0
            ? { env: buildEnvVars(svc.env, wiring.envSecretName, wiring.warn) }
            : {}),
        ...(svc.envFrom.length > 0 ? { envFrom: buildEnvFrom(svc.envFrom) } : {}),
        resources: { requests: { ...svc.requests }, limits: { ...svc.limits } },
        ...(readiness ? { readinessProbe: buildProbe(readiness) } : {}),
        ...(liveness ? { livenessProbe: buildProbe(liveness) } : {}),
        ...(startup ? { startupProbe: buildProbe(startup) } : {}),
        ...(svc.preStopSleepSeconds > 0
            ? { lifecycle: { preStop: { sleep: { seconds: svc.preStopSleepSeconds } } } }
            : {}),
        securityContext: {
            allowPrivilegeEscalation: false,
            privileged: false,
            readOnlyRootFilesystem: s.readOnlyRootFilesystem,
            runAsNonRoot: s.runAsNonRoot,
            runAsUser: s.runAsUser,
            runAsGroup: s.runAsGroup,
            capabilities: { drop: ["ALL"] },
        },
        ...(mounts.length > 0 ? { volumeMounts: mounts } : {}),
    };
}

/**
 * Spread across zones first, then nodes. Both soft by default, so a small
 * cluster still schedules; `zoneSpread: "hard"` makes the zone constraint
 * refuse a skewed placement, and then ignores nodes a failed zone leaves
 * tainted, so replacements still land in the zones that remain.
 */
function buildSpread(svc: ResolvedService): Input.core.v1.TopologySpreadConstraint[] {
    const constraint = (topologyKey: string, hard: boolean) => ({
        maxSkew: 1,
        topologyKey,
        whenUnsatisfiable: hard ? "DoNotSchedule" : "ScheduleAnyway",
        ...(hard ? { nodeTaintsPolicy: "Honor" } : {}),
        labelSelector: { matchLabels: { ...svc.selectorLabels } },
        matchLabelKeys: ["pod-template-hash"],
    });
    return [
        constraint("topology.kubernetes.io/zone", svc.pod.zoneSpread === "hard"),
        constraint("kubernetes.io/hostname", false),
    ];
}

/** Prefer one pod per node: the form of node spreading that schedulers and linters all read. */
function buildAntiAffinity(svc: ResolvedService): Input.core.v1.Affinity {
    return {
        podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
                {
                    weight: 100,
                    podAffinityTerm: {
                        topologyKey: "kubernetes.io/hostname",
                        labelSelector: { matchLabels: { ...svc.selectorLabels } },
                    },
                },
            ],
        },
    };
}

/**
 * The pod template's metadata: the shared labels, `podLabels`, and the selector
 * last, so nothing overrides it; `podAnnotations`, plus the env Secret's UID.
 */
function buildPodMetadata(svc: ResolvedService, wiring: PodWiring): Input.meta.v1.ObjectMeta {
    const annotations: Record<string, pulumi.Input<string>> = { ...svc.pod.podAnnotations };
    if (wiring.envSecretUid !== undefined) {
        // An Output resolving to undefined drops the entry, as plain mocks leave no UID.
        annotations[ENV_SECRET_UID_ANNOTATION] = wiring.envSecretUid as pulumi.Input<string>;
    }
    return {
        labels: { ...svc.labels, ...svc.pod.podLabels, ...svc.selectorLabels },
        ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    };
}

/**
 * The replica count the Deployment declares: the fixed count, or with an HPA
 * its minimum. With an HPA the component declares it only when the Deployment
 * is created (the registration ignores later changes to `spec.replicas`), so
 * a new service is at its minimum when `pulumi up` returns and the HPA owns
 * the count from then on.
 */
export function initialReplicas(svc: ResolvedService): number {
    return svc.scaling.kind === "fixed" ? svc.scaling.replicas : svc.scaling.minReplicas;
}

/**
 * The Deployment annotation that names who sets `spec.replicas`: `hpa` or
 * `fixed`. A switch between the two changes nothing else in the Deployment's
 * inputs when the fixed count equals the count it was created with (the HPA's
 * minimum), and the provider diffs inputs against the state it last applied,
 * not against the cluster: without this annotation it would apply nothing, the
 * HPA would be deleted, and the Deployment would keep whatever count the HPA
 * had left it at.
 */
export const SCALING_ANNOTATION = "scaling/replicas";

/**
 * The Deployment object's metadata (not its pods'): the shared metadata, plus
 * {@link SCALING_ANNOTATION} and `pulumi.com/patchForce`. The force makes the
 * server-side apply take the fields the component declares from any other
 * field manager: after a switch from an HPA to a fixed count, the HPA
 * controller still owns `spec.replicas`, and an unforced apply would conflict.
 */
export function buildDeploymentMetadata(
    svc: ResolvedService,
    metadata: Input.meta.v1.ObjectMeta,
): Input.meta.v1.ObjectMeta {
    return {
        ...metadata,
        annotations: { "pulumi.com/patchForce": "true", [SCALING_ANNOTATION]: svc.scaling.kind },
    };
}

/** The Deployment spec; `replicas` is {@link initialReplicas}. */
export function buildDeploymentSpec(
    svc: ResolvedService,
    wiring: PodWiring = {},
): Input.apps.v1.DeploymentSpec {
    const { volumes, mounts } = buildVolumes(svc);
    const s = svc.security;
    return {
        replicas: initialReplicas(svc),
        revisionHistoryLimit: 5,
        progressDeadlineSeconds: svc.progressDeadlineSeconds,
        selector: { matchLabels: { ...svc.selectorLabels } },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } },
        template: {
            metadata: buildPodMetadata(svc, wiring),
            spec: {
                restartPolicy: "Always",
                serviceAccountName: svc.serviceAccount.name,
                automountServiceAccountToken: s.automountServiceAccountToken,
                terminationGracePeriodSeconds: svc.terminationGracePeriodSeconds,
                securityContext: {
                    runAsNonRoot: s.runAsNonRoot,
                    runAsUser: s.runAsUser,
                    runAsGroup: s.runAsGroup,
                    fsGroup: s.runAsGroup,
                    seccompProfile: { type: "RuntimeDefault" },
                },
                topologySpreadConstraints: buildSpread(svc),
                affinity: buildAntiAffinity(svc),
                ...(svc.pod.imagePullSecrets.length > 0
                    ? { imagePullSecrets: svc.pod.imagePullSecrets.map((name) => ({ name })) }
                    : {}),
                containers: [buildContainer(svc, mounts, wiring)],
                ...(volumes.length > 0 ? { volumes } : {}),
            },
        },
    };
}

/** The Service's metadata: the shared metadata plus `serviceAnnotations` (load balancer settings). */
export function buildServiceMetadata(svc: ResolvedService): Input.meta.v1.ObjectMeta {
    const metadata = buildMetadata(svc);
    const annotations = { ...serviceAwait(svc), ...svc.serviceAnnotations };
    return Object.keys(annotations).length > 0 ? { ...metadata, annotations } : metadata;
}

/**
 * The provider's Service await checks only that the Service has endpoints,
 * then waits a fixed 10 s for them to settle, and the Service's creation holds
 * back everything that depends on it. Here the selector is the pods' own
 * label by construction, and the Deployment's await already proves those pods
 * ready, so a ClusterIP or NodePort Service skips it. A LoadBalancer Service
 * keeps it: it waits for the load balancer's address, which the stack exports.
 */
function serviceAwait(svc: ResolvedService): Record<string, string> {
    return svc.serviceType === "LoadBalancer" ? {} : { "pulumi.com/skipAwait": "true" };
}

/** The ServiceAccount's metadata: the shared metadata plus `serviceAccountAnnotations` (IRSA). */
export function buildServiceAccountMetadata(svc: ResolvedService): Input.meta.v1.ObjectMeta {
    const metadata = buildMetadata(svc);
    const annotations = svc.pod.serviceAccountAnnotations;
    return Object.keys(annotations).length > 0
        ? { ...metadata, annotations: { ...annotations } }
        : metadata;
}

/** The Service spec: selects the pods by the shared labels, targets the named port. */
export function buildServiceSpec(svc: ResolvedService): Input.core.v1.ServiceSpec {
    return {
        type: svc.serviceType,
        selector: { ...svc.selectorLabels },
        ports: [{ name: PORT_NAME, port: svc.servicePort, targetPort: PORT_NAME, protocol: "TCP" }],
    };
}

/**
 * The `autoscaling/v2` HPA spec, or undefined for a fixed replica count.
 * Scale-up follows `scaleUpPolicies` (by default double, or +4 pods, every
 * 15 s, whichever adds more) after its stabilization window; scale-down waits out
 * the stabilization window and then sheds at most half the pods a minute.
 */
export function buildHpaSpec(
    svc: ResolvedService,
    deploymentName: pulumi.Input<string>,
): Input.autoscaling.v2.HorizontalPodAutoscalerSpec | undefined {
    const scaling = svc.scaling;
    if (scaling.kind !== "hpa") {
        return undefined;
    }
    const metric = (name: string, averageUtilization: number): Input.autoscaling.v2.MetricSpec => ({
        type: "Resource",
        resource: { name, target: { type: "Utilization", averageUtilization } },
    });
    const metrics: Input.autoscaling.v2.MetricSpec[] = [];
    if (scaling.targetCpuUtilization !== undefined) {
        metrics.push(metric("cpu", scaling.targetCpuUtilization));
    }
    if (scaling.targetMemoryUtilization !== undefined) {
        metrics.push(metric("memory", scaling.targetMemoryUtilization));
    }
    return {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deploymentName },
        minReplicas: scaling.minReplicas,
        maxReplicas: scaling.maxReplicas,
        metrics,
        behavior: {
            scaleUp: {
                stabilizationWindowSeconds: scaling.scaleUp.stabilizationWindowSeconds,
                selectPolicy: "Max",
                policies: scaling.scaleUp.policies.map((p) => ({ ...p })),
            },
            scaleDown: {
                stabilizationWindowSeconds: scaling.scaleDownStabilizationSeconds,
                policies: [{ type: "Percent", value: 50, periodSeconds: 60 }],
            },
        },
    };
}

/**
 * The `policy/v1` PDB spec, or undefined for a fixed single replica, which it
 * would not protect. `maxUnavailable: 1` lets a drain evict one pod at a time,
 * and, at one running replica (an HPA at its minimum of 1), that pod: the
 * disruption controller then requires 0 healthy pods, so a drain is never
 * blocked. `AlwaysAllow` lets a drain evict pods that are already unhealthy,
 * so a crash-looping pod can't wedge a node upgrade.
 */
export function buildPdbSpec(
    svc: ResolvedService,
): Input.policy.v1.PodDisruptionBudgetSpec | undefined {
    if (!svc.createPdb) {
        return undefined;
    }
    return {
        maxUnavailable: 1,
        selector: { matchLabels: { ...svc.selectorLabels } },
        unhealthyPodEvictionPolicy: "AlwaysAllow",
    };
}

/** Pods of this namespace, then pods of each other listed namespace (by its name label). */
function ingressPeers(own: string, namespaces: string[]): Input.networking.v1.NetworkPolicyPeer[] {
    return namespaces.map((ns) =>
        ns === own
            ? { podSelector: {} }
            : {
                  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } },
                  podSelector: {},
              },
    );
}

/**
 * The NetworkPolicy spec, or undefined when turned off. Ingress reaches only
 * the container and probe ports; egress is open, or limited to DNS and the
 * namespace's pods.
 */
export function buildNetworkPolicySpec(
    svc: ResolvedService,
): Input.networking.v1.NetworkPolicySpec | undefined {
    const np = svc.networkPolicy;
    if (!np) {
        return undefined;
    }
    const ports = np.ports.map((port) => ({ protocol: "TCP", port }));
    const dns = {
        to: [{ namespaceSelector: {}, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
        ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
        ],
    };
    return {
        podSelector: { matchLabels: { ...svc.selectorLabels } },
        policyTypes: ["Ingress", "Egress"],
        ingress: [
            np.ingressFrom === "anywhere"
                ? { ports }
                : { from: ingressPeers(svc.namespace, np.ingressFrom.namespaces), ports },
        ],
        egress: np.allowAllEgress ? [{}] : [dns, { to: [{ podSelector: {} }] }],
    };
}

/** The in-cluster URL: `http://<serviceName>.<namespace>.svc.cluster.local:<servicePort>`. */
export function clusterUrl(serviceName: string, namespace: string, servicePort: number): string {
    return `http://${serviceName}.${namespace}.svc.cluster.local:${servicePort}`;
}
