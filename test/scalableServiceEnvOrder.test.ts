import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { resolveScalableService, ScalableServiceArgs } from "../components";
import { buildEnvVars } from "../components/scalable-service/env";
import { envReferences, expandEnvValue } from "../components/scalable-service/envOrder";
import { buildDeploymentSpec } from "../components/scalable-service/specs";
import { assertRejected, minimalArgs } from "./fixtures";

function order(env: ScalableServiceArgs["env"]): string[] {
    return resolveScalableService("api", { ...minimalArgs(), env }).resolved.env.map((v) => v.name);
}

/** The environment the kubelet builds from a container's plain `env` list, in order. */
function kubeletEnvironment(env: { name: string; value?: string }[]): Record<string, string> {
    const defined: Record<string, string> = {};
    for (const v of env) {
        if (v.value === undefined) continue;
        defined[v.name] = expandEnvValue(v.value, (n) => defined[n]);
    }
    return defined;
}

describe("env order and $(VAR) expansion (pure)", () => {
    it("expands references as the kubelet does: $$ escapes, unknown and unterminated stay literal", () => {
        const vars: Record<string, string> = { A: "a", B: "b", EMPTY: "" };
        const expand = (s: string) => expandEnvValue(s, (n) => vars[n]);
        // Cases from Kubernetes' own expansion tests (third_party/forked/golang/expansion).
        assert.equal(expand("$(A)"), "a");
        assert.equal(expand("x$(A)y$(B)z"), "xaybz");
        assert.equal(expand("$(EMPTY)-"), "-");
        assert.equal(expand("$(UNKNOWN)"), "$(UNKNOWN)");
        assert.equal(expand("$$(A)"), "$(A)");
        assert.equal(expand("$$$(A)"), "$a");
        assert.equal(expand("$(A"), "$(A");
        assert.equal(expand("$A"), "$A");
        assert.equal(expand("ends with $"), "ends with $");
        assert.equal(expand("$()"), "$()");
    });

    it("finds each referenced name once, ignoring escaped ones", () => {
        assert.deepEqual(envReferences("$(B)/$(A)/$(B)/$$(C)"), ["B", "A"]);
        assert.deepEqual(envReferences("no refs, $HOME"), []);
    });

    it("keeps name order when no value references another", () => {
        assert.deepEqual(order({ Z: "1", A: "$(NOT_HERE)", M: { secret: "s" } }), ["A", "M", "Z"]);
    });

    it("puts a referenced variable, a secret one included, before the value that uses it", () => {
        assert.deepEqual(
            order({
                DATABASE_URL: "postgres://app:$(DB_PASSWORD)@$(DB_HOST)/app",
                DB_PASSWORD: { secret: "hunter2" },
                DB_HOST: "db.$(ZONE)",
                ZONE: "internal",
                A_FIRST: "1",
            }),
            ["A_FIRST", "DB_PASSWORD", "ZONE", "DB_HOST", "DATABASE_URL"],
        );
    });

    it("builds a Deployment env the kubelet expands fully, where name order would leave $(VAR) literal", () => {
        const env = {
            BASE_URL: "http://$(HOST):$(PORT)/",
            HOST: "api.$(DOMAIN)",
            DOMAIN: "shop.svc",
            PORT: "8080",
        };
        const svc = resolveScalableService("api", { ...minimalArgs(), env }).resolved;
        const spec = buildDeploymentSpec(svc) as any;
        const list = spec.template.spec.containers[0].env as { name: string; value: string }[];
        assert.equal(kubeletEnvironment(list).BASE_URL, "http://api.shop.svc:8080/");
        const byName = Object.keys(env)
            .sort()
            .map((name) => ({ name, value: env[name as keyof typeof env] }));
        assert.equal(kubeletEnvironment(byName).BASE_URL, "http://$(HOST):$(PORT)/", "name order");
    });

    it("ignores a variable referencing itself (it may come from envFrom)", () => {
        assert.deepEqual(order({ PATH_EXTRA: "$(PATH_EXTRA):/opt", B: "$(PATH_EXTRA)" }), [
            "PATH_EXTRA",
            "B",
        ]);
    });

    it("refuses a cycle of references, naming its variables in order", () => {
        assertRejected(
            "api",
            { env: { A: "$(B)", B: "x$(C)", C: "$(A)", D: "$(A)", OK: "1" } },
            `'env.A' ("A → B → C → A") is a cycle of $(VAR) references`,
        );
        assertRejected("api", { env: { X: "$(Y)", Y: "$(X)" } }, `'env.X' ("X → Y → X")`);
    });

    it("puts a value whose text is an Output after the others, where what it references is defined", () => {
        assert.deepEqual(order({ A: pulumi.output("$(B)"), B: "1", C: "$(A)" }), ["B", "A", "C"]);
    });

    it("warns, once an Output's text is known, of a reference Kubernetes won't expand", async () => {
        const svc = resolveScalableService("api", {
            ...minimalArgs(),
            env: {
                A_URL: pulumi.output("http://$(B_HOST)/"), // B_HOST is an Output too, listed after it
                B_HOST: pulumi.output("db"),
                C_TOKEN: pulumi.secret("x-$(B_HOST)"), // read through secretKeyRef: never expanded
                D_OK: pulumi.output("$(PLAIN)"),
                PLAIN: "1",
            },
        }).resolved;
        const warnings: string[] = [];
        const entries = buildEnvVars(svc.env, "api-env-abc", (m) => warnings.push(m));
        await Promise.all(entries.map((e) => new Promise((r) => pulumi.output(e).apply(r))));
        await new Promise((r) => setImmediate(r));
        assert.deepEqual(warnings.sort(), [
            "env.A_URL references $(B_HOST), listed after it, so Kubernetes leaves the reference literal: an Output's text isn't known when the list is ordered; make the referenced value a plain string or build the value in your program",
            "env.C_TOKEN is a secret, so it is read from the component's Secret, and Kubernetes does not expand its $(B_HOST): build the value in your program instead",
        ]);
    });
});
