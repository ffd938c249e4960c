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
    netpol: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    provider: "pulumi:providers:kubernetes",
};

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
            },
            annotations: { "pulumi.com/patchForce": "true" },
        });
        assert.equal(d.spec.replicas, 2, "a new service starts at the HPA's minimum");
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
        assert.equal(mocks.ofType(T.pdb).length, 1);
    });

    it("registers no PDB for a single replica", async () => {
        const svc = await create("single", {
            ...minimalArgs(),
            autoscaling: { minReplicas: 1, maxReplicas: 3 },
        });
        assert.equal(svc.pdb, undefined);
        assert.equal(mocks.ofType(T.pdb).length, 0);
        assert.equal(mocks.ofType(T.hpa).length, 1);
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
        assert.deepEqual(mocks.one(T.service).inputs.metadata.annotations, lb);
        assert.deepEqual(mocks.one(T.deployment).inputs.metadata.annotations, {
            "pulumi.com/patchForce": "true",
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
