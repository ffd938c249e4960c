import { strict as assert } from "assert";
import { resolveScalableService } from "../components";
import {
    buildDeploymentMetadata,
    buildDeploymentSpec,
    buildHpaSpec,
    buildMetadata,
    buildNetworkPolicySpec,
    buildPdbSpec,
    buildServiceMetadata,
    buildServiceSpec,
    clusterUrl,
} from "../components/scalable-service/specs";
import { contractArgs, minimalArgs } from "./fixtures";

const resolve = (args = contractArgs()) => resolveScalableService("backend", args).resolved;

describe("spec builders (pure)", () => {
    describe("selectors can't drift", () => {
        const svc = resolve();
        const deployment = buildDeploymentSpec(svc) as any;
        const service = buildServiceSpec(svc) as any;
        const pdb = buildPdbSpec(svc) as any;
        const selector = { "app.kubernetes.io/name": "backend" };

        it("feeds one label set to the Deployment, pod template, Service and PDB selectors", () => {
            assert.deepEqual(deployment.selector.matchLabels, selector);
            assert.deepEqual(service.selector, selector);
            assert.deepEqual(pdb.selector.matchLabels, selector);
            for (const c of deployment.template.spec.topologySpreadConstraints) {
                assert.deepEqual(c.labelSelector.matchLabels, selector);
            }
        });

        it("puts every selector label on the pod template (the seed's run/app mismatch can't happen)", () => {
            const podLabels = deployment.template.metadata.labels;
            for (const [k, v] of Object.entries(service.selector)) {
                assert.equal(podLabels[k], v, `pod template lacks ${k}=${String(v)}`);
            }
        });

        it("keeps user labels off the selectors but on the pods", () => {
            const s = resolve({ ...contractArgs(), labels: { team: "payments" } });
            const d = buildDeploymentSpec(s) as any;
            assert.deepEqual(d.selector.matchLabels, selector);
            assert.equal(d.template.metadata.labels.team, "payments");
            assert.deepEqual((buildServiceSpec(s) as any).selector, selector);
        });

        it("gives every object the stable name and namespace", () => {
            assert.deepEqual(buildMetadata(svc), {
                name: "backend",
                namespace: "shop",
                labels: {
                    "app.kubernetes.io/name": "backend",
                    "app.kubernetes.io/managed-by": "pulumi",
                },
            });
        });
    });

    describe("probes are on the container and on the right port", () => {
        const svc = resolve();
        const spec = buildDeploymentSpec(svc) as any;
        const pod = spec.template.spec;
        const container = pod.containers[0];

        it("puts probes on the container, never beside it", () => {
            for (const key of ["livenessProbe", "readinessProbe", "startupProbe"]) {
                assert.equal(pod[key], undefined, `${key} must not sit on the pod spec`);
                assert.ok(container[key], `${key} must sit on the container`);
            }
        });

        it("probes the container port by default", () => {
            assert.deepEqual(container.ports, [
                { name: "http", containerPort: 9898, protocol: "TCP" },
            ]);
            assert.deepEqual(container.readinessProbe.httpGet, {
                path: "/readyz",
                port: 9898,
                scheme: "HTTP",
            });
            assert.deepEqual(container.livenessProbe.httpGet, {
                path: "/healthz",
                port: 9898,
                scheme: "HTTP",
            });
            assert.deepEqual(container.startupProbe.httpGet, {
                path: "/readyz",
                port: 9898,
                scheme: "HTTP",
            });
        });

        it("uses distinct timing for liveness (slower to give up) and startup (150 s budget)", () => {
            assert.deepEqual(
                [container.readinessProbe.periodSeconds, container.readinessProbe.failureThreshold],
                [5, 3],
            );
            assert.deepEqual(
                [container.livenessProbe.periodSeconds, container.livenessProbe.failureThreshold],
                [10, 6],
            );
            assert.deepEqual(
                [container.startupProbe.periodSeconds, container.startupProbe.failureThreshold],
                [5, 30],
            );
        });

        it("has a readiness probe by default and omits probes set to false", () => {
            const c = (buildDeploymentSpec(resolve(minimalArgs())) as any).template.spec
                .containers[0];
            assert.deepEqual(c.readinessProbe.httpGet, { path: "/", port: 9898, scheme: "HTTP" });
            assert.equal(c.livenessProbe, undefined);
            const off = resolve({ ...minimalArgs(), probes: { readiness: false } });
            assert.equal(
                (buildDeploymentSpec(off) as any).template.spec.containers[0].readinessProbe,
                undefined,
            );
        });
    });

    describe("autoscaling", () => {
        it("starts at the HPA's minimum while an HPA is attached", () => {
            const spec = buildDeploymentSpec(resolve()) as any;
            assert.equal(spec.replicas, 2);
            const three = resolve({
                ...contractArgs(),
                autoscaling: { minReplicas: 3, maxReplicas: 5 },
            });
            assert.equal((buildDeploymentSpec(three) as any).replicas, 3);
        });

        it("names who sets spec.replicas on the Deployment, so a switch always changes its inputs", () => {
            // Created with an HPA at 2, then switched to a fixed 2: the spec is the same,
            // and only the annotation makes the provider apply the switch.
            const hpa = resolve();
            const fixed = resolve({ ...contractArgs(), autoscaling: false, replicas: 2 });
            assert.deepEqual(buildDeploymentSpec(hpa), buildDeploymentSpec(fixed));
            const metadata = buildMetadata(hpa);
            assert.deepEqual(buildDeploymentMetadata(hpa, metadata), {
                ...metadata,
                annotations: { "pulumi.com/patchForce": "true", "scaling/replicas": "hpa" },
            });
            assert.deepEqual(buildDeploymentMetadata(fixed, metadata).annotations, {
                "pulumi.com/patchForce": "true",
                "scaling/replicas": "fixed",
            });
        });

        it("sets spec.replicas for a fixed count", () => {
            const spec = buildDeploymentSpec(
                resolve({ ...contractArgs(), autoscaling: false, replicas: 3 }),
            ) as any;
            assert.equal(spec.replicas, 3);
            assert.equal(
                buildHpaSpec(resolve({ ...contractArgs(), autoscaling: false }), "backend"),
                undefined,
            );
        });

        it("builds an autoscaling/v2 HPA that targets this Deployment, with CPU and memory targets", () => {
            const hpa = buildHpaSpec(resolve(), "backend") as any;
            assert.deepEqual(hpa.scaleTargetRef, {
                apiVersion: "apps/v1",
                kind: "Deployment",
                name: "backend",
            });
            assert.equal(hpa.minReplicas, 2);
            assert.equal(hpa.maxReplicas, 10);
            assert.deepEqual(hpa.metrics, [
                {
                    type: "Resource",
                    resource: {
                        name: "cpu",
                        target: { type: "Utilization", averageUtilization: 70 },
                    },
                },
                {
                    type: "Resource",
                    resource: {
                        name: "memory",
                        target: { type: "Utilization", averageUtilization: 80 },
                    },
                },
            ]);
        });

        it("stabilizes scale-down and sheds at most half the pods a minute", () => {
            const hpa = buildHpaSpec(
                resolve({ ...contractArgs(), autoscaling: { scaleDownStabilizationSeconds: 600 } }),
                "b",
            ) as any;
            assert.equal(hpa.behavior.scaleDown.stabilizationWindowSeconds, 600);
            assert.deepEqual(hpa.behavior.scaleDown.policies, [
                { type: "Percent", value: 50, periodSeconds: 60 },
            ]);
            assert.equal(hpa.behavior.scaleUp.stabilizationWindowSeconds, 0);
        });

        it("always sets a CPU request when CPU is a target", () => {
            const svc = resolve({ ...minimalArgs(), resources: { requests: { memory: "64Mi" } } });
            const c = (buildDeploymentSpec(svc) as any).template.spec.containers[0];
            assert.equal(c.resources.requests.cpu, "100m");
            assert.equal(c.resources.limits.cpu, undefined, "no CPU limit by default");
        });
    });

    describe("availability", () => {
        const spec = buildDeploymentSpec(resolve()) as any;
        const pod = spec.template.spec;

        it("rolls with maxUnavailable 0", () => {
            assert.deepEqual(spec.strategy, {
                type: "RollingUpdate",
                rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" },
            });
        });

        it("builds a policy/v1 PDB with maxUnavailable 1 and AlwaysAllow", () => {
            assert.deepEqual(buildPdbSpec(resolve()), {
                maxUnavailable: 1,
                selector: { matchLabels: { "app.kubernetes.io/name": "backend" } },
                unhealthyPodEvictionPolicy: "AlwaysAllow",
            });
            // An HPA from one replica still gets one; a fixed single replica doesn't.
            assert.ok(
                buildPdbSpec(resolve({ ...contractArgs(), autoscaling: { minReplicas: 1 } })),
            );
            assert.equal(
                buildPdbSpec(resolve({ ...contractArgs(), autoscaling: false, replicas: 1 })),
                undefined,
            );
        });

        it("prefers one pod per node with a soft anti-affinity on the shared selector", () => {
            assert.deepEqual(
                pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution,
                [
                    {
                        weight: 100,
                        podAffinityTerm: {
                            topologyKey: "kubernetes.io/hostname",
                            labelSelector: { matchLabels: { "app.kubernetes.io/name": "backend" } },
                        },
                    },
                ],
            );
        });

        it("spreads pods across zones and nodes", () => {
            assert.deepEqual(
                pod.topologySpreadConstraints.map((c: any) => [
                    c.topologyKey,
                    c.maxSkew,
                    c.whenUnsatisfiable,
                ]),
                [
                    ["topology.kubernetes.io/zone", 1, "ScheduleAnyway"],
                    ["kubernetes.io/hostname", 1, "ScheduleAnyway"],
                ],
            );
        });

        it("shuts down gracefully: a preStop sleep inside the grace period", () => {
            assert.deepEqual(pod.containers[0].lifecycle, { preStop: { sleep: { seconds: 5 } } });
            assert.equal(pod.terminationGracePeriodSeconds, 30);
            const noPause = buildDeploymentSpec(
                resolve({ ...contractArgs(), preStopSleepSeconds: 0 }),
            ) as any;
            assert.equal(noPause.template.spec.containers[0].lifecycle, undefined);
        });
    });

    describe("secure defaults", () => {
        const pod = (buildDeploymentSpec(resolve()) as any).template.spec;
        const container = pod.containers[0];

        it("applies the restricted Pod Security profile", () => {
            assert.deepEqual(pod.securityContext, {
                runAsNonRoot: true,
                runAsUser: 10001,
                runAsGroup: 10001,
                fsGroup: 10001,
                seccompProfile: { type: "RuntimeDefault" },
            });
            assert.deepEqual(container.securityContext, {
                allowPrivilegeEscalation: false,
                privileged: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                runAsUser: 10001,
                runAsGroup: 10001,
                capabilities: { drop: ["ALL"] },
            });
        });

        it("mounts a writable /tmp on the read-only root filesystem", () => {
            assert.deepEqual(pod.volumes, [{ name: "writable-0", emptyDir: {} }]);
            assert.deepEqual(container.volumeMounts, [{ name: "writable-0", mountPath: "/tmp" }]);
        });

        it("restarts containers always (stated, not left to the default)", () => {
            assert.equal(pod.restartPolicy, "Always");
        });

        it("does not mount a service account token, and runs as its own service account", () => {
            assert.equal(pod.automountServiceAccountToken, false);
            assert.equal(pod.serviceAccountName, "backend");
        });

        it("lets each default be overridden where an image needs it", () => {
            const svc = resolve({
                ...contractArgs(),
                serviceAccountName: "shared",
                security: {
                    runAsUser: 101,
                    readOnlyRootFilesystem: false,
                    writablePaths: [],
                    automountServiceAccountToken: true,
                },
            });
            const p = (buildDeploymentSpec(svc) as any).template.spec;
            assert.equal(p.securityContext.runAsUser, 101);
            assert.equal(p.containers[0].securityContext.readOnlyRootFilesystem, false);
            assert.equal(p.automountServiceAccountToken, true);
            assert.equal(p.serviceAccountName, "shared");
            assert.equal(p.volumes, undefined);
        });

        it("mounts config files read-only from the hashed ConfigMap", () => {
            const svc = resolve({
                ...contractArgs(),
                config: { mountPath: "/etc/app", files: { "app.conf": "x" } },
            });
            const p = (buildDeploymentSpec(svc) as any).template.spec;
            assert.deepEqual(p.volumes[1], {
                name: "config",
                configMap: { name: svc.config!.configMapName },
            });
            assert.deepEqual(p.containers[0].volumeMounts[1], {
                name: "config",
                mountPath: "/etc/app",
                readOnly: true,
            });
        });
    });

    describe("the NetworkPolicy", () => {
        it("admits a ClusterIP service's port from its namespace only, and leaves egress open by default", () => {
            assert.deepEqual(buildNetworkPolicySpec(resolve()), {
                podSelector: { matchLabels: { "app.kubernetes.io/name": "backend" } },
                policyTypes: ["Ingress", "Egress"],
                ingress: [
                    { from: [{ podSelector: {} }], ports: [{ protocol: "TCP", port: 9898 }] },
                ],
                egress: [{}],
            });
        });

        it("admits a LoadBalancer service from anywhere, on the container and probe ports", () => {
            const spec = buildNetworkPolicySpec(
                resolve({
                    ...contractArgs(),
                    serviceType: "LoadBalancer",
                    probes: { liveness: { path: "/l", port: 8081 } },
                }),
            ) as any;
            assert.deepEqual(spec.ingress, [
                {
                    ports: [
                        { protocol: "TCP", port: 8081 },
                        { protocol: "TCP", port: 9898 },
                    ],
                },
            ]);
        });

        it("admits the listed namespaces' pods too, by their name label", () => {
            const spec = buildNetworkPolicySpec(
                resolve({
                    ...contractArgs(),
                    networkPolicy: { ingressFrom: { namespaces: ["ingress-nginx", "monitoring"] } },
                }),
            ) as any;
            assert.deepEqual(spec.ingress[0].from, [
                { podSelector: {} },
                {
                    namespaceSelector: {
                        matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" },
                    },
                    podSelector: {},
                },
                {
                    namespaceSelector: {
                        matchLabels: { "kubernetes.io/metadata.name": "monitoring" },
                    },
                    podSelector: {},
                },
            ]);
        });

        it("limits egress to DNS and the namespace when asked, and can be turned off", () => {
            const spec = buildNetworkPolicySpec(
                resolve({ ...contractArgs(), networkPolicy: { allowAllEgress: false } }),
            ) as any;
            assert.deepEqual(spec.egress, [
                {
                    to: [
                        {
                            namespaceSelector: {},
                            podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
                        },
                    ],
                    ports: [
                        { protocol: "UDP", port: 53 },
                        { protocol: "TCP", port: 53 },
                    ],
                },
                { to: [{ podSelector: {} }] },
            ]);
            assert.equal(
                buildNetworkPolicySpec(resolve({ ...contractArgs(), networkPolicy: false })),
                undefined,
            );
        });
    });

    describe("the Service", () => {
        it("targets the container's named port and exposes servicePort", () => {
            assert.deepEqual(buildServiceSpec(resolve()), {
                type: "ClusterIP",
                selector: { "app.kubernetes.io/name": "backend" },
                ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }],
            });
        });

        it("skips the provider's endpoint await, except where a load balancer's address is awaited", () => {
            for (const serviceType of ["ClusterIP", "NodePort"] as const) {
                const svc = resolve({ ...contractArgs(), serviceType });
                assert.deepEqual(buildServiceMetadata(svc).annotations, {
                    "pulumi.com/skipAwait": "true",
                });
            }
            const lb = resolve({ ...contractArgs(), serviceType: "LoadBalancer" });
            assert.equal(buildServiceMetadata(lb).annotations, undefined);
            const own = resolve({
                ...contractArgs(),
                serviceAnnotations: { "pulumi.com/skipAwait": "false" },
            });
            assert.deepEqual(buildServiceMetadata(own).annotations, {
                "pulumi.com/skipAwait": "false",
            });
        });

        it("formats the in-cluster URL exactly", () => {
            assert.equal(
                clusterUrl("backend", "shop", 80),
                "http://backend.shop.svc.cluster.local:80",
            );
        });
    });

    describe("env", () => {
        it("sets variables in key order", () => {
            const svc = resolve({ ...contractArgs(), env: { B: "2", A: "1" } });
            const c = (buildDeploymentSpec(svc) as any).template.spec.containers[0];
            assert.deepEqual(c.env, [
                { name: "A", value: "1" },
                { name: "B", value: "2" },
            ]);
        });
    });
});
