import * as pulumi from "@pulumi/pulumi";
import { IssueCollector } from "../validation";

/**
 * Turns the inputs a component receives over the wire into the args the
 * TypeScript component takes. The engine sends a top-level input as a
 * `pulumi.Output` when it depends on another resource or is a secret.
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
 * Unwraps every top-level output except the `inputFields`, whose entries
 * stay outputs. Throws a `ValidationError` listing each field that can't be
 * unwrapped.
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
        if (!pulumi.Output.isInstance(value)) {
            args[field] = value;
            continue;
        }
        const out = value as unknown as OutputInternals<unknown>;
        for (const r of (await out.allResources?.()) ?? []) dependsOn.add(r);
        if (inputFields.includes(field)) {
            args[field] = await entriesOf(value as pulumi.Output<Record<string, unknown>>);
        } else if (!(await out.isKnown)) {
            issues.add(
                field,
                "<unknown>",
                `must be known at preview: ${component} validates it before it creates anything`,
            );
        } else if (await out.isSecret) {
            issues.add(
                field,
                "<secret>",
                "can't be a secret: only env values and serviceAccountAnnotations can",
            );
        } else {
            args[field] = await out.promise();
        }
    }
    issues.throwIfAny(component);
    return { args, dependsOn: [...dependsOn] };
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
