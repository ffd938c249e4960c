import { strict as assert } from "assert";
import { ScalableServiceArgs, ValidationError, resolveScalableService } from "../components";
import { configMapName } from "../components/scalable-service/config";
import { contractArgs, minimalArgs } from "./fixtures";

/** Asserts that resolving throws a ValidationError whose message contains every fragment. */
function assertRejects(
    name: string,
    args: ScalableServiceArgs,
    ...fragments: string[]
): ValidationError {
    let caught: unknown;
    try {
        resolveScalableService(name, args);
    } catch (err) {
        caught = err;
    }
    assert.ok(
        caught instanceof ValidationError,
        `expected a ValidationError, got ${String(caught)}`,
    );
    assert.ok(
        caught.message.startsWith(`ScalableService "${name}": invalid input:`),
        caught.message,
    );
    for (const fragment of fragments) {
        assert.ok(
            caught.message.includes(fragment),
            `message lacks ${JSON.stringify(fragment)}:\n${caught.message}`,
        );
    }
    return caught;
}

describe("resolveScalableService: defaults (pure)", () => {
    const { resolved, warnings } = resolveScalableService("backend", minimalArgs());

    it("names everything after the component and uses the default namespace", () => {
        assert.equal(resolved.serviceName, "backend");
        assert.equal(resolved.namespace, "default");
        assert.equal(resolved.serviceType, "ClusterIP");
        assert.equal(resolved.servicePort, 9898);
    });

    it("autoscales by default between 2 and 10 on 70% CPU, stabilizing scale-down for 300 s", () => {
        assert.deepEqual(resolved.scaling, {
            kind: "hpa",
            minReplicas: 2,
            maxReplicas: 10,
            targetCpuUtilization: 70,
            targetMemoryUtilization: undefined,
            scaleDownStabilizationSeconds: 300,
            scaleUp: {
                stabilizationWindowSeconds: 0,
                policies: [
                    { type: "Percent", value: 100, periodSeconds: 15 },
                    { type: "Pods", value: 4, periodSeconds: 15 },
                ],
            },
        });
        assert.equal(resolved.createPdb, true);
    });

    it("turns readiness on at GET / on the container port, and leaves liveness and startup off", () => {
        assert.deepEqual(resolved.probes.readiness, {
            path: "/",
            port: 9898,
            initialDelaySeconds: 0,
            periodSeconds: 5,
            timeoutSeconds: 2,
            failureThreshold: 3,
        });
        assert.equal(resolved.probes.liveness, undefined);
        assert.equal(resolved.probes.startup, undefined);
    });

    it("always requests CPU, and caps memory at the request with no CPU limit", () => {
        assert.deepEqual(resolved.requests, {
            cpu: "100m",
            memory: "128Mi",
            "ephemeral-storage": "64Mi",
        });
        assert.deepEqual(resolved.limits, { memory: "128Mi", "ephemeral-storage": "1Gi" });
    });

    it("keeps a CPU request when the user sets only memory", () => {
        const r = resolveScalableService("x", {
            ...minimalArgs(),
            resources: { requests: { memory: "1Gi" } },
        }).resolved;
        assert.equal(r.requests.cpu, "100m");
        assert.equal(r.limits.memory, "1Gi");
    });

    it("uses the restricted security profile", () => {
        assert.deepEqual(resolved.security, {
            runAsUser: 10001,
            runAsGroup: 10001,
            runAsNonRoot: true,
            readOnlyRootFilesystem: true,
            writablePaths: ["/tmp"],
            automountServiceAccountToken: false,
        });
        assert.deepEqual(resolved.serviceAccount, { create: true, name: "backend" });
    });

    it("pauses 5 s before SIGTERM within a 30 s grace period and pulls the image every start", () => {
        assert.equal(resolved.preStopSleepSeconds, 5);
        assert.equal(resolved.terminationGracePeriodSeconds, 30);
        assert.equal(resolved.imagePullPolicy, "Always");
    });

    it("has one selector label, contained in the object labels", () => {
        assert.deepEqual(resolved.selectorLabels, { "app.kubernetes.io/name": "backend" });
        assert.equal(resolved.labels["app.kubernetes.io/name"], "backend");
        assert.equal(resolved.labels["app.kubernetes.io/managed-by"], "pulumi");
    });

    it("warns about nothing for a pinned image", () => {
        assert.deepEqual(warnings, []);
    });
});

