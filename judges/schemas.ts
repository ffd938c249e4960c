import * as fs from "fs";
import * as path from "path";

/**
 * Strict JSON schemas for kubeconform, generated offline from the Kubernetes
 * OpenAPI document (api/openapi-spec/swagger.json in the k8s.io/kubernetes Go
 * module, at the version the clusters pin). "Strict" as the API server's
 * strict field validation: every object schema rejects unknown fields, so
 * the seed's `livenessProbe` beside `containers` fails.
 */

type Schema = Record<string, any>;

/** The k8s.io/kubernetes module version whose OpenAPI document judges our manifests. */
export const KUBERNETES_OPENAPI_VERSION = "v1.35.4";

const REF_PREFIX = "#/definitions/";

/** kubeconform's file name for a kind: `deployment-apps-v1.json`, `service-v1.json`. */
export function schemaFileName(group: string, version: string, kind: string): string {
    const groupPart = group === "" ? "" : `-${group.split(".")[0]}`;
    return `${kind.toLowerCase()}${groupPart}-${version}.json`;
}

/** Converts one OpenAPI v2 schema node to strict JSON schema, collecting referenced definitions. */
function convert(node: unknown, needed: Set<string>): unknown {
    if (Array.isArray(node)) {
        return node.map((n) => convert(n, needed));
    }
    if (node === null || typeof node !== "object") {
        return node;
    }
    const schema = node as Schema;
    if (typeof schema.$ref === "string" && schema.$ref.startsWith(REF_PREFIX)) {
        needed.add(schema.$ref.slice(REF_PREFIX.length));
        return { $ref: schema.$ref };
    }
    if (schema.format === "int-or-string") {
        return {
            description: schema.description,
            oneOf: [{ type: "string" }, { type: "integer" }],
        };
    }
    const out: Schema = {};
    for (const [key, value] of Object.entries(schema)) {
        if (key === "properties") {
            out.properties = Object.fromEntries(
                Object.entries(value as Schema).map(([k, v]) => [k, convert(v, needed)]),
            );
        } else if (
            key === "items" ||
            key === "additionalProperties" ||
            key === "allOf" ||
            key === "oneOf"
        ) {
            out[key] = convert(value, needed);
        } else {
            out[key] = value;
        }
    }
    if (out.properties && out.additionalProperties === undefined) {
        out.additionalProperties = false;
    }
    return out;
}

/** The strict, standalone schema of one definition, with its referenced definitions inlined. */
function standalone(definitions: Record<string, Schema>, name: string): Schema {
    const needed = new Set<string>();
    const root = convert(definitions[name], needed) as Schema;
    const inlined: Record<string, unknown> = {};
    const queue = [...needed];
    while (queue.length > 0) {
        const next = queue.pop()!;
        if (next in inlined) {
            continue;
        }
        const found = new Set<string>();
        inlined[next] = overrideSpecial(next) ?? convert(definitions[next], found);
        queue.push(...[...found].filter((f) => !(f in inlined)));
    }
    return { $schema: "http://json-schema.org/draft-07/schema#", ...root, definitions: inlined };
}

/** Definitions whose OpenAPI form is looser or stricter than what the API server accepts. */
function overrideSpecial(name: string): Schema | undefined {
    if (name === "io.k8s.apimachinery.pkg.api.resource.Quantity") {
        return { oneOf: [{ type: "string" }, { type: "number" }] };
    }
    if (name === "io.k8s.apimachinery.pkg.util.intstr.IntOrString") {
        return { oneOf: [{ type: "string" }, { type: "integer" }] };
    }
    return undefined;
}

/**
 * Writes strict schemas for the given kinds (`apps/v1 Deployment`, `v1 Service`)
 * into `outDir`. Throws for a kind the OpenAPI document lacks.
 */
export function generateSchemas(
    swaggerPath: string,
    kinds: Array<{ apiVersion: string; kind: string }>,
    outDir: string,
): string[] {
    const swagger = JSON.parse(fs.readFileSync(swaggerPath, "utf8")) as {
        definitions: Record<string, Schema>;
    };
    const byGvk = new Map<string, string>();
    for (const [name, def] of Object.entries(swagger.definitions)) {
        for (const gvk of (def["x-kubernetes-group-version-kind"] ?? []) as Array<{
            group: string;
            version: string;
            kind: string;
        }>) {
            byGvk.set(`${gvk.group}/${gvk.version}/${gvk.kind}`, name);
        }
    }
    fs.mkdirSync(outDir, { recursive: true });
    const written: string[] = [];
    for (const { apiVersion, kind } of kinds) {
        const [group, version] = apiVersion.includes("/")
            ? apiVersion.split("/")
            : ["", apiVersion];
        const name = byGvk.get(`${group}/${version}/${kind}`);
        if (!name) {
            throw new Error(`the OpenAPI document ${swaggerPath} has no ${apiVersion} ${kind}`);
        }
        const file = path.join(outDir, schemaFileName(group, version, kind));
        fs.writeFileSync(file, JSON.stringify(standalone(swagger.definitions, name)));
        written.push(file);
    }
    return written;
}
