import * as fs from "fs";
import * as path from "path";
import { ComponentSource, componentSchema } from "./schema";
import { PackageSpec } from "../components/provider/schemaTypes";

/**
 * The Pulumi package schema of this repository's component package: the
 * ScalableService component, derived from its TypeScript declarations, under
 * the npm package's version. `npm run schema` writes it to
 * `components/provider/schema.json`, which the provider plugin serves and the
 * SDKs are generated from.
 */

const ROOT = path.resolve(__dirname, "..");

/** The Pulumi package name: the first part of every type token. */
export const PACKAGE_NAME = "orchestration";

/**
 * The Go SDK's import path: the `sdk/` module's path plus `go/orchestration`.
 * The module path has no host until the repository is published, so a Go
 * program points at a checkout with a `replace` directive (examples/go).
 */
export const GO_IMPORT_PATH = "pulumi-k8s-orchestration/sdk/go/orchestration";

/** Where the generated schema lives (shipped in the npm package, read by the provider). */
export const SCHEMA_PATH = path.join(ROOT, "components", "provider", "schema.json");

/** The components in the package. EksCluster is not one: see docs/languages.md. */
export const COMPONENTS: ComponentSource[] = [
    {
        token: `${PACKAGE_NAME}:index:ScalableService`,
        classFile: path.join(ROOT, "components", "scalable-service", "component.ts"),
        className: "ScalableService",
        argsFile: path.join(ROOT, "components", "scalable-service", "args.ts"),
        argsInterface: "ScalableServiceArgs",
        excluded: {
            "AutoscalingArgs.dependsOn":
                "a list of resources has no cross-language input form; set `dependsOn` in the component's " +
                "resource options instead, which the component forwards to every object it creates",
        },
    },
];

/** The package schema at the npm package's version. */
export function packageSchema(): PackageSpec {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
        version: string;
        license: string;
        keywords: string[];
    };
    const spec: PackageSpec = {
        name: PACKAGE_NAME,
        displayName: "ScalableService",
        version: pkg.version,
        description:
            "ScalableService: an HTTP service on Kubernetes that is correct by construction " +
            "(Deployment, Service, probes, HPA, PDB, NetworkPolicy, ServiceAccount).",
        keywords: [...pkg.keywords, "kind/component", "category/cloud"],
        license: pkg.license,
        resources: {},
        types: {},
        language: {
            go: {
                importBasePath: GO_IMPORT_PATH,
                generateResourceContainerTypes: false,
                respectSchemaVersion: true,
            },
            python: {
                packageName: "pulumi_orchestration",
                requires: { pulumi: ">=3.212.0,<4.0.0" },
                respectSchemaVersion: true,
                pyproject: { enabled: true },
            },
        },
    };
    for (const source of COMPONENTS) {
        const { resource, types } = componentSchema(source);
        spec.resources[source.token] = resource;
        for (const [token, type] of Object.entries(types)) {
            if (spec.types[token] && JSON.stringify(spec.types[token]) !== JSON.stringify(type)) {
                throw new Error(`schema: two components define ${token} differently`);
            }
            spec.types[token] = type;
        }
    }
    return spec;
}

/** The schema as written to disk: stable key order, two-space indent, trailing newline. */
export function renderSchema(spec: PackageSpec): string {
    return `${JSON.stringify(spec, null, 2)}\n`;
}