describe("resolveScalableService: the contract example (pure)", () => {
    const { resolved, warnings } = resolveScalableService("backend", {
        ...contractArgs(),
        replicas: 3,
    });

    it("resolves every argument as given", () => {
        assert.equal(resolved.namespace, "shop");
        assert.equal(resolved.servicePort, 80);
        assert.equal(resolved.port, 9898);
        assert.deepEqual(resolved.scaling, {
            kind: "hpa",
            minReplicas: 2,
            maxReplicas: 10,
            targetCpuUtilization: 70,
            targetMemoryUtilization: 80,
            scaleDownStabilizationSeconds: 300,
            scaleUp: {
                stabilizationWindowSeconds: 0,
                policies: [
                    { type: "Percent", value: 100, periodSeconds: 15 },
                    { type: "Pods", value: 4, periodSeconds: 15 },
                ],
            },
        });
        assert.equal(resolved.probes.liveness?.path, "/healthz");
        assert.equal(resolved.probes.liveness?.port, 9898);
        assert.equal(resolved.probes.startup?.failureThreshold, 30);
        assert.deepEqual(resolved.limits, { memory: "256Mi", "ephemeral-storage": "1Gi" });
        assert.deepEqual(resolved.env, [{ name: "LOG_LEVEL", kind: "plain", value: "info" }]);
        assert.deepEqual(resolved.envFrom, []);
    });

    it("warns that replicas is ignored while the HPA owns the count", () => {
        assert.equal(warnings.length, 1);
        assert.match(warnings[0], /'replicas' \(3\) is ignored while autoscaling is on/);
    });
});

describe("resolveScalableService: fixed replicas and PDB rule (pure)", () => {
    it("uses a fixed count when autoscaling is false, 2 by default", () => {
        const r = resolveScalableService("x", { ...minimalArgs(), autoscaling: false }).resolved;
        assert.deepEqual(r.scaling, { kind: "fixed", replicas: 2 });
        assert.equal(r.createPdb, true);
    });

    it("creates a PDB whenever the service may run two or more replicas, and none for a fixed single one", () => {
        const createPdb = (args: Partial<ScalableServiceArgs>) =>
            resolveScalableService("x", { ...minimalArgs(), ...args }).resolved.createPdb;
        // An HPA at 1 that may scale to 3: drains must still go one pod at a time.
        assert.equal(createPdb({ autoscaling: { minReplicas: 1, maxReplicas: 3 } }), true);
        assert.equal(createPdb({ autoscaling: { minReplicas: 1, maxReplicas: 1 } }), false);
        assert.equal(createPdb({ autoscaling: false, replicas: 1 }), false);
        assert.equal(createPdb({ autoscaling: false, replicas: 2 }), true);
    });

    it("warns when the image is unpinned or :latest", () => {
        for (const image of ["nginx", "nginx:latest", "registry.local:5000/app"]) {
            const { warnings } = resolveScalableService("x", { ...minimalArgs(), image });
            assert.equal(warnings.length, 1, image);
            assert.match(warnings[0], /is not pinned/);
        }
        assert.deepEqual(
            resolveScalableService("x", {
                ...minimalArgs(),
                image: "registry.local:5000/app@sha256:abc",
            }).warnings,
            [],
        );
    });
});

describe("resolveScalableService: config files (pure)", () => {
    it("names the ConfigMap after a hash of its content, independent of key order", () => {
        const a = configMapName("proxy", { "a.conf": "1", "b.conf": "2" });
        const b = configMapName("proxy", { "b.conf": "2", "a.conf": "1" });
        const c = configMapName("proxy", { "a.conf": "1", "b.conf": "3" });
        assert.match(a, /^proxy-config-[0-9a-f]{10}$/);
        assert.equal(a, b);
        assert.notEqual(a, c);
    });
});

