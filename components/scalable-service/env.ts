import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EnvFromArgs, KeyRef, ScalableServiceArgs } from "./args";
import { envReferences, orderEnv } from "./envOrder";
import { IssueCollector, isConfigMapKey, isDns1123Subdomain } from "../shared/validation";

import Input = k8s.types.input;

/**
 * The container's environment: validation of `env` and `envFrom`, and the
 * builders that keep secrets out of the pod spec. No resource is registered
 * here; the component registers the Secret these builders reference.
 *
 * Where a value goes is decided per variable:
 * - a plain string goes into the pod spec;
 * - `{ secret }` always goes into the component's Secret;
 * - an Output or Promise goes into the Secret when it is a Pulumi secret, and
 *   into the pod spec otherwise. Secretness is known only once the Output
 *   resolves, so the variable's entry is an Output, but the Secret itself is
 *   registered whenever such a value exists: a secret can't miss it.
 */

/** One resolved variable. `kind` says where its value comes from. */
export type ResolvedEnvVar =
    | { name: string; kind: "plain"; value: string }
    | { name: string; kind: "computed"; value: pulumi.Input<string> }
    | { name: string; kind: "secret"; value: pulumi.Input<string> }
    | { name: string; kind: "secretKeyRef" | "configMapKeyRef"; ref: KeyRef };

/** One resolved `envFrom` source. */
export interface ResolvedEnvFrom {
    kind: "secretRef" | "configMapRef";
    name: string;
    prefix?: string;
    optional: boolean;
}

/**
 * The pod template annotation that names the env Secret's UID. A replaced
 * Secret has a new UID whatever it is named, so the pods roll even where the
 * stack's `pulumi:autonaming` config keeps the name (verbatim, or a pattern
 * without a random part). A UID says nothing about the values.
 */
export const ENV_SECRET_UID_ANNOTATION = "env-secret/uid";

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const VALUE_FORMS = "a string, an Output, { secret }, { secretKeyRef } or { configMapKeyRef }";

function isComputed(value: unknown): value is pulumi.Output<string> | Promise<string> {
    return (
        pulumi.Output.isInstance(value) ||
        (typeof value === "object" &&
            value !== null &&
            typeof (value as { then?: unknown }).then === "function")
    );
}

function isStringInput(value: unknown): value is pulumi.Input<string> {
    return typeof value === "string" || isComputed(value);
}

function checkKeyRef(issues: IssueCollector, field: string, ref: unknown): ref is KeyRef {
    if (typeof ref !== "object" || ref === null) {
        issues.add(field, ref, "must be { name, key, optional? }");
        return false;
    }
    const { name, key, optional } = ref as Partial<KeyRef>;
    const ok = [
        issues.check(
            isDns1123Subdomain(name),
            `${field}.name`,
            name,
            "must be a Secret or ConfigMap name (a DNS-1123 subdomain)",
        ),
        issues.check(
            isConfigMapKey(key),
            `${field}.key`,
            key,
            "must be a data key (letters, digits, '-', '_' and '.', not starting with '..')",
        ),
        issues.check(
            optional === undefined || typeof optional === "boolean",
            `${field}.optional`,
            optional,
            "must be true or false",
        ),
    ];
    return ok.every(Boolean);
}

/** `value` with a `secret` entry masked, so an error message never prints a secret. */
function withoutSecret(value: unknown): unknown {
    if (typeof value !== "object" || value === null || !("secret" in value)) return value;
    return { ...value, secret: "<secret>" };
}

