import { strict as assert } from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { unknown } from "@pulumi/pulumi/output";
import { SCALABLE_SERVICE_TYPE } from "../components";
import { inputPaths, plainInputs } from "../components/provider/inputs";
import { ComponentProvider, inputsSchema } from "../components/provider/provider";
import schema from "../components/provider/schema.json";
import { PackageSpec } from "../components/provider/schemaTypes";
import {
    installMocks,
    ResourceRecorder,
    settleRegistrations,
    valueOf,
} from "../components/testing";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";

describe("the component provider (under mocks)", () => {
    let mocks: ResourceRecorder;
    const provider = new ComponentProvider("1.2.3", JSON.stringify(schema));
    const SCHEMA = inputsSchema(schema as PackageSpec, SCALABLE_SERVICE_TYPE);

    before(async () => {
        mocks = await installMocks({ project: "orchestration", stack: "test" });
    });
    beforeEach(() => mocks.reset());

    async function construct(inputs: pulumi.Inputs, opts: pulumi.ComponentResourceOptions = {}) {
        const result = await provider.construct("web", SCALABLE_SERVICE_TYPE, inputs, opts);
        await settleRegistrations();
        return result;
    }

    it("constructs the same ScalableService a TypeScript program gets, and returns its outputs", async () => {
        const result = await construct({ image: "nginx:1.28", port: 8080, namespace: "shop" });
        const component = mocks.one(SCALABLE_SERVICE_TYPE, "web");
        assert.ok(((await valueOf(result.urn)) ?? "").endsWith(`::${SCALABLE_SERVICE_TYPE}::web`));
        assert.deepEqual(
            mocks
                .childrenOf(SCALABLE_SERVICE_TYPE, "web")
                .map((r) => r.type)
                .sort(),
            [
                "kubernetes:apps/v1:Deployment",
                "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
                "kubernetes:core/v1:Service",
                "kubernetes:core/v1:ServiceAccount",
                "kubernetes:networking.k8s.io/v1:NetworkPolicy",
                "kubernetes:policy/v1:PodDisruptionBudget",
            ],
        );
        assert.equal(component.custom, false);
        assert.equal(await valueOf(result.state.serviceName as pulumi.Output<string>), "web");
        assert.equal(
            await valueOf(result.state.url as pulumi.Output<string>),
            "http://web.shop.svc.cluster.local:8080",
        );
    });

    it("unwraps a known output into a plain arg, and makes every child depend on its resource", async () => {
        const ns = new k8s.core.v1.Namespace("shop", { metadata: { name: "shop" } });
        await settleRegistrations();
        await construct({ image: "nginx:1.28", port: 8080, namespace: ns.metadata.name });
        const deployment = mocks.one(DEPLOYMENT, "web");
        assert.equal(deployment.inputs.metadata.namespace, "shop");
        assert.ok(
            deployment.dependencies.includes((await valueOf(ns.urn)) ?? ""),
            "the Deployment does not wait for the Namespace",
        );
    });

    it("keeps a secret env value an output, so it lands in the component's Secret", async () => {
        await construct({
            image: "nginx:1.28",
            port: 8080,
            env: { TOKEN: pulumi.secret("t0ken") },
        });
        const env = mocks.one(DEPLOYMENT, "web").inputs.spec.template.spec.containers[0].env;
        assert.deepEqual(env[0].valueFrom.secretKeyRef.key, "TOKEN");
        assert.ok(!JSON.stringify(env).includes("t0ken"));
    });

    it("keeps a { secret } value out of the Deployment when the whole env map arrives as one output", async () => {
        await construct({
            image: "nginx:1.28",
            port: 8080,
            env: pulumi.output({ LEVEL: "info", KEY: { secret: "k3y-value" } }),
        });
        const deployment = mocks.one(DEPLOYMENT, "web");
        const text = JSON.stringify(deployment.inputs);
        for (const form of ["k3y-value", Buffer.from("k3y-value").toString("base64")]) {
            assert.equal(text.includes(form), false, form);
        }
        const secret = mocks.one("kubernetes:core/v1:Secret");
        assert.deepEqual(secret.inputs.data, { KEY: Buffer.from("k3y-value").toString("base64") });
        const env = deployment.inputs.spec.template.spec.containers[0].env;
        assert.deepEqual(env, [
            { name: "KEY", valueFrom: { secretKeyRef: { name: "web-env-mock", key: "KEY" } } },
            { name: "LEVEL", value: "info" },
        ]);
    });

    it("takes an env reference to a Secret named by another resource's output", async () => {
        const db = new k8s.core.v1.Secret("db", { metadata: { name: "db-4f2a" } });
        await settleRegistrations();
        await construct({
            image: "nginx:1.28",
            port: 8080,
            env: { PASSWORD: { secretKeyRef: { name: db.metadata.name, key: "pw" } } },
        });
        const deployment = mocks.one(DEPLOYMENT, "web");
        assert.deepEqual(deployment.inputs.spec.template.spec.containers[0].env, [
            {
                name: "PASSWORD",
                valueFrom: { secretKeyRef: { name: "db-4f2a", key: "pw" } },
            },
        ]);
        assert.ok(deployment.dependencies.includes((await valueOf(db.urn)) ?? ""));
    });

    it("reports invalid args as the engine's input-property errors, with the same message", async () => {
        await assert.rejects(
            provider.construct("web", SCALABLE_SERVICE_TYPE, { image: "", port: 70000 }, {}),
            (err: unknown) => {
                assert.ok(pulumi.InputPropertiesError.isInstance(err));
                assert.match(err.message, /'image' \(""\) /);
                assert.match(err.message, /'port' \(70000\) /);
                assert.deepEqual(
                    err.errors.map((e) => e.propertyPath),
                    ["image", "port"],
                );
                return true;
            },
        );
        assert.equal(mocks.resources.length, 0, "something registered before validation");
    });

    it("refuses a type it does not have", async () => {
        await assert.rejects(
            provider.construct("x", "orchestration:index:Nope", {}, {}),
            /unknown resource type orchestration:index:Nope: this package has orchestration:index:ScalableService/,
        );
    });

    describe("plainInputs", () => {
        it("names a field that is unknown at preview, or a secret where a plain value is needed", async () => {
            await assert.rejects(
                plainInputs(
                    "ScalableService web",
                    { port: pulumi.output(unknown), image: pulumi.secret("x") },
                    SCHEMA,
                ),
                (err: Error) => {
                    assert.match(err.message, /'port' \("<unknown>"\) must be known at preview/);
                    assert.match(err.message, /'image' \("<secret>"\) can't be a secret/);
                    return true;
                },
            );
        });

        it("unwraps a known output at any depth, as other languages send nested values, and depends on its resources", async () => {
            const ns = new k8s.core.v1.Namespace("shop", { metadata: { name: "shop" } });
            const { args, dependsOn } = await plainInputs(
                "ScalableService web",
                {
                    image: "nginx:1.28",
                    autoscaling: { minReplicas: pulumi.output(2), maxReplicas: 4 },
                    ingress: {
                        host: ns.metadata.name.apply((n) => `${n}.example.com`),
                        paths: [pulumi.output("/"), "/api"],
                    },
                },
                SCHEMA,
            );
            assert.deepEqual(args, {
                image: "nginx:1.28",
                autoscaling: { minReplicas: 2, maxReplicas: 4 },
                ingress: { host: "shop.example.com", paths: ["/", "/api"] },
            });
            assert.deepEqual(dependsOn, [ns]);
        });

        it("names a nested field that is unknown at preview or a secret by its path", async () => {
            await assert.rejects(
                plainInputs(
                    "ScalableService web",
                    {
                        autoscaling: { minReplicas: pulumi.output(unknown) },
                        ingress: { paths: ["/", pulumi.secret("/admin")] },
                    },
                    SCHEMA,
                ),
                (err: Error) => {
                    assert.match(
                        err.message,
                        /'autoscaling\.minReplicas' \("<unknown>"\) must be known at preview/,
                    );
                    assert.match(
                        err.message,
                        /'ingress\.paths\[1\]' \("<secret>"\) can't be a secret/,
                    );
                    // In the args' order.
                    assert.ok(
                        err.message.indexOf("autoscaling.minReplicas") <
                            err.message.indexOf("ingress.paths[1]"),
                    );
                    return true;
                },
            );
        });

        it("reads which paths stay outputs from the schema, which marks every other path plain", () => {
            assert.deepEqual(inputPaths(SCHEMA), [
                "env.*",
                "env.*.secret",
                "serviceAccountAnnotations.*",
            ]);
        });

        it("leaves outputs at input paths as they are, secrets included", async () => {
            const token = pulumi.secret("s3cret");
            const role = pulumi.output("arn:aws:iam::1:role/x");
            const { args } = await plainInputs(
                "ScalableService web",
                {
                    env: { TOKEN: token, LEVEL: "info", KEY: { secret: token } },
                    serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": role },
                },
                SCHEMA,
            );
            const env = args.env as Record<string, any>;
            assert.equal(env.TOKEN, token);
            assert.equal(env.LEVEL, "info");
            assert.equal(env.KEY.secret, token);
            assert.equal(
                (args.serviceAccountAnnotations as any)["eks.amazonaws.com/role-arn"],
                role,
            );
        });

        it("unwraps an output nested in an env reference, such as a Secret's generated name", async () => {
            const db = new k8s.core.v1.Secret("db", { metadata: { name: "db-4f2a" } });
            const { args, dependsOn } = await plainInputs(
                "ScalableService web",
                { env: { PASSWORD: { secretKeyRef: { name: db.metadata.name, key: "pw" } } } },
                SCHEMA,
            );
            assert.deepEqual(args.env, {
                PASSWORD: { secretKeyRef: { name: "db-4f2a", key: "pw" } },
            });
            assert.deepEqual(dependsOn, [db]);
        });

        it("awaits a whole env map given as one output, and lands each entry by its type", async () => {
            const { args } = await plainInputs(
                "ScalableService web",
                { env: pulumi.output({ A: "1", KEY: { secret: "k3y" } }) },
                SCHEMA,
            );
            assert.deepEqual(args.env, { A: "1", KEY: { secret: "k3y" } });
        });

        it("passes a secret whole-map output's secrecy to each entry at an input path", async () => {
            const { args } = await plainInputs(
                "ScalableService web",
                {
                    env: pulumi.secret({ A: "1", KEY: { secret: "k3y" } }),
                    serviceAccountAnnotations: pulumi.secret({ role: "arn" }),
                },
                SCHEMA,
            );
            const env = args.env as Record<string, any>;
            for (const [value, expected] of [
                [env.A, "1"],
                [env.KEY.secret, "k3y"],
                [(args.serviceAccountAnnotations as any).role, "arn"],
            ]) {
                assert.equal(await pulumi.isSecret(pulumi.output(value)), true, expected);
                assert.equal(await valueOf(value), expected);
            }
        });

        it("refuses, by path, a secret whole-map output that reaches a plain field", async () => {
            await assert.rejects(
                plainInputs(
                    "ScalableService web",
                    { env: pulumi.secret({ DB: { secretKeyRef: { name: "db", key: "pw" } } }) },
                    SCHEMA,
                ),
                /'env\.DB\.secretKeyRef\.name' \("<secret>"\) can't be a secret: it is a plain field.*only env\.\*, env\.\*\.secret, serviceAccountAnnotations\.\* can be secrets/,
            );
        });

        it("refuses a whole env map that is unknown at preview, naming it, but keeps an unknown env value", async () => {
            await assert.rejects(
                plainInputs("ScalableService web", { env: pulumi.output(unknown) }, SCHEMA),
                /'env' \("<unknown>"\) must be known at preview/,
            );
            const later = pulumi.output(unknown) as pulumi.Output<string>;
            const { args } = await plainInputs(
                "ScalableService web",
                { env: { URL: later } },
                SCHEMA,
            );
            assert.equal((args.env as any).URL, later);
        });
    });
});
