import { stringify } from "yaml";
import type { RecordedResource } from "../components/testing";

/**
 * Turns the resources a stack registers (recorded under mocks) into files:
 * one YAML manifest per Kubernetes object, and a summary of the AWS side.
 * Pure and deterministic: keys are sorted, files are named by kind and name,
 * and secret values never reach the output.
 */

/** One file to write, relative to the output directory. */
export interface RenderedFile {
    path: string;
    content: string;
}

/** Replaces secret values. */
export const REDACTED = "[secret]";

/** Objects with their keys sorted, recursively; arrays keep their order. */
export function sortKeys(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(sortKeys);
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(
            Object.keys(value)
                .sort()
                .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
        );
    }
    return value;
}

/**
 * A JSON-safe copy. Resource references (a role handed to the EKS cluster)
 * become `<type>::<name>`; functions are dropped.
 */
export function plain(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(plain);
    }
    if (value !== null && typeof value === "object") {
        const v = value as Record<string, unknown>;
        if (typeof v.__pulumiType === "string" && typeof v.__name === "string") {
            return `${v.__pulumiType}::${v.__name}`;
        }
        return Object.fromEntries(
            Object.entries(v)
                .filter(([, x]) => typeof x !== "function")
                .map(([k, x]) => [k, plain(x)]),
        );
    }
    return value;
}

/** Sets every dotted path (`a.b[0].c`) in `paths` to REDACTED, on a copy. */
function redactPaths(
    inputs: Record<string, unknown>,
    paths: readonly string[],
): Record<string, unknown> {
    const copy = plain(inputs) as Record<string, unknown>;
    for (const p of paths) {
        const keys = p.match(/[^.[\]]+/g) ?? [];
        let node: any = copy;
        for (const k of keys.slice(0, -1)) {
            node = node?.[k];
        }
        if (node && keys.length > 0) {
            node[keys[keys.length - 1]] = REDACTED;
        }
    }
    return copy;
}

/** `kubernetes:apps/v1:Deployment` → `{ apiVersion: "apps/v1", kind: "Deployment" }`. */
export function kubernetesTypeToGvk(
    type: string,
): { apiVersion: string; kind: string } | undefined {
    const match = /^kubernetes:([^:]+)\/([^:/]+):([A-Za-z]+)$/.exec(type);
    if (!match) {
        return undefined;
    }
    const [, group, version, kind] = match;
    return { apiVersion: group === "core" ? version : `${group}/${version}`, kind };
}

/** The manifest a Kubernetes resource would apply, secrets redacted. */
export function toManifest(resource: RecordedResource): Record<string, any> | undefined {
    const gvk = kubernetesTypeToGvk(resource.type);
    if (!gvk) {
        return undefined;
    }
    const body = redactPaths(resource.inputs, resource.secretInputs);
    if (gvk.kind === "Secret") {
        for (const field of ["data", "stringData"]) {
            const values = body[field] as Record<string, unknown> | undefined;
            if (values) {
                body[field] = Object.fromEntries(Object.keys(values).map((k) => [k, REDACTED]));
            }
        }
    }
    return sortKeys({ ...body, ...gvk }) as Record<string, any>;
}

/** Where a manifest is written: `kubernetes/<namespace>/<kind>-<name>.yaml` (`_cluster` when cluster-scoped). */
export function manifestPath(manifest: Record<string, any>, resourceName: string): string {
    const namespace: string = manifest.metadata?.namespace ?? "_cluster";
    const name: string = manifest.metadata?.name ?? resourceName;
    return `kubernetes/${namespace}/${String(manifest.kind).toLowerCase()}-${name}.yaml`;
}

/** One file per Kubernetes object: `kubernetes/<namespace>/<kind>-<name>.yaml`. */
export function renderKubernetes(resources: readonly RecordedResource[]): RenderedFile[] {
    const files: RenderedFile[] = [];
    for (const resource of resources) {
        const manifest = toManifest(resource);
        if (!manifest) {
            continue;
        }
        files.push({
            path: manifestPath(manifest, resource.name),
            content: stringify(manifest, { lineWidth: 0 }),
        });
    }
    const seen = new Set<string>();
    for (const f of files) {
        if (seen.has(f.path)) {
            throw new Error(
                `two objects render to ${f.path}: names must be unique per kind and namespace`,
            );
        }
        seen.add(f.path);
    }
    return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** True for the resources that are AWS's (or the AWS components'). */
function isCloudResource(type: string): boolean {
    return /^(aws|awsx|eks):/.test(type) || type === "orchestration:index:EksCluster";
}

/** The AWS side as data: every cloud resource with its inputs, secrets redacted, sorted. */
export function awsResources(
    resources: readonly RecordedResource[],
): Array<Record<string, unknown>> {
    return resources
        .filter((r) => isCloudResource(r.type))
        .map(
            (r) =>
                sortKeys({
                    type: r.type,
                    name: r.name,
                    inputs: redactPaths(r.inputs, r.secretInputs),
                }) as Record<string, unknown>,
        )
        .sort((a, b) =>
            `${String(a.type)} ${String(a.name)}`.localeCompare(
                `${String(b.type)} ${String(b.name)}`,
            ),
        );
}

/** A short Markdown summary: what the stack creates, by type. */
export function renderSummary(
    stack: string,
    resources: readonly RecordedResource[],
    extra: string[] = [],
): string {
    const counts = new Map<string, number>();
    for (const r of resources) {
        counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    }
    const rows = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b));
    const cloud = rows.filter(([t]) => isCloudResource(t));
    const k8s = rows.filter(([t]) => t.startsWith("kubernetes:"));
    const table = (entries: Array<[string, number]>) =>
        entries.length === 0
            ? ["(none)"]
            : ["| type | count |", "|---|---|", ...entries.map(([t, n]) => `| \`${t}\` | ${n} |`)];
    return [
        `# Stack \`${stack}\`: what \`pulumi up\` would create`,
        "",
        "Rendered offline by `npm run render`, with every resource mocked: no cloud, no Pulumi CLI.",
        "",
        "## AWS resources",
        "",
        ...table(cloud),
        "",
        "Inputs, with secrets redacted: `aws-resources.yaml`.",
        "",
        "## Kubernetes objects",
        "",
        ...table(k8s),
        "",
        "Manifests, one file per object: `kubernetes/<namespace>/<kind>-<name>.yaml`.",
        ...extra.flatMap((e) => ["", e]),
        "",
    ].join("\n");
}

/** Every file `render` writes for a stack. */
export function renderStack(
    stack: string,
    resources: readonly RecordedResource[],
    extraSummary: string[] = [],
): RenderedFile[] {
    return [
        ...renderKubernetes(resources),
        {
            path: "aws-resources.yaml",
            content: stringify(awsResources(resources), { lineWidth: 0 }),
        },
        { path: "SUMMARY.md", content: renderSummary(stack, resources, extraSummary) },
    ];
}
