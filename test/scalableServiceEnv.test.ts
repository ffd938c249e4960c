import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { resolveScalableService, ScalableServiceArgs } from "../components";
import {
    buildEnvFrom,
    buildEnvSecretData,
    buildEnvVars,
    needsEnvSecret,
} from "../components/scalable-service/env";
import { buildDeploymentSpec } from "../components/scalable-service/specs";
import { assertRejected, minimalArgs } from "./fixtures";

/** Resolves an Output (or a plain value) to its value. */
function value<T>(input: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(input).apply((v) => resolve(v as T)));
}

function resolveEnv(env: ScalableServiceArgs["env"], envFrom?: ScalableServiceArgs["envFrom"]) {
    return resolveScalableService("api", { ...minimalArgs(), env, envFrom }).resolved;
}

function rejects(extra: Partial<ScalableServiceArgs>, ...fragments: string[]): void {
    assertRejected("api", extra, ...fragments);
}

describe("env and secrets (pure)", () => {
    it("classifies each value: plain, computed, { secret }, and references, in name order with Outputs last", () => {
        const computed = pulumi.output("x");
        const svc = resolveEnv({
            Z_PLAIN: "1",
            A_COMPUTED: computed,
            M_SECRET: { secret: "s" },
            B_REF: { secretKeyRef: { name: "db", key: "password" } },
            C_CM: { configMapKeyRef: { name: "settings", key: "mode", optional: true } },
        });
        assert.deepEqual(
            svc.env.map((v) => [v.name, v.kind]),
            [
                ["B_REF", "secretKeyRef"],
                ["C_CM", "configMapKeyRef"],
                ["M_SECRET", "secret"],
                ["Z_PLAIN", "plain"],
                ["A_COMPUTED", "computed"],
            ],
        );
        assert.equal(needsEnvSecret(svc.env), true);
        assert.equal(
            needsEnvSecret(
                resolveEnv({ A: "1", B: { configMapKeyRef: { name: "c", key: "k" } } }).env,
            ),
            false,
        );
    });

    it("builds plain values and references without the owned Secret", async () => {
        const svc = resolveEnv({
            PLAIN: "1",
            REF: { secretKeyRef: { name: "db", key: "password" } },
            CM: { configMapKeyRef: { name: "settings", key: "mode", optional: true } },
        });
        const entries = await Promise.all(buildEnvVars(svc.env, undefined).map(value));
        assert.deepEqual(entries, [
            {
                name: "CM",
                valueFrom: { configMapKeyRef: { name: "settings", key: "mode", optional: true } },
            },
            { name: "PLAIN", value: "1" },
            { name: "REF", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
        ]);
    });

    it("references the owned Secret for { secret } and secret Outputs, and keeps plain Outputs visible", async () => {
        const svc = resolveEnv({
            DB_PASSWORD: pulumi.secret("hunter2"),
            TOKEN: { secret: "t0ken" },
            UPSTREAM: pulumi.output("http://other:80"),
        });
        const entries = await Promise.all(buildEnvVars(svc.env, "api-env-abc").map(value));
        const ref = (name: string) => ({
            name,
            valueFrom: { secretKeyRef: { name: "api-env-abc", key: name } },
        });
        assert.deepEqual(entries, [
            ref("TOKEN"),
            ref("DB_PASSWORD"),
            { name: "UPSTREAM", value: "http://other:80" },
        ]);
        // The reference to a secret is not itself a secret, so the Deployment carries none.
        const dbEntry = buildEnvVars(svc.env, "api-env-abc")[1] as pulumi.Output<unknown>;
        assert.equal(await pulumi.isSecret(dbEntry), false);
    });

    it("puts only the secret values in the Secret's data, base64-encoded, as a Pulumi secret", async () => {
        const svc = resolveEnv({
            DB_PASSWORD: pulumi.secret("hunter2"),
            TOKEN: { secret: "t0ken" },
            UPSTREAM: pulumi.output("http://other:80"),
            PLAIN: "1",
        });
        const data = buildEnvSecretData(svc.env);
        assert.equal(await pulumi.isSecret(data), true);
        assert.deepEqual(await value(data), {
            DB_PASSWORD: Buffer.from("hunter2").toString("base64"),
            TOKEN: Buffer.from("t0ken").toString("base64"),
        });
    });

    it("refuses to build secret references without the Secret's name", () => {
        const svc = resolveEnv({ TOKEN: { secret: "t0ken" } });
        assert.throws(() => buildEnvVars(svc.env, undefined), /needs the env Secret's name/);
    });

    it("keeps the secret value out of the Deployment spec built from it", async () => {
        const svc = resolveEnv({
            DB_PASSWORD: pulumi.secret("hunter2"),
            TOKEN: { secret: "t0ken" },
        });
        const spec = buildDeploymentSpec(svc, { envSecretName: "api-env-abc" });
        const env = await Promise.all(
            ((spec as any).template.spec.containers[0].env as unknown[]).map(value),
        );
        const text = JSON.stringify({ ...spec, env });
        for (const secret of ["hunter2", "t0ken"]) {
            assert.equal(text.includes(secret), false);
            assert.equal(text.includes(Buffer.from(secret).toString("base64")), false);
        }
        assert.equal((spec as any).template.metadata.annotations, undefined);
    });

    it("builds envFrom sources with their prefix and optional flag", () => {
        const svc = resolveEnv(undefined, [
            { secretRef: "db-credentials", prefix: "DB_" },
            { configMapRef: "settings", optional: true },
        ]);
        assert.deepEqual(buildEnvFrom(svc.envFrom), [
            { prefix: "DB_", secretRef: { name: "db-credentials", optional: false } },
            { configMapRef: { name: "settings", optional: true } },
        ]);
        const spec = buildDeploymentSpec(svc) as any;
        assert.deepEqual(spec.template.spec.containers[0].envFrom, buildEnvFrom(svc.envFrom));
        assert.equal("env" in spec.template.spec.containers[0], false);
    });

    it("rejects malformed values and references, naming the field and the value", () => {
        rejects(
            {
                env: {
                    BOTH: { secret: "hunter2", secretKeyRef: { name: "x", key: "y" } } as never,
                    NUM: 5 as never,
                    BAD_REF: { secretKeyRef: { name: "Not_A_Name", key: "k" } },
                    BAD_KEY: { configMapKeyRef: { name: "cm", key: "a/b" } },
                    DOTS_KEY: { secretKeyRef: { name: "s", key: "..data" } },
                    BAD_SECRET: { secret: 42 as never },
                },
            },
            `'env.BOTH' ({"secret":"<secret>","secretKeyRef":{"name":"x","key":"y"}}) must be a string, an Output, { secret }, { secretKeyRef } or { configMapKeyRef }`,
            `'env.NUM' (5) must be`,
            `'env.BAD_REF.secretKeyRef.name' ("Not_A_Name") must be a Secret or ConfigMap name`,
            `'env.BAD_KEY.configMapKeyRef.key' ("a/b") must be a data key`,
            `'env.DOTS_KEY.secretKeyRef.key' ("..data") must be a data key (letters, digits, '-', '_' and '.', not starting with '..')`,
            `'env.BAD_SECRET.secret' ("<number>") must be a string or an Output`,
        );
        // A secret never reaches the message, whatever else is wrong with the value.
        assert.throws(
            () =>
                resolveScalableService("api", {
                    ...minimalArgs(),
                    env: { BOTH: { secret: "hunter2", optional: true } as never },
                }),
            (err: Error) => !err.message.includes("hunter2"),
        );
    });

    it("rejects envFrom sources that set both or neither reference, or a bad prefix", () => {
        rejects(
            {
                envFrom: [
                    { secretRef: "a", configMapRef: "b" },
                    {},
                    { configMapRef: "settings", prefix: "1X" },
                ],
            },
            `'envFrom[0]' ({"secretRef":"a","configMapRef":"b"}) must set exactly one of 'secretRef' and 'configMapRef'`,
            `'envFrom[1]' ({}) must set exactly one`,
            `'envFrom[2].prefix' ("1X") must be a valid start of an environment variable name`,
        );
        rejects({ envFrom: "db" as never }, `'envFrom' ("db") must be a list`);
    });
});