function resolveEnvVar(issues: IssueCollector, name: string, value: unknown): ResolvedEnvVar[] {
    const field = `env.${name}`;
    if (typeof value === "string") {
        return [{ name, kind: "plain", value }];
    }
    if (isComputed(value)) {
        return [{ name, kind: "computed", value }];
    }
    const keys = typeof value === "object" && value !== null ? Object.keys(value) : [];
    if (keys.length !== 1) {
        issues.add(field, withoutSecret(value), `must be ${VALUE_FORMS}`);
        return [];
    }
    const form = keys[0];
    const inner = (value as Record<string, unknown>)[form];
    if (form === "secret") {
        return issues.check(
            isStringInput(inner),
            `${field}.secret`,
            `<${typeof inner}>`,
            "must be a string or an Output",
        )
            ? [{ name, kind: "secret", value: inner as pulumi.Input<string> }]
            : [];
    }
    if (form === "secretKeyRef" || form === "configMapKeyRef") {
        return checkKeyRef(issues, `${field}.${form}`, inner)
            ? [{ name, kind: form, ref: { ...inner } }]
            : [];
    }
    issues.add(field, value, `must be ${VALUE_FORMS}`);
    return [];
}

function resolveEnvFromSource(
    issues: IssueCollector,
    field: string,
    source: EnvFromArgs,
): ResolvedEnvFrom[] {
    const given = (["secretRef", "configMapRef"] as const).filter((k) => source?.[k] !== undefined);
    if (given.length !== 1) {
        issues.add(field, source, "must set exactly one of 'secretRef' and 'configMapRef'");
        return [];
    }
    const kind = given[0];
    const name = source[kind];
    const ok = [
        issues.check(
            isDns1123Subdomain(name),
            `${field}.${kind}`,
            name,
            "must be a Secret or ConfigMap name (a DNS-1123 subdomain)",
        ),
        issues.check(
            source.prefix === undefined || ENV_NAME.test(source.prefix),
            `${field}.prefix`,
            source.prefix,
            "must be a valid start of an environment variable name",
        ),
        issues.check(
            source.optional === undefined || typeof source.optional === "boolean",
            `${field}.optional`,
            source.optional,
            "must be true or false",
        ),
    ];
    if (!ok.every(Boolean)) {
        return [];
    }
    return [
        {
            kind,
            name: name!,
            ...(source.prefix !== undefined ? { prefix: source.prefix } : {}),
            optional: source.optional ?? false,
        },
    ];
}

/**
 * Validates `env` and `envFrom`. Variables come out in a deterministic order:
 * by name, with each one after the variables its `$(VAR)` references name
 * (`orderEnv`); a cycle of references is refused.
 */
export function resolveEnv(
    issues: IssueCollector,
    args: ScalableServiceArgs,
): { env: ResolvedEnvVar[]; envFrom: ResolvedEnvFrom[] } {
    const given = (args.env ?? {}) as Record<string, unknown>;
    const resolvedVars = Object.keys(given)
        .sort()
        .flatMap((name) => {
            const nameOk = issues.check(
                ENV_NAME.test(name),
                `env.${name}`,
                name,
                "is not a valid environment variable name",
            );
            const resolved = resolveEnvVar(issues, name, given[name]);
            return nameOk ? resolved : [];
        });
    const env = orderEnv(
        issues,
        resolvedVars,
        (v) => (v.kind === "plain" ? v.value : undefined),
        (v) => (v.kind === "computed" ? 1 : 0),
    );
    let envFrom: ResolvedEnvFrom[] = [];
    if (args.envFrom !== undefined) {
        if (Array.isArray(args.envFrom)) {
            envFrom = args.envFrom.flatMap((s, i) =>
                resolveEnvFromSource(issues, `envFrom[${i}]`, s),
            );
        } else {
            issues.add(
                "envFrom",
                args.envFrom,
                "must be a list of { secretRef } or { configMapRef }",
            );
        }
    }
    return { env, envFrom };
}

/** True when a variable may need the component's Secret: it must then be registered. */
export function needsEnvSecret(env: readonly ResolvedEnvVar[]): boolean {
    return env.some((v) => v.kind === "secret" || v.kind === "computed");
}

/** Whether a computed value is a Pulumi secret; known only once the Output resolves. */
function secretness(value: pulumi.Input<string>): pulumi.Output<boolean> {
    return pulumi.output(pulumi.isSecret(pulumi.output(value)));
}

function secretRef(name: string, secretName: pulumi.Input<string>): Input.core.v1.EnvVar {
    return { name, valueFrom: { secretKeyRef: { name: secretName, key: name } } };
}

