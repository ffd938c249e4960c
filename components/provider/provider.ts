import * as pulumi from "@pulumi/pulumi";
import { ScalableService, SCALABLE_SERVICE_TYPE } from "../scalable-service/component";
import { ScalableServiceArgs } from "../scalable-service/args";
import { ValidationError } from "../shared/validation";
import { InputsSchema, plainInputs } from "./inputs";
import { PackageSpec } from "./schemaTypes";

/**
 * The component package's provider: it constructs the TypeScript components
 * for programs in any Pulumi language. The engine calls `construct` with the
 * program's inputs and options; the component is the same class a TypeScript
 * program uses, so its validation and its guarantees are the same.
 */

/** A provider serving `schema`, at `version`, for the package's components. */
export class ComponentProvider implements pulumi.provider.Provider {
    /** ScalableService's inputs as the schema declares them: which paths are plain, which inputs. */
    private readonly inputs: InputsSchema;

    constructor(
        readonly version: string,
        readonly schema: string,
    ) {
        this.inputs = inputsSchema(JSON.parse(schema) as PackageSpec, SCALABLE_SERVICE_TYPE);
    }

    async construct(
        name: string,
        type: string,
        inputs: pulumi.Inputs,
        options: pulumi.ComponentResourceOptions,
    ): Promise<pulumi.provider.ConstructResult> {
        if (type !== SCALABLE_SERVICE_TYPE) {
            throw new Error(
                `unknown resource type ${type}: this package has ${SCALABLE_SERVICE_TYPE}`,
            );
        }
        try {
            const { args, dependsOn } = await plainInputs(
                `ScalableService ${JSON.stringify(name)}`,
                inputs,
                this.inputs,
            );
            const opts = withDependencies(options, dependsOn);
            // Shaped by the schema, and validated field by field by the component itself.
            const service = new ScalableService(name, args as unknown as ScalableServiceArgs, opts);
            return {
                urn: service.urn,
                state: { serviceName: service.serviceName, url: service.url },
            };
        } catch (err) {
            throw asPropertiesError(err);
        }
    }
}

/** A component's input properties and the package's named types; throws if the schema lacks it. */
export function inputsSchema(schema: PackageSpec, token: string): InputsSchema {
    const resource = schema.resources?.[token];
    if (!resource) throw new Error(`the provider's schema has no ${token}`);
    return { properties: resource.inputProperties, types: schema.types ?? {} };
}

function withDependencies(
    options: pulumi.ComponentResourceOptions,
    extra: pulumi.Resource[],
): pulumi.ComponentResourceOptions {
    if (extra.length === 0) return options;
    // The provider server rebuilds `dependsOn` as an array of resources from their URNs.
    const current = (options.dependsOn ?? []) as pulumi.Resource[];
    return { ...options, dependsOn: [...current, ...extra] };
}

/**
 * A validation error as the engine's structured input error, so every
 * language's CLI output lists each field with its reason; the message
 * (every field and value) stays the same as in TypeScript.
 */
function asPropertiesError(err: unknown): unknown {
    if (!(err instanceof ValidationError)) return err;
    return new pulumi.InputPropertiesError({
        message: err.message,
        errors: err.issues.map((i) => ({ propertyPath: i.field, reason: i.reason })),
    });
}
