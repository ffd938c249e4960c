import * as pulumi from "@pulumi/pulumi";
import { IssueCollector } from "../shared/validation";
import { ComplexTypeSpec, TypeSpec } from "./schemaTypes";

/**
 * Turns the inputs a component receives over the wire into the args the
 * TypeScript component takes. The SDK hands the component a value, at any
 * depth, as a `pulumi.Output` when it depends on another resource or is a
 * secret, and a whole map or object may arrive as one Output.
 *
 * Which paths stay outputs is read from the package schema, which is derived
 * from the TypeScript declarations (`packaging/schema.ts`): a type that is a
 * `pulumi.Input` in TypeScript is an input there, and every other type is
 * marked `plain`. So:
 * - an Output at an input path (an `env` value, `env.X.secret`, a
 *   `serviceAccountAnnotations` value) is passed on as it is, secrets included;
 * - any other Output is awaited: a known one is replaced by its value and its
 *   resources become dependencies of the component, and its value is walked
 *   in turn, so a whole `env` map given as one Output still lands each entry
 *   where its type says. A secret Output's secrecy passes to the input paths
 *   below it; a secret or unknown value at a plain path is an error naming the
 *   path, because ScalableService validates those fields (names, ports,
 *   bounds) before it registers anything.
 */

/** What `plainInputs` found: the args, and the resources their values came from. */
export interface PlainInputs {
    args: Record<string, unknown>;
    dependsOn: pulumi.Resource[];
}

/** A component's input properties and the named types they refer to, from the package schema. */
export interface InputsSchema {
    properties: Record<string, TypeSpec>;
    types: Record<string, ComplexTypeSpec>;
}

/** The internals of an `Output` this needs; stable across SDK releases since 3.0. */
interface OutputInternals<T> {
    isKnown: Promise<boolean>;
    isSecret: Promise<boolean>;
    promise(): Promise<T>;
    allResources?: () => Promise<Set<pulumi.Resource>>;
}

/** The walk's state: where it is, and whether an Output above it was secret. */
interface Place {
    path: string;
    spec: TypeSpec | undefined;
    secret: boolean;
}

/**
 * `inputs` as the component's args, per `schema` (see above). Throws a
 * `ValidationError` listing each path that can't be made plain.
 */
export async function plainInputs(
    component: string,
    inputs: Record<string, unknown>,
    schema: InputsSchema,
): Promise<PlainInputs> {
    const walk = new InputWalk(component, schema);
    const args: Record<string, unknown> = {};
    // One entry at a time, so the issues come out in the args' order.
    for (const [field, value] of Object.entries(inputs)) {
        const spec = schema.properties[field];
        args[field] = await walk.value({ path: field, spec, secret: false }, value);
    }
    walk.issues.throwIfAny(component);
    return { args, dependsOn: [...walk.dependsOn] };
}

class InputWalk {
    readonly issues = new IssueCollector();
    readonly dependsOn = new Set<pulumi.Resource>();

    constructor(
        private readonly component: string,
        private readonly schema: InputsSchema,
    ) {}

    async value(at: Place, value: unknown): Promise<unknown> {
        if (pulumi.Output.isInstance(value)) return this.output(at, value);
        const spec = this.resolve(at.spec, value);
        if (Array.isArray(value)) {
            const items: unknown[] = [];
            for (const [i, v] of value.entries()) {
                items.push(
                    await this.value({ ...at, path: `${at.path}[${i}]`, spec: spec?.items }, v),
                );
            }
            return items;
        }
        if (isPlainObject(value)) {
            const named = spec?.$ref ? this.named(spec.$ref) : undefined;
            const entries: [string, unknown][] = [];
            for (const [k, v] of Object.entries(value)) {
                const member = named?.properties?.[k] ?? spec?.additionalProperties;
                entries.push([
                    k,
                    await this.value({ ...at, path: `${at.path}.${k}`, spec: member }, v),
                ]);
            }
            return Object.fromEntries(entries);
        }
        return this.leaf({ ...at, spec }, value);
    }