describe("resolveScalableService: bad input is rejected with the field and the value (pure)", () => {
    const base = minimalArgs();

    it("rejects a name that is not a DNS-1035 label", () => {
        assertRejects("Backend_1", base, `'name' ("Backend_1") must be a DNS-1035 label`);
        assertRejects("x", { ...base, serviceName: "1abc" }, `'serviceName' ("1abc")`);
        const long = "a".repeat(64);
        assertRejects("x", { ...base, serviceName: long }, `'serviceName' ("${long}")`);
    });

    it("rejects an invalid namespace", () => {
        assertRejects("x", { ...base, namespace: "Shop" }, `'namespace' ("Shop")`);
    });

    it("rejects ports outside 1-65535", () => {
        assertRejects("x", { ...base, port: 0 }, `'port' (0) must be an integer from 1 to 65535`);
        assertRejects("x", { ...base, port: 70000 }, `'port' (70000)`);
        assertRejects("x", { ...base, servicePort: -1 }, `'servicePort' (-1)`);
        assertRejects("x", { ...base, port: 80.5 }, `'port' (80.5)`);
        assertRejects(
            "x",
            { ...base, probes: { liveness: { path: "/l", port: 65536 } } },
            `'probes.liveness.port' (65536)`,
        );
    });

    it("rejects probe paths that don't start with /", () => {
        assertRejects(
            "x",
            { ...base, probes: { readiness: { path: "healthz" } } },
            `'probes.readiness.path' ("healthz") must start with '/'`,
        );
        assertRejects(
            "x",
            { ...base, probes: { startup: { path: "" } } },
            `'probes.startup.path' ("")`,
        );
    });

    it("rejects probe timings out of range", () => {
        assertRejects(
            "x",
            { ...base, probes: { readiness: { path: "/", periodSeconds: 0 } } },
            `'probes.readiness.periodSeconds' (0)`,
        );
        assertRejects(
            "x",
            { ...base, probes: { readiness: { path: "/", initialDelaySeconds: -1 } } },
            `'probes.readiness.initialDelaySeconds' (-1)`,
        );
    });

    it("rejects a liveness probe identical to readiness (same path and port)", () => {
        assertRejects(
            "x",
            {
                ...base,
                probes: {
                    readiness: { path: "/healthz" },
                    liveness: { path: "/healthz", failureThreshold: 10 },
                },
            },
            `'probes.liveness' ({"path":"/healthz","port":9898}) must differ from 'probes.readiness'`,
        );
        // The default readiness probe counts too.
        assertRejects(
            "x",
            { ...base, probes: { liveness: { path: "/" } } },
            `'probes.liveness' ({"path":"/","port":9898})`,
        );
        // Same path on another port is a different probe.
        const ok = resolveScalableService("x", {
            ...base,
            probes: { liveness: { path: "/", port: 8081 } },
        });
        assert.equal(ok.resolved.probes.liveness?.port, 8081);
    });

    it("rejects minReplicas below 1 and min greater than max", () => {
        assertRejects(
            "x",
            { ...base, autoscaling: { minReplicas: 0 } },
            `'autoscaling.minReplicas' (0) must be an integer from 1 to 1000`,
        );
        assertRejects(
            "x",
            { ...base, autoscaling: { minReplicas: 5, maxReplicas: 2 } },
            `'autoscaling.minReplicas' (5) must be <= 'autoscaling.maxReplicas' (2)`,
        );
        assertRejects("x", { ...base, autoscaling: false, replicas: 0 }, `'replicas' (0)`);
    });

    it("rejects utilization targets of 0 or less, and an HPA with no metric", () => {
        assertRejects(
            "x",
            { ...base, autoscaling: { targetCpuUtilization: 0 } },
            `'autoscaling.targetCpuUtilization' (0)`,
        );
        assertRejects(
            "x",
            { ...base, autoscaling: { targetMemoryUtilization: -5 } },
            `'autoscaling.targetMemoryUtilization' (-5)`,
        );
        assertRejects(
            "x",
            { ...base, autoscaling: { targetCpuUtilization: false } },
            `'autoscaling.targetCpuUtilization' (false) can only be false when`,
        );
    });

    it("rejects malformed quantities", () => {
        assertRejects(
            "x",
            { ...base, resources: { requests: { cpu: "lots" } } },
            `'resources.requests.cpu' ("lots") is not a valid Kubernetes quantity`,
        );
        assertRejects(
            "x",
            { ...base, resources: { limits: { memory: "512MB" } } },
            `'resources.limits.memory' ("512MB")`,
        );
    });

    it("rejects requests above limits", () => {
        assertRejects(
            "x",
            { ...base, resources: { requests: { memory: "512Mi" }, limits: { memory: "256Mi" } } },
            `'resources.requests.memory' ("512Mi") must be <= 'resources.limits.memory' ("256Mi")`,
        );
        assertRejects(
            "x",
            { ...base, resources: { requests: { cpu: "2" }, limits: { cpu: "500m" } } },
            `'resources.requests.cpu' ("2")`,
        );
    });

    it("says when one side of a request above its limit is a default, and which key to set", () => {
        const given = (resources: ScalableServiceArgs["resources"]) =>
            assertRejects("x", { ...base, resources }).message;
        // Only the limit given: the request is the default 128Mi.
        assert.match(
            given({ limits: { memory: "64Mi" } }),
            /must be <= 'resources\.limits\.memory' \("64Mi"\) \("128Mi" is the default request: set 'resources\.requests\.memory' too\)/,
        );
        // Only the request given: the ephemeral-storage limit is the default 1Gi.
        assert.match(
            given({ requests: { "ephemeral-storage": "2Gi" } }),
            /\("1Gi" is the default limit: set 'resources\.limits\.ephemeral-storage' too\)/,
        );
        // Both given: nothing to add.
        assert.doesNotMatch(
            given({ requests: { memory: "512Mi" }, limits: { memory: "256Mi" } }),
            /is the default/,
        );
    });

    it("rejects an empty image", () => {
        assertRejects(
            "x",
            { ...base, image: "" },
            `'image' ("") must be a non-empty image reference`,
        );
        assertRejects("x", { ...base, image: "   " }, `'image' ("   ")`);
    });

    it("rejects labels that would take over the selector, or are malformed", () => {
        assertRejects(
            "x",
            { ...base, labels: { "app.kubernetes.io/name": "other" } },
            `'labels.app.kubernetes.io/name' ("other") is reserved`,
        );
        assertRejects("x", { ...base, labels: { team: "a b" } }, `'labels.team' ("a b")`);
    });

    it("rejects labels that would take over the owner labels", () => {
        assertRejects(
            "x",
            { ...base, labels: { "orchestration/stack": "prod" } },
            `'labels.orchestration/stack' ("prod") is reserved: the component sets it to the Pulumi stack`,
        );
        assertRejects(
            "x",
            { ...base, labels: { "orchestration/project": "p" } },
            `'labels.orchestration/project' ("p") is reserved: the component sets it to the Pulumi project`,
        );
    });

    it("gives every object's metadata the owner labels only when given an owner", () => {
        const owned = resolveScalableService("x", base, { project: "shop", stack: "prod" });
        assert.deepEqual(owned.resolved.ownerLabels, {
            "orchestration/project": "shop",
            "orchestration/stack": "prod",
        });
        assert.deepEqual(resolveScalableService("x", base).resolved.ownerLabels, {});
    });

    it("rejects a grace period that doesn't outlast the preStop pause", () => {
        assertRejects(
            "x",
            { ...base, preStopSleepSeconds: 30, terminationGracePeriodSeconds: 30 },
            `'terminationGracePeriodSeconds' (30) must be greater than 'preStopSleepSeconds' (30)`,
        );
    });

    it("rejects running as root while runAsNonRoot is on", () => {
        assertRejects(
            "x",
            { ...base, security: { runAsUser: 0 } },
            `'security.runAsUser' (0) is root`,
        );
    });

    it("rejects bad env names, config paths and file names", () => {
        assertRejects("x", { ...base, env: { "1BAD=": "v" } }, `'env.1BAD=' ("1BAD=")`);
        assertRejects(
            "x",
            { ...base, config: { mountPath: "etc", files: { "a.conf": "" } } },
            `'config.mountPath' ("etc")`,
        );
        assertRejects(
            "x",
            { ...base, config: { mountPath: "/etc/app", files: { "a/b": "" } } },
            `'config.files.a/b' ("a/b")`,
        );
        assertRejects(
            "x",
            { ...base, config: { mountPath: "/etc/app", files: {} } },
            `'config.files' ({})`,
        );
    });

    it("rejects what the API server would refuse only once objects exist: a path mounted twice, a '..' key, args that aren't a list", () => {
        assertRejects(
            "x",
            { ...base, security: { writablePaths: ["/tmp", "/tmp/"] } },
            `'security.writablePaths[1]' ("/tmp/") is listed twice; a path can hold one volume`,
        );
        assertRejects(
            "x",
            {
                ...base,
                security: { writablePaths: ["/etc/app"] },
                config: { mountPath: "/etc/app/", files: { "a.conf": "" } },
            },
            `'config.mountPath' ("/etc/app/") is also listed in 'security.writablePaths'`,
        );
        assertRejects(
            "x",
            { ...base, config: { mountPath: "/etc/app", files: { "..data": "" } } },
            `'config.files...data' ("..data") is not a valid file name`,
        );
        assertRejects(
            "x",
            { ...base, args: "serve" as unknown as string[] },
            `'args' ("serve") must be a list of strings`,
        );
        // Nested mounts are fine: only the same directory twice is refused.
        const nested = resolveScalableService("x", {
            ...base,
            security: { writablePaths: ["/tmp", "/tmp/cache"] },
            config: { mountPath: "/etc/app", files: { "a.conf": "" } },
            args: ["--port", "8080"],
        }).resolved;
        assert.deepEqual(nested.security.writablePaths, ["/tmp", "/tmp/cache"]);
        assert.deepEqual(nested.args, ["--port", "8080"]);
    });

    it("lists every problem at once", () => {
        const err = assertRejects(
            "x",
            { ...base, image: "", port: 0, autoscaling: { minReplicas: 0 } },
            `'image'`,
            `'port'`,
            `'autoscaling.minReplicas'`,
        );
        assert.equal(err.issues.length, 3);
        assert.deepEqual(
            err.issues.map((i) => i.field),
            ["image", "port", "autoscaling.minReplicas"],
        );
    });

    it("rejects a zero request for a resource the HPA scales on", () => {
        assertRejects(
            "x",
            { ...base, resources: { requests: { cpu: "0" } } },
            `'resources.requests.cpu' ("0") must be greater than 0 while the HPA targets cpu utilization`,
        );
        assertRejects(
            "x",
            {
                ...base,
                autoscaling: { targetMemoryUtilization: 80 },
                resources: { requests: { memory: "0" }, limits: { memory: "1Gi" } },
            },
            `'resources.requests.memory' ("0")`,
        );
        // Without an HPA a zero request is the user's call.
        assert.equal(
            resolveScalableService("x", {
                ...base,
                autoscaling: false,
                resources: { requests: { cpu: "0" } },
            }).resolved.requests.cpu,
            "0",
        );
    });

    it("accepts a ServiceAccount name with dots, and rejects bad annotation keys", () => {
        assert.equal(
            resolveScalableService("x", { ...base, serviceAccountName: "app.team-a" }).resolved
                .serviceAccount.name,
            "app.team-a",
        );
        assertRejects(
            "x",
            { ...base, serviceAccountName: "App_1" },
            `'serviceAccountName' ("App_1") must be a DNS-1123 subdomain`,
        );
        assertRejects(
            "x",
            { ...base, serviceAnnotations: { "bad key": "v" } },
            `'serviceAnnotations.bad key' ("bad key") is not a valid annotation key`,
        );
    });

    it("rejects a bad NetworkPolicy source", () => {
        assertRejects(
            "x",
            { ...base, networkPolicy: { ingressFrom: { namespaces: ["Monitoring"] } } },
            `'networkPolicy.ingressFrom.namespaces[0]' ("Monitoring") must be a namespace name`,
        );
        assertRejects(
            "x",
            { ...base, networkPolicy: { ingressFrom: "cluster" as never } },
            `'networkPolicy.ingressFrom' ("cluster") must be "namespace", "anywhere" or { namespaces: [...] }`,
        );
    });

    it("warns when the NetworkPolicy admits only pods but the service takes traffic from outside them", () => {
        const warningsOf = (args: Partial<ScalableServiceArgs>) =>
            resolveScalableService("x", { ...base, ...args }).warnings.filter((w) =>
                w.includes("networkPolicy.ingressFrom"),
            );
        assert.deepEqual(
            warningsOf({
                serviceType: "LoadBalancer",
                networkPolicy: { ingressFrom: "namespace" },
            }),
            [
                `'networkPolicy.ingressFrom' ("namespace") admits only pods, but 'serviceType' ("LoadBalancer") brings traffic from outside them (a load balancer, the nodes): that traffic would be dropped. Use "anywhere", or a ClusterIP Service.`,
            ],
        );
        assert.equal(
            warningsOf({
                serviceType: "NodePort",
                networkPolicy: { ingressFrom: { namespaces: ["edge"] } },
            }).length,
            1,
        );
        // An in-cluster Ingress controller's namespace is a fine source (README, "Ingress").
        assert.deepEqual(
            warningsOf({
                ingress: { host: "a.example.com" },
                networkPolicy: { ingressFrom: { namespaces: ["ingress-nginx"] } },
            }),
            [],
        );
        assert.deepEqual(warningsOf({ networkPolicy: { ingressFrom: "namespace" } }), []);
        assert.deepEqual(warningsOf({ serviceType: "LoadBalancer" }), []);
    });

    it("rejects a non-object from plain JavaScript callers", () => {
        assertRejects("x", undefined as unknown as ScalableServiceArgs, `'args' (undefined)`);
    });
});
