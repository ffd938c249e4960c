/**
 * The subset of the Pulumi package schema this package emits. The full
 * specification is Pulumi's `pulumi.json` meta-schema; only the fields used
 * here are typed.
 */

/** A type: a primitive, an array, a map, a reference to a named type, or a union. */
export interface TypeSpec {
    type?: "string" | "integer" | "number" | "boolean" | "array" | "object";
    items?: TypeSpec;
    additionalProperties?: TypeSpec;
    $ref?: string;
    oneOf?: TypeSpec[];
    /** The input takes a plain value only, not an output (TypeScript: not a `pulumi.Input`). */
    plain?: boolean;
}

/** A property: its type, plus the description every SDK shows. */
export interface PropertySpec extends TypeSpec {
    description?: string;
}

/** A named object type or enum. */
export interface ComplexTypeSpec {
    type: "object" | "string";
    description?: string;
    properties?: Record<string, PropertySpec>;
    required?: string[];
    enum?: { value: string }[];
}

/** A component resource: its inputs and its outputs. */
export interface ResourceSpec {
    isComponent: true;
    description?: string;
    inputProperties: Record<string, PropertySpec>;
    requiredInputs: string[];
    properties: Record<string, PropertySpec>;
    required: string[];
}

/** The whole package. */
export interface PackageSpec {
    name: string;
    displayName?: string;
    version: string;
    description?: string;
    keywords?: string[];
    license?: string;
    resources: Record<string, ResourceSpec>;
    types: Record<string, ComplexTypeSpec>;
    language?: Record<string, unknown>;
}
