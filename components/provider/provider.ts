import * as pulumi from "@pulumi/pulumi";
import { ScalableService, SCALABLE_SERVICE_TYPE } from "../scalableService";
import { ScalableServiceArgs } from "../scalableServiceArgs";
import { ValidationError } from "../validation";
import { plainInputs } from "./inputs";

/**
 * The component package's provider: it constructs the TypeScript components
 * for programs in any Pulumi language. The engine calls `construct` with the
 * program's inputs and options; the component is the same class a TypeScript
 * program uses, so its validation and its guarantees are the same.
 */

/** The ScalableService args that are `pulumi.Input`s in TypeScript, and stay outputs over the wire. */
export const SCALABLE_SERVICE_INPUT_FIELDS = ["env", "serviceAccountAnnotations"] as const;

/** A provider serving `schema`, at `version`, for the package's components. */
export class ComponentProvider implements pulumi.provider.Provider {
    constructor(
        readonly version: string,
        readonly schema: string,
    ) {}

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
                SCALABLE_SERVICE_INPUT_FIELDS,
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
