import type { RecordedResource } from "../../components/testing";
import { manifestPath, REDACTED, RenderedFile, toManifest } from "../../program/render";

/**
 * What the e2e benchmark deploys four ways, built from one mocked evaluation:
 * the rendered manifests (what `npm run render` writes, for `kubectl apply`),
 * a plan for the bare program (the same files, with the dependencies and
 * options the component gave each object) and a Helm chart of the same files.
 * Pure: resources in, files out.
 */

/** One object the bare program registers: its manifest file and what the component gave it. */
export interface BareObject {
    /** `<type>::<name>`, unique in the plan. */
    key: string;
    type: string;
    /** The Pulumi resource name the program gave it (the bare program reuses it). */
    name: string;
    /** The rendered manifest, relative to the manifests directory. */
    file: string;
    /** Keys of the objects it depends on (its `dependsOn` and the outputs its inputs read). */
    dependsOn: string[];
    ignoreChanges: string[];
}

/** `<type>::<name>` of a resource, as plan keys spell it. */
export function objectKey(type: string, name: string): string {
    return `${type}::${name}`;
}

/** The key of a URN (`urn:pulumi:<stack>::<project>::<parent$type>::<name>`). */
export function urnKey(urn: string): string {
    const [, , qualifiedType, ...name] = urn.split("::");
    return objectKey(qualifiedType.split("$").pop()!, name.join("::"));
}

const isObject = (r: RecordedResource) => r.custom && toManifest(r) !== undefined;

/**
 * The keys of the Kubernetes objects a dependency stands for: the object
 * itself, or every object a component (ScalableService) parents.
 */
function dependencyKeys(urn: string, resources: readonly RecordedResource[]): string[] {
    const target = resources.find((r) => objectKey(r.type, r.name) === urnKey(urn));
    if (target && isObject(target)) {
        return [urnKey(urn)];
    }
    return resources
        .filter((r) => r.parent === urn && isObject(r))
        .map((r) => objectKey(r.type, r.name));
}

/**
 * The bare program's plan: every Kubernetes object in registration order
 * (so each one's dependencies come before it), with its manifest file, its
 * dependencies and its ignoreChanges. Throws if an object's manifest carries
 * a redacted secret: the bare program would deploy the placeholder.
 */
export function barePlan(resources: readonly RecordedResource[]): BareObject[] {
    return resources.filter(isObject).map((r) => {
        const manifest = toManifest(r)!;
        if (JSON.stringify(manifest).includes(REDACTED)) {
            throw new Error(
                `${objectKey(r.type, r.name)} has a secret input; its manifest can't be deployed`,
            );
        }
        const key = objectKey(r.type, r.name);
        const dependsOn = r.dependencies
            .flatMap((urn) => dependencyKeys(urn, resources))
            .filter((k) => k !== key);
        return {
            key,
            type: r.type,
            name: r.name,
            file: manifestPath(manifest, r.name),
            dependsOn: [...new Set(dependsOn)].sort(),
            ignoreChanges: [...r.ignoreChanges],
        };
    });
}

/** Text that Helm's template engine leaves as it is: `{{` becomes `{{ "{{" }}`. */
export function escapeHelm(text: string): string {
    return text.replaceAll("{{", '{{ "{{" }}');
}

/**
 * A Helm chart whose templates are exactly the rendered manifests (escaped
 * for the template engine): `Chart.yaml` and `templates/<namespace>-<file>`,
 * with no leading `_` (Helm renders no template whose name starts with one).
 */
export function helmChart(name: string, manifests: readonly RenderedFile[]): RenderedFile[] {
    const chart = [
        "apiVersion: v2",
        `name: ${name}`,
        "description: The rendered manifests of the e2e benchmark, as a chart.",
        "type: application",
        "version: 0.1.0",
        "",
    ].join("\n");
    return [
        { path: "Chart.yaml", content: chart },
        ...manifests.map((m) => ({
            path: `templates/${m.path
                .replace(/^kubernetes\//, "")
                .replaceAll("/", "-")
                .replace(/^_+/, "")}`,
            content: escapeHelm(m.content),
        })),
    ];
}