/**
 * The container's `env` entries. `secretName` is the component's Secret, which
 * must exist when `needsEnvSecret(env)`. A computed entry stays an Output:
 * a reference when its value is secret (the reference itself is not, so the
 * Deployment carries no secret), the value otherwise.
 */
export function buildEnvVars(
    env: readonly ResolvedEnvVar[],
    secretName: pulumi.Input<string> | undefined,
    warn: (message: string) => void = () => undefined,
): pulumi.Input<Input.core.v1.EnvVar>[] {
    if (needsEnvSecret(env) && secretName === undefined) {
        throw new Error("buildEnvVars: a secret or computed variable needs the env Secret's name");
    }
    const later = (i: number) => new Set(env.slice(i).map((v) => v.name));
    return env.map((v, i): pulumi.Input<Input.core.v1.EnvVar> => {
        switch (v.kind) {
            case "plain":
                return { name: v.name, value: v.value };
            case "secret":
                return secretRef(v.name, secretName!);
            case "computed":
                return secretness(v.value).apply((isSecret) => {
                    // Read only for the warning: the entry itself must not derive from a secret.
                    void pulumi.output(v.value).apply((value) => {
                        const warning = referenceWarning(v.name, value, isSecret, later(i + 1));
                        if (warning) warn(warning);
                    });
                    return isSecret
                        ? secretRef(v.name, secretName!)
                        : pulumi.output(v.value).apply((value) => ({ name: v.name, value }));
                });
            default:
                return { name: v.name, valueFrom: { [v.kind]: { ...v.ref } } };
        }
    });
}

/**
 * Why an Output's `$(VAR)` references won't expand, once its text is known:
 * a secret value is read through `secretKeyRef`, which Kubernetes never
 * expands, and a reference to a variable listed later stays literal.
 */
function referenceWarning(
    name: string,
    value: string,
    isSecret: boolean,
    listedLater: Set<string>,
): string | undefined {
    const refs = envReferences(value);
    if (refs.length === 0) return undefined;
    if (isSecret) {
        return (
            `env.${name} is a secret, so it is read from the component's Secret, and Kubernetes ` +
            `does not expand its $(${refs[0]}): build the value in your program instead`
        );
    }
    const late = refs.filter((r) => listedLater.has(r));
    if (late.length === 0) return undefined;
    return (
        `env.${name} references $(${late.join("), $(")}), listed after it, so Kubernetes leaves ` +
        "the reference literal: an Output's text isn't known when the list is ordered; make the " +
        "referenced value a plain string or build the value in your program"
    );
}

/** The container's `envFrom` entries. */
export function buildEnvFrom(envFrom: readonly ResolvedEnvFrom[]): Input.core.v1.EnvFromSource[] {
    return envFrom.map((s) => ({
        ...(s.prefix !== undefined ? { prefix: s.prefix } : {}),
        [s.kind]: { name: s.name, optional: s.optional },
    }));
}

/**
 * The owned Secret's `data` (base64, as the API stores it): every `{ secret }`
 * value, and every computed value that is a Pulumi secret. Always a Pulumi secret.
 */
export function buildEnvSecretData(
    env: readonly ResolvedEnvVar[],
): pulumi.Output<Record<string, string>> {
    const entries = env.map((v) => {
        if (v.kind === "secret") {
            return pulumi.output(v.value).apply((value) => [v.name, value] as const);
        }
        if (v.kind === "computed") {
            return secretness(v.value).apply((isSecret) =>
                isSecret
                    ? pulumi.output(v.value).apply((value) => [v.name, value] as const)
                    : undefined,
            );
        }
        return pulumi.output(undefined);
    });
    return pulumi.secret(
        pulumi.all(entries).apply((pairs) => {
            const data: Record<string, string> = {};
            for (const pair of pairs) {
                if (pair) {
                    data[pair[0]] = Buffer.from(pair[1], "utf8").toString("base64");
                }
            }
            return data;
        }),
    );
}