    /**
     * An Output: passed on at an input path (or, while unknown, where a union
     * has an input member), otherwise awaited and walked.
     */
    private async output(at: Place, value: pulumi.Output<unknown>): Promise<unknown> {
        if (isInput(at.spec)) {
            return at.secret ? pulumi.secret(value) : value;
        }
        const out = value as unknown as OutputInternals<unknown>;
        const known = await out.isKnown;
        if (!known && at.spec?.oneOf?.some(isInput)) return value;
        for (const r of (await out.allResources?.()) ?? []) this.dependsOn.add(r);
        if (!known) {
            this.issues.add(
                at.path,
                "<unknown>",
                `must be known at preview: ${this.component} validates it before it creates anything`,
            );
            return undefined;
        }
        const resolved = await out.promise();
        if (isScalar(resolved) && isInput(this.resolve(at.spec, resolved))) {
            // A union's input member (an env value): the Output itself is the input.
            return at.secret ? pulumi.secret(value) : value;
        }
        const secret = at.secret || (await out.isSecret);
        return this.value({ ...at, secret }, resolved);
    }

    /** A plain value: made secret at an input path below a secret Output, refused at a plain one. */
    private leaf(at: Place, value: unknown): unknown {
        if (!at.secret) return value;
        if (isInput(at.spec)) return pulumi.secret(value);
        this.issues.add(
            at.path,
            "<secret>",
            `can't be a secret: it is a plain field, which ${this.component} reads before it ` +
                `creates anything; only ${inputPaths(this.schema).join(", ")} can be secrets`,
        );
        return undefined;
    }

    /** The member of a `oneOf` that fits `value`'s shape, or `spec` itself. */
    private resolve(spec: TypeSpec | undefined, value: unknown): TypeSpec | undefined {
        if (!spec?.oneOf) return spec;
        return spec.oneOf.find((m) => this.fits(m, value));
    }

    private fits(spec: TypeSpec, value: unknown): boolean {
        const named = spec.$ref ? this.named(spec.$ref) : undefined;
        const type = named?.type ?? spec.type;
        if (isPlainObject(value)) {
            const keys = Object.keys(named?.properties ?? {});
            return type === "object" && Object.keys(value).every((k) => keys.includes(k));
        }
        if (Array.isArray(value)) return type === "array";
        if (typeof value === "number") return type === "integer" || type === "number";
        return typeof value === type;
    }

    private named(ref: string): ComplexTypeSpec | undefined {
        return this.schema.types[typeToken(ref)];
    }
}

/** The paths the schema declares as inputs, such as `env.*` and `env.*.secret`. */
export function inputPaths(schema: InputsSchema): string[] {
    const found: string[] = [];
    const visit = (path: string, spec: TypeSpec | undefined, seen: string[]): void => {
        if (spec === undefined) return;
        if (isInput(spec)) found.push(path);
        for (const member of spec.oneOf ?? []) visit(path, member, seen);
        visit(`${path}[]`, spec.items, seen);
        visit(`${path}.*`, spec.additionalProperties, seen);
        const ref = spec.$ref === undefined ? undefined : typeToken(spec.$ref);
        if (ref === undefined || seen.includes(ref)) return;
        for (const [k, p] of Object.entries(schema.types[ref]?.properties ?? {})) {
            visit(`${path}.${k}`, p, [...seen, ref]);
        }
    };
    for (const [field, spec] of Object.entries(schema.properties)) visit(field, spec, []);
    return [...new Set(found)];
}

/** The type token a `$ref` such as `#/types/orchestration:index:KeyRef` names. */
function typeToken(ref: string): string {
    return ref.replace(/^#\/types\//, "");
}

/** Whether the schema declares an input (not `plain`) at this place. */
function isInput(spec: TypeSpec | undefined): boolean {
    return spec !== undefined && !spec.oneOf && spec.plain !== true;
}

/** Neither an array nor an object literal. */
function isScalar(value: unknown): boolean {
    return !Array.isArray(value) && !isPlainObject(value);
}

/** An object literal (not a class instance such as a resource or an asset). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
    if (value === null || typeof value !== "object") return false;
    const proto: unknown = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null;
}
