import { strict as assert } from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SCALABLE_SERVICE_TYPE, ScalableService, ValidationError } from "../components";
import {
    installMocks,
    ResourceRecorder,
    settleRegistrations,
    valueOf,
} from "../components/testing";
import { contractArgs, minimalArgs } from "./fixtures";

const T = {
    deployment: "kubernetes:apps/v1:Deployment",
    service: "kubernetes:core/v1:Service",
    hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
    sa: "kubernetes:core/v1:ServiceAccount",
    configMap: "kubernetes:core/v1:ConfigMap",
    secret: "kubernetes:core/v1:Secret",
    netpol: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    ingress: "kubernetes:networking.k8s.io/v1:Ingress",
    provider: "pulumi:providers:kubernetes",
};

/** The owner labels of the mocks' project and stack (installMocks below). */
const OWNER_LABELS = { "orchestration/project": "orchestration", "orchestration/stack": "test" };

describe("ScalableService (under mocks)", () => {
    let mocks: ResourceRecorder;

    before(async () => {
        mocks = await installMocks({ project: "orchestration", stack: "test" });
    });
    beforeEach(() => mocks.reset());

    async function create(
        name: string,
        args = contractArgs(),
        opts?: pulumi.ComponentResourceOptions,
    ) {
        const svc = new ScalableService(name, args, opts);
        await valueOf(svc.url);
        await settleRegistrations();
        return svc;
    }

    it("registers exactly the component, a ServiceAccount, Deployment, Service, HPA, PDB and NetworkPolicy", async () => {
        await create("backend");
        assert.deepEqual(mocks.typeCounts(), {
            [T.hpa]: 1,
            [T.deployment]: 1,
            [T.sa]: 1,
            [T.service]: 1,
            [T.pdb]: 1,
            [T.netpol]: 1,
            [SCALABLE_SERVICE_TYPE]: 1,
        });
        assert.equal(SCALABLE_SERVICE_TYPE, "orchestration:index:ScalableService");
        assert.deepEqual(mocks.resources.map((r) => r.name).sort(), [
            "backend",
            "backend",
            "backend",
            "backend-hpa",
            "backend-netpol",
            "backend-pdb",
            "backend-sa",
        ]);
    });

    it("parents every child to the component", async () => {
        const svc = await create("backend");
        const children = mocks.resources.filter((r) => r.type !== SCALABLE_SERVICE_TYPE);
        assert.equal(children.length, 6);
        assert.deepEqual(mocks.childrenOf(SCALABLE_SERVICE_TYPE, "backend"), children);
        const componentUrn = await valueOf(svc.urn);
        assert.equal(
            componentUrn,
            "urn:pulumi:test::orchestration::orchestration:index:ScalableService::backend",
        );
        for (const r of children) {
            assert.equal(r.parent, componentUrn, `${r.type} ${r.name}`);
        }
        for (const child of [
            svc.deployment,
            svc.service,
            svc.hpa!,
            svc.pdb!,
            svc.serviceAccount!,
        ]) {
            const urn = await valueOf(child.urn);
            assert.ok(urn!.includes("::orchestration:index:ScalableService$kubernetes:"), urn);
        }
    });

    it("sends the Deployment exactly the built spec, starting at the HPA's minimum, force-applied", async () => {
        await create("backend");
        const d = mocks.one(T.deployment).inputs;
        assert.deepEqual(d.metadata, {
            name: "backend",
            namespace: "shop",
            labels: {
                "app.kubernetes.io/name": "backend",
                "app.kubernetes.io/managed-by": "pulumi",
                ...OWNER_LABELS,
            },
            annotations: { "pulumi.com/patchForce": "true", "scaling/replicas": "hpa" },
        });
        assert.equal(d.spec.replicas, 2, "a new service starts at the HPA's minimum");
        // ...and only starts there: later changes to the count are the HPA's.
        assert.deepEqual(mocks.one(T.deployment).ignoreChanges, ["spec.replicas"]);
        const c = d.spec.template.spec.containers[0];
        assert.equal(c.image, "stefanprodan/podinfo:6.7.1");
        assert.deepEqual(c.env, [{ name: "LOG_LEVEL", value: "info" }]);
        assert.deepEqual(c.resources, {
            requests: { cpu: "100m", memory: "128Mi", "ephemeral-storage": "64Mi" },
            limits: { memory: "256Mi", "ephemeral-storage": "1Gi" },
        });
        assert.equal(c.readinessProbe.httpGet.port, 9898);
    });

    it("wires the Service, HPA and PDB to the same selector and the Deployment's name", async () => {
        await create("backend");
        const selector = { "app.kubernetes.io/name": "backend" };
        const d = mocks.one(T.deployment).inputs;
        const s = mocks.one(T.service).inputs;
        const h = mocks.one(T.hpa).inputs;
        const p = mocks.one(T.pdb).inputs;
        assert.deepEqual(d.spec.selector.matchLabels, selector);
        assert.deepEqual(s.spec.selector, selector);
        assert.deepEqual(p.spec.selector.matchLabels, selector);
        assert.equal(d.spec.template.metadata.labels["app.kubernetes.io/name"], "backend");
        assert.deepEqual(h.spec.scaleTargetRef, {
            apiVersion: "apps/v1",
            kind: "Deployment",
            name: "backend",
        });
        assert.equal(s.metadata.name, "backend", "the Service name carries no random suffix");
        assert.deepEqual(s.spec.ports, [
            { name: "http", port: 80, targetPort: "http", protocol: "TCP" },
        ]);
        assert.equal(p.spec.unhealthyPodEvictionPolicy, "AlwaysAllow");
        assert.equal(p.spec.maxUnavailable, 1);
    });

    it("exposes serviceName and the exact in-cluster url", async () => {
        const svc = await create("backend");
        assert.equal(await valueOf(svc.serviceName), "backend");
        assert.equal(await valueOf(svc.url), "http://backend.shop.svc.cluster.local:80");
        const plain = await create("api", minimalArgs());
        assert.equal(await valueOf(plain.url), "http://api.default.svc.cluster.local:9898");
    });

    it("registers no HPA and sets replicas when autoscaling is false", async () => {
        const svc = await create("worker", { ...minimalArgs(), autoscaling: false, replicas: 3 });
        assert.equal(svc.hpa, undefined);
        assert.equal(mocks.ofType(T.hpa).length, 0);
        assert.equal(mocks.one(T.deployment).inputs.spec.replicas, 3);
        assert.deepEqual(
            mocks.one(T.deployment).ignoreChanges,
            [],
            "a fixed count is always applied",
        );
        assert.equal(mocks.ofType(T.pdb).length, 1);
    });

    it("registers a PDB for an HPA that starts at one replica, and none for a fixed single replica", async () => {
        const scaled = await create("scaled", {
            ...minimalArgs(),
            autoscaling: { minReplicas: 1, maxReplicas: 3 },
        });
        assert.equal(mocks.ofType(T.pdb).length, 1);
        assert.equal(mocks.one(T.pdb).parent, await valueOf(scaled.urn));
        mocks.reset();
        const single = await create("single", {
            ...minimalArgs(),
            autoscaling: false,
            replicas: 1,
        });
        assert.equal(single.pdb, undefined);
        assert.equal(mocks.ofType(T.pdb).length, 0);
        assert.equal(mocks.ofType(T.hpa).length, 0);
    });

    it("uses an existing service account instead of creating one", async () => {
        const svc = await create("backend", { ...contractArgs(), serviceAccountName: "shared" });
        assert.equal(svc.serviceAccount, undefined);
        assert.equal(mocks.ofType(T.sa).length, 0);
        assert.equal(
            mocks.one(T.deployment).inputs.spec.template.spec.serviceAccountName,
            "shared",
        );
    });

    it("creates the hashed ConfigMap and mounts it", async () => {
        const svc = await create("proxy", {
            ...minimalArgs(),
            config: { mountPath: "/etc/nginx/conf.d", files: { "default.conf": "server {}" } },
        });
        const cm = mocks.one(T.configMap);
        assert.equal(cm.name, "proxy-config");
        assert.match(cm.inputs.metadata.name, /^proxy-config-[0-9a-f]{10}$/);
        assert.deepEqual(cm.inputs.data, { "default.conf": "server {}" });
        assert.ok(svc.configMap);
        const volumes = mocks.one(T.deployment).inputs.spec.template.spec.volumes;
        assert.deepEqual(volumes[1], {
            name: "config",
            configMap: { name: cm.inputs.metadata.name },
        });
    });

    it("isolates the pods with a NetworkPolicy on the same selector, or none when turned off", async () => {
        const svc = await create("backend");
        const np = mocks.one(T.netpol).inputs;
        assert.equal(np.metadata.name, "backend");
        assert.deepEqual(np.spec.podSelector, {
            matchLabels: { "app.kubernetes.io/name": "backend" },
        });
        assert.deepEqual(np.spec.policyTypes, ["Ingress", "Egress"]);
        assert.ok(svc.networkPolicy);
        mocks.reset();
        const off = await create("open", { ...contractArgs(), networkPolicy: false });
        assert.equal(off.networkPolicy, undefined);
        assert.equal(mocks.ofType(T.netpol).length, 0);
    });

    it("puts serviceAnnotations on the Service only", async () => {
        const lb = { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" };
        await create("edge", {
            ...contractArgs(),
            serviceType: "LoadBalancer",
            serviceAnnotations: lb,
        });
        // A LoadBalancer Service keeps the provider's await: it waits for the address.
        assert.deepEqual(mocks.one(T.service).inputs.metadata.annotations, lb);
        assert.deepEqual(mocks.one(T.deployment).inputs.metadata.annotations, {
            "pulumi.com/patchForce": "true",
            "scaling/replicas": "hpa",
        });
    });

    it("accepts Output values in env", async () => {
        await create("backend", {
            ...contractArgs(),
            env: { UPSTREAM: pulumi.output("http://other:80") },
        });
        assert.deepEqual(mocks.one(T.deployment).inputs.spec.template.spec.containers[0].env, [
            { name: "UPSTREAM", value: "http://other:80" },
        ]);
    });

    it("sends pod labels, annotations, pull secrets, the hard zone spread and the SA's IRSA annotation", async () => {
        const role = pulumi.output("arn:aws:iam::123456789012:role/backend");
        await create("backend", {
            ...contractArgs(),
            podLabels: { "sidecar.istio.io/inject": "false" },
            podAnnotations: { "prometheus.io/scrape": "true" },
            imagePullSecrets: ["ghcr"],
            zoneSpread: "hard",
            serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": role },
        });
        const template = mocks.one(T.deployment).inputs.spec.template;
        assert.deepEqual(template.metadata, {
            labels: {
                "app.kubernetes.io/name": "backend",
                "app.kubernetes.io/managed-by": "pulumi",
                "sidecar.istio.io/inject": "false",
            },
            annotations: { "prometheus.io/scrape": "true" },
        });
        assert.deepEqual(template.spec.imagePullSecrets, [{ name: "ghcr" }]);
        assert.equal(template.spec.topologySpreadConstraints[0].whenUnsatisfiable, "DoNotSchedule");
        const sa = mocks.one(T.sa);
        assert.deepEqual(sa.inputs.metadata.annotations, {
            "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/backend",
        });
        // The pod annotations stay on the pods; the ClusterIP Service has only its await setting.
        assert.deepEqual(mocks.one(T.service).inputs.metadata.annotations, {
            "pulumi.com/skipAwait": "true",
        });
        for (const type of [T.service, T.hpa, T.pdb, T.netpol]) {
            if (type !== T.service) {
                assert.equal(mocks.one(type).inputs.metadata.annotations, undefined, type);
            }
            assert.equal(
                mocks.one(type).inputs.metadata.labels["sidecar.istio.io/inject"],
                undefined,
                `${type}: pod labels stay on the pods`,
            );
        }
    });

    it("labels every child object with its Pulumi project and stack, and not the pod template", async () => {
        await create("backend", {
            ...contractArgs(),
            env: { LOG_LEVEL: "info", TOKEN: { secret: "s3cr3t" } },
            config: { mountPath: "/etc/app", files: { "a.conf": "x" } },
            ingress: { host: "shop.example.com" },
        });
        const children = mocks.resources.filter((r) => r.type !== SCALABLE_SERVICE_TYPE);
        assert.deepEqual(
            children.map((r) => r.type).sort(),
            [
                T.configMap,
                T.deployment,
                T.hpa,
                T.ingress,
                T.netpol,
                T.pdb,
                T.secret,
                T.sa,
                T.service,
            ].sort(),
        );
        for (const r of children) {
            const labels = r.inputs.metadata.labels;
            assert.equal(labels["orchestration/project"], "orchestration", r.type);
            assert.equal(labels["orchestration/stack"], "test", r.type);
        }
        const template = mocks.one(T.deployment).inputs.spec.template.metadata.labels;
        assert.equal(template["orchestration/stack"], undefined);
        assert.equal(template["orchestration/project"], undefined);
    });

    it("registers an Ingress for the Service's port, after the Service, and none by default", async () => {
        const svc = await create("backend", {
            ...contractArgs(),
            ingress: {
                host: "shop.example.com",
                className: "alb",
                annotations: { "alb.ingress.kubernetes.io/target-type": "ip" },
            },
        });
        const ing = mocks.one(T.ingress);
        assert.equal(ing.name, "backend-ingress");
        assert.equal(ing.parent, await valueOf(svc.urn));
        assert.deepEqual(ing.inputs, {
            apiVersion: "networking.k8s.io/v1",
            kind: "Ingress",
            metadata: {
                name: "backend",
                namespace: "shop",
                labels: {
                    "app.kubernetes.io/name": "backend",
                    "app.kubernetes.io/managed-by": "pulumi",
                    ...OWNER_LABELS,
                },
                annotations: { "alb.ingress.kubernetes.io/target-type": "ip" },
            },
            spec: {
                ingressClassName: "alb",
                rules: [
                    {
                        host: "shop.example.com",
                        http: {
                            paths: [
                                {
                                    path: "/",
                                    pathType: "Prefix",
                                    backend: { service: { name: "backend", port: { number: 80 } } },
                                },
                            ],
                        },
                    },
                ],
            },
        });
        assert.deepEqual(ing.dependencies, [await valueOf(svc.service.urn)]);
        assert.equal(mocks.resources.length, 8);
        mocks.reset();
        const plain = await create("backend");
        assert.equal(plain.ingress, undefined);
        assert.equal(mocks.ofType(T.ingress).length, 0);
    });

    it("warns, on the component, of an env reference Kubernetes won't expand once the value is known", async () => {
        const warned: { message: string; resource?: pulumi.Resource }[] = [];
        const original = pulumi.log.warn;
        pulumi.log.warn = (message: string, resource?: pulumi.Resource) => {
            warned.push({ message, resource });
            return Promise.resolve();
        };
        try {
            const svc = await create("backend", {
                ...contractArgs(),
                env: { A_URL: pulumi.output("http://$(B_HOST)/"), B_HOST: pulumi.output("db") },
            });
            const mine = warned.filter((w) => w.message.startsWith("env."));
            assert.deepEqual(
                mine.map((w) => w.message.split(",")[0]),
                ["env.A_URL references $(B_HOST)"],
            );
            assert.equal(mine[0].resource, svc);
        } finally {
            pulumi.log.warn = original;
        }
    });

    describe("secret env values", () => {
        const PASSWORD = "hunter2-correct-horse";
        const TOKEN = "tok-9f8e7d";
        const secretArgs = (password = PASSWORD) => ({
            ...contractArgs(),
            env: {
                LOG_LEVEL: "info",
                DB_PASSWORD: pulumi.secret(password),
                API_TOKEN: { secret: TOKEN },
                UPSTREAM: pulumi.output("http://other:80"),
                MODE: { configMapKeyRef: { name: "settings", key: "mode" } },
            },
        });

        it("stores them in one Secret owned by the component and references them by key", async () => {
            const svc = await create("backend", secretArgs());
            assert.deepEqual(mocks.typeCounts(), {
                [T.hpa]: 1,
                [T.deployment]: 1,
                [T.sa]: 1,
                [T.secret]: 1,
                [T.service]: 1,
                [T.pdb]: 1,
                [T.netpol]: 1,
                [SCALABLE_SERVICE_TYPE]: 1,
            });
            const secret = mocks.one(T.secret);
            assert.equal(secret.name, "backend-env");
            assert.equal(secret.parent, await valueOf(svc.urn));
            assert.deepEqual(secret.inputs, {
                apiVersion: "v1",
                kind: "Secret",
                metadata: {
                    namespace: "shop",
                    labels: {
                        "app.kubernetes.io/name": "backend",
                        "app.kubernetes.io/managed-by": "pulumi",
                        ...OWNER_LABELS,
                    },
                },
                type: "Opaque",
                immutable: true,
                data: {
                    API_TOKEN: Buffer.from(TOKEN).toString("base64"),
                    DB_PASSWORD: Buffer.from(PASSWORD).toString("base64"),
                },
            });
            assert.deepEqual(secret.secretInputs, ["data"]);
            const secretName = "backend-env-mock"; // the mock's auto-name
            const ref = (name: string) => ({
                name,
                valueFrom: { secretKeyRef: { name: secretName, key: name } },
            });
            const d = mocks.one(T.deployment);
            assert.deepEqual(d.inputs.spec.template.spec.containers[0].env, [
                ref("API_TOKEN"),
                { name: "LOG_LEVEL", value: "info" },
                { name: "MODE", valueFrom: { configMapKeyRef: { name: "settings", key: "mode" } } },
                ref("DB_PASSWORD"),
                { name: "UPSTREAM", value: "http://other:80" },
            ]);
            assert.ok(d.dependencies.includes((await valueOf(svc.envSecret!.urn))!));
        });

        it("never puts a secret value, plain or base64, in any other object's inputs", async () => {
            await create("backend", secretArgs());
            const others = mocks.resources.filter((r) => r.type !== T.secret);
            assert.equal(others.length, 7);
            for (const r of others) {
                const text = JSON.stringify(r.inputs);
                for (const needle of [PASSWORD, TOKEN]) {
                    for (const form of [needle, Buffer.from(needle).toString("base64")]) {
                        assert.equal(
                            text.includes(form),
                            false,
                            `${r.type} ${r.name} holds ${form}`,
                        );
                    }
                }
            }
        });

        it("registers the Secret to be replaced on a data change, and marks the pods with its name and UID", async () => {
            await create("backend", secretArgs());
            const secret = mocks.one(T.secret);
            // A data change replaces the Secret whatever the provider's enableSecretMutable
            // says; auto-naming makes that a create-before-delete under a new name, which the
            // pod template references. The roll itself is proven on the real provider (e2e).
            assert.deepEqual(secret.replaceOnChanges, ["data"]);
            assert.equal(secret.deleteBeforeReplace, false);
            assert.equal(secret.inputs.metadata.name, undefined, "auto-named");
            assert.equal(secret.inputs.immutable, true);
            const d = mocks.one(T.deployment);
            // The UID changes on every replacement, even under a verbatim auto-naming config.
            assert.deepEqual(d.inputs.spec.template.metadata.annotations, {
                "env-secret/uid": "backend-env-uid",
            });
            assert.deepEqual(d.secretInputs, [], "nothing in the Deployment derives from a value");
        });

        it("registers no Secret when every value is plain or a reference, and marks no input secret", async () => {
            const svc = await create("backend", {
                ...contractArgs(),
                env: { A: "1", B: { secretKeyRef: { name: "db", key: "password" } } },
                envFrom: [{ configMapRef: "settings" }],
            });
            assert.equal(svc.envSecret, undefined);
            assert.equal(mocks.ofType(T.secret).length, 0);
            const c = mocks.one(T.deployment).inputs.spec.template.spec.containers[0];
            assert.deepEqual(c.envFrom, [{ configMapRef: { name: "settings", optional: false } }]);
            assert.equal(
                mocks.one(T.deployment).inputs.spec.template.metadata.annotations,
                undefined,
            );
        });
    });

    it("takes the provider through resource options and passes it to every child", async () => {
        const provider = new k8s.Provider("kind", { kubeconfig: "fake" });
        await create("backend", contractArgs(), { provider });
        const providerUrn = await valueOf(provider.urn);
        const children = mocks.resources.filter((r) => r.type.startsWith("kubernetes:"));
        assert.equal(children.length, 6);
        for (const child of children) {
            assert.ok(
                child.provider?.startsWith(`${providerUrn}::`),
                `${child.type} used ${child.provider}`,
            );
        }
    });

    it("holds every child back until the component's own dependsOn is ready", async () => {
        const gate = new k8s.core.v1.Namespace("shop", { metadata: { name: "shop" } });
        await create("backend", contractArgs(), { dependsOn: [gate] });
        const gateUrn = await valueOf(gate.urn);
        const children = mocks.resources.filter(
            (r) => r.type.startsWith("kubernetes:") && r.name !== "shop",
        );
        assert.equal(children.length, 6);
        for (const child of children) {
            assert.ok(
                child.dependencies.includes(gateUrn!),
                `${child.type} does not wait for the namespace`,
            );
        }
    });

    it("makes the HPA wait for autoscaling.dependsOn (the metrics pipeline) and the pods for their config", async () => {
        const metrics = new k8s.core.v1.Namespace("metrics", { metadata: { name: "metrics" } });
        const svc = await create("proxy", {
            ...minimalArgs(),
            autoscaling: { dependsOn: [metrics] },
            config: { mountPath: "/etc/app", files: { "a.conf": "x" } },
        });
        const metricsUrn = await valueOf(metrics.urn);
        // The HPA also depends on the Deployment, whose name it targets.
        assert.deepEqual(mocks.one(T.hpa).dependencies, [
            metricsUrn,
            await valueOf(svc.deployment.urn),
        ]);
        assert.deepEqual(
            mocks.one(T.deployment).dependencies,
            [await valueOf(svc.configMap!.urn), await valueOf(svc.serviceAccount!.urn)].sort(),
        );
        assert.deepEqual(mocks.one(T.service).dependencies, []);
    });

    it("bounds the Deployment's create and update by the progress deadline plus 30 s, and no other child's", async () => {
        await create("backend");
        const d = mocks.one(T.deployment);
        assert.equal(d.inputs.spec.progressDeadlineSeconds, 600);
        assert.deepEqual(d.customTimeouts, { create: "630s", update: "630s" });
        const others = mocks.resources.filter((r) => r.type !== T.deployment);
        assert.deepEqual(
            others.map((r) => r.customTimeouts),
            others.map(() => undefined),
        );

        mocks.reset();
        await create("fast", { ...contractArgs(), progressDeadlineSeconds: 200 });
        const fast = mocks.one(T.deployment);
        assert.equal(fast.inputs.spec.progressDeadlineSeconds, 200);
        assert.deepEqual(fast.customTimeouts, { create: "230s", update: "230s" });
    });

    it("registers nothing for an invalid progress deadline, and names it", async () => {
        assert.throws(
            () => new ScalableService("bad", { ...contractArgs(), progressDeadlineSeconds: 0 }),
            (err: unknown) =>
                err instanceof ValidationError &&
                err.message.includes(
                    `'progressDeadlineSeconds' (0) must be an integer from 1 to 86400`,
                ),
        );
        await settleRegistrations();
        assert.equal(mocks.resources.length, 0);
    });

    it("throws before registering anything when input is invalid", async () => {
        assert.throws(
            () => new ScalableService("bad", { ...contractArgs(), port: 0, image: "" }),
            (err: unknown) =>
                err instanceof ValidationError &&
                err.message.includes(`'port' (0)`) &&
                err.message.includes(`'image' ("")`),
        );
        await settleRegistrations();
        assert.equal(mocks.resources.length, 0);
    });
});
