import * as pulumi from "@pulumi/pulumi";
import { IssueCollector } from "../validation";

/**
 * Turns the inputs a component receives over the wire into the args the
 * TypeScript component takes. The SDK hands the component an input, at any
 * depth (`autoscaling.minReplicas`, `ingress.host`), as a `pulumi.Output`
 * when it depends on another resource or is a secret.
 * ScalableService validates its correctness fields (ports, bounds, paths)
 * before it registers anything, so those must be plain values: a known
 * output is unwrapped, and its resources become dependencies of the
 * component; an unknown or secret one is an error naming the field.
 * Fields the component takes as inputs (`env` values, for example) keep
 * their outputs, secrets included.
 */

/** What `plainInputs` found: the args, and the resources their values came from. */
export interface PlainInputs {
    args: Record<string, unknown>;
    dependsOn: pulumi.Resource[];
}

/** The internals of an `Output` this needs; stable across SDK releases since 3.0. */
interface OutputInternals<T> {
    isKnown: Promise<boolean>;
    isSecret: Promise<boolean>;
    promise(): Promise<T>;
    allResources?: () => Promise<Set<pulumi.Resource>>;
}

/**
 * Unwraps every output, at any depth of plain objects and arrays, except in
 * the `inputFields`, whose entries stay outputs. Throws a `ValidationError`
 * listing each field, by its dotted path, that can't be unwrapped.
 */
export async function plainInputs(
    component: string,
    inputs: Record<string, unknown>,
    inputFields: readonly string[],
): Promise<PlainInputs> {
    const issues = new IssueCollector();
    const args: Record<string, unknown> = {};
    const dependsOn = new Set<pulumi.Resource>();
    for (const [field, value] of Object.entries(inputs)) {
        if (!inputFields.includes(field)) {
            args[field] = await unwrap(component, field, value, issues, dependsOn);
        } else if (pulumi.Output.isInstance(value)) {
            await addResources(value, dependsOn);
            args[field] = await entriesOf(value as pulumi.Output<Record<string, unknown>>);
        } else {
            // Entries the component takes as inputs: outputs, secrets included, pass as they are.
            args[field] = value;
        }
    }
    issues.throwIfAny(component);
    return { args, dependsOn: [...dependsOn] };
}

/** Adds the resources an output's value came from to `into`. */
async function addResources(value: unknown, into: Set<pulumi.Resource>): Promise<void> {
    const out = value as OutputInternals<unknown>;
    for (const r of (await out.allResources?.()) ?? []) into.add(r);
}

/** `value` with every output in it, at any depth, replaced by its known, non-secret value. */
async function unwrap(
    component: string,
    path: string,
    value: unknown,
    issues: IssueCollector,
    dependsOn: Set<pulumi.Resource>,
): Promise<unknown> {
    const inner = (p: string, v: unknown) => unwrap(component, p, v, issues, dependsOn);
    if (pulumi.Output.isInstance(value)) {
        await addResources(value, dependsOn);
        const out = value as unknown as OutputInternals<unknown>;
        if (!(await out.isKnown)) {
            issues.add(
                path,
                "<unknown>",
                `must be known at preview: ${component} validates it before it creates anything`,
            );
            return undefined;
        }
        if (await out.isSecret) {
            issues.add(
                path,
                "<secret>",
                "can't be a secret: only env values and serviceAccountAnnotations can",
            );
            return undefined;
        }
        return inner(path, await out.promise());
    }
    // One entry at a time, so the issues come out in the args' order.
    if (Array.isArray(value)) {
        const items: unknown[] = [];
        for (const [i, v] of value.entries()) items.push(await inner(`${path}[${i}]`, v));
        return items;
    }
    if (isPlainObject(value)) {
        const entries: [string, unknown][] = [];
        for (const [k, v] of Object.entries(value))
            entries.push([k, await inner(`${path}.${k}`, v)]);
        return Object.fromEntries(entries);
    }
    return value;
}

/** An object literal (not a class instance such as a resource or an asset). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
    if (value === null || typeof value !== "object") return false;
    const proto: unknown = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null;
}

/** An output of a map as a map of outputs, so each entry keeps its secrecy on its own. */
async function entriesOf(
    value: pulumi.Output<Record<string, unknown>>,
): Promise<Record<string, pulumi.Output<unknown>> | pulumi.Output<unknown>> {
    const out = value as unknown as OutputInternals<Record<string, unknown> | undefined>;
    if (!(await out.isKnown)) return value;
    const keys = Object.keys((await out.promise()) ?? {});
    return Object.fromEntries(keys.map((k) => [k, value.apply((v) => v[k])]));
}
