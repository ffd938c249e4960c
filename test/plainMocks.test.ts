import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ScalableService, ScalableServiceArgs } from "../components";
import { settleRegistrations } from "../components/testing";

/**
 * ScalableService under the plain mocks of Pulumi's testing guide, which
 * return a resource's inputs as its state: no API server or provider fills in
 * `metadata.uid`, an auto-name or a status. Users' own unit tests use these
 * mocks, so every documented arg must work under them, in an update and in a
 * preview of a new stack, and nothing may depend on a field only a live
 * cluster fills in.
 */

interface Registered {
    type: string;
    name: string;
    inputs: Record<string, any>;
}

/** Every documented arg, set; `replicas` and `serviceAccountName` exclude others, so they are left out. */
function everyArg(): ScalableServiceArgs {
    return {
        image: "ghcr.io/acme/api:1.4.2",
        port: 8080,
        serviceName: "api",
        servicePort: 80,
        namespace: "shop",
        serviceType: "ClusterIP",
        autoscaling: {
            minReplicas: 2,
            maxReplicas: 6,
            targetCpuUtilization: 70,
            targetMemoryUtilization: 80,
            scaleDownStabilizationSeconds: 300,
            scaleUpStabilizationSeconds: 0,
            scaleUpPolicies: [{ type: "Pods", value: 2, periodSeconds: 60 }],
        },
        probes: { readiness: { path: "/readyz" }, liveness: { path: "/healthz" }, startup: false },
        resources: { requests: { cpu: "200m", memory: "256Mi" }, limits: { memory: "512Mi" } },
        env: {
            DATABASE_URL: "postgres://app:$(DB_PASSWORD)@db/app",
            DB_PASSWORD: pulumi.secret("hunter2"),
            API_TOKEN: { secret: "t0ken" },
            UPSTREAM: pulumi.output("http://other:80"),
            SMTP: { secretKeyRef: { name: "smtp", key: "password" } },
            REGION: { configMapKeyRef: { name: "cluster-info", key: "region" } },
        },
        envFrom: [{ secretRef: "db-credentials", prefix: "DB_" }],
        args: ["--port", "8080"],
        config: { mountPath: "/etc/api", files: { "api.yaml": "level: info\n" } },
        labels: { team: "shop" },
        podLabels: { tier: "backend" },
        podAnnotations: { "example.com/owner": "shop" },
        serviceAnnotations: { "example.com/scrape": "true" },
        serviceAccountAnnotations: { "example.com/role": pulumi.output("arn:aws:iam::1:role/x") },
        imagePullSecrets: ["registry-creds"],
        zoneSpread: "hard",
        security: { runAsUser: 20000, runAsGroup: 20000, writablePaths: ["/tmp"] },
        networkPolicy: { ingressFrom: "namespace", allowAllEgress: true },
        ingress: { host: "api.example.com", className: "alb" },
        preStopSleepSeconds: 3,
        terminationGracePeriodSeconds: 40,
        imagePullPolicy: "IfNotPresent",
    };
}

const EXPECTED_TYPES = {
    "orchestration:index:ScalableService": 1,
    "kubernetes:core/v1:ServiceAccount": 1,
    "kubernetes:core/v1:ConfigMap": 1,
    "kubernetes:core/v1:Secret": 1,
    "kubernetes:apps/v1:Deployment": 1,
    "kubernetes:core/v1:Service": 1,
    "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": 1,
    "kubernetes:policy/v1:PodDisruptionBudget": 1,
    "kubernetes:networking.k8s.io/v1:NetworkPolicy": 1,
    "kubernetes:networking.k8s.io/v1:Ingress": 1,
};

for (const preview of [false, true]) {
    describe(`ScalableService under Pulumi's plain mocks (state = inputs), ${preview ? "in a preview" : "in an update"}`, () => {
        const registered: Registered[] = [];

        before(async () => {
            pulumi.runtime.setAllConfig({});
            // The mocks of Pulumi's unit-testing guide, as users write them.
            await pulumi.runtime.setMocks(
                {
                    newResource(args: pulumi.runtime.MockResourceArgs) {
                        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
                        return { id: `${args.inputs.name}_id`, state: args.inputs };
                    },
                    call(args: pulumi.runtime.MockCallArgs) {
                        return args.inputs;
                    },
                },
                "project",
                "stack",
                preview,
            );
            new ScalableService("api", everyArg());
            await settleRegistrations();
        });

        it("registers every child of every documented arg, the Deployment included", () => {
            const counts: Record<string, number> = {};
            for (const r of registered) counts[r.type] = (counts[r.type] ?? 0) + 1;
            assert.deepEqual(counts, EXPECTED_TYPES);
        });

        it("gives the Deployment the secret values as references only, in expansion order", () => {
            const deployment = registered.find((r) => r.type === "kubernetes:apps/v1:Deployment")!;
            const env = deployment.inputs.spec.template.spec.containers[0].env as any[];
            assert.deepEqual(
                env.map((v) => v.name),
                ["API_TOKEN", "REGION", "SMTP", "DB_PASSWORD", "DATABASE_URL", "UPSTREAM"],
            );
            for (const name of ["API_TOKEN", "DB_PASSWORD"]) {
                const entry = env.find((v) => v.name === name);
                // Plain mocks don't auto-name, so the Secret's name is whatever its state says.
                assert.deepEqual(entry.valueFrom.secretKeyRef.key, name);
            }
            // No API server fills in the Secret's UID here: the pod template simply lacks it.
            assert.deepEqual(deployment.inputs.spec.template.metadata.annotations, {
                "example.com/owner": "shop",
            });
            const text = JSON.stringify(deployment.inputs);
            for (const secret of ["hunter2", "t0ken"]) {
                assert.equal(text.includes(secret), false, secret);
                assert.equal(text.includes(Buffer.from(secret).toString("base64")), false, secret);
            }
        });
    });
}
