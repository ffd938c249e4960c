/**
 * What `pulumi stack export` says a stack holds, read without the CLI: its
 * Kubernetes objects (kind, namespace, name, from each resource's type and
 * id), its pending operations, and whether the document is consistent.
 */

/** One resource of an exported stack, as far as these checks read it. */
export interface ExportedResource {
    urn: string;
    type: string;
    custom?: boolean;
    id?: string;
    parent?: string;
    /** `<provider urn>::<provider id>`. */
    provider?: string;
    dependencies?: string[];
    /** Set on an old copy that a replacement still has to delete. */
    delete?: boolean;
}

/** An operation the engine started and never saw finish (the CLI was interrupted). */
export interface PendingOperation {
    /** `creating`, `updating`, `deleting`, `reading`, `importing`. */
    type: string;
    resource: ExportedResource;
}

/** The parsed export: version 3 of the checkpoint format. */
export interface StackExport {
    version: number;
    deployment?: {
        resources?: ExportedResource[];
        pending_operations?: PendingOperation[];
    };
}

/** A Kubernetes object by identity, in the cluster or in the state. */
export interface ObjectRef {
    kind: string;
    /** Empty for a cluster-scoped object. */
    namespace: string;
    name: string;
}

/** Parses the text `pulumi stack export` printed, naming what is wrong if it isn't an export. */
export function parseExport(text: string): StackExport {
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (err) {
        throw new Error(`pulumi stack export printed no JSON: ${(err as Error).message}`);
    }
    const version = (parsed as StackExport | null)?.version;
    if (typeof version !== "number") {
        throw new Error(`pulumi stack export has no version: ${text.slice(0, 120)}`);
    }
    return parsed as StackExport;
}

/** The export's resources, and its pending operations. */
export function resourcesOf(exported: StackExport): ExportedResource[] {
    return exported.deployment?.resources ?? [];
}

export function pendingOperationsOf(exported: StackExport): PendingOperation[] {
    return exported.deployment?.pending_operations ?? [];
}

/**
 * The Kubernetes object a resource of type `kubernetes:<group>/<version>:<Kind>`
 * is, from its id (`<namespace>/<name>`, or `<name>` when cluster-scoped);
 * undefined for anything else (providers, components, the stack) or a
 * resource without an id.
 */
export function kubernetesObject(r: ExportedResource): ObjectRef | undefined {
    const m = /^kubernetes:[^:]+:([A-Za-z]+)$/.exec(r.type);
    if (!m || !r.custom || !r.id) {
        return undefined;
    }
    const slash = r.id.indexOf("/");
    return slash < 0
        ? { kind: m[1], namespace: "", name: r.id }
        : { kind: m[1], namespace: r.id.slice(0, slash), name: r.id.slice(slash + 1) };
}

/**
 * What makes an export inconsistent: a resource without a URN or type, one URN
 * twice among the live resources, or a parent, provider or dependency that
 * names a URN the export doesn't hold. Empty when it is consistent.
 */
export function exportProblems(exported: StackExport): string[] {
    const resources = resourcesOf(exported);
    const problems: string[] = [];
    const urns = new Set<string>();
    for (const [i, r] of resources.entries()) {
        if (typeof r.urn !== "string" || typeof r.type !== "string") {
            problems.push(`resource ${i} has no urn or type: ${JSON.stringify(r).slice(0, 120)}`);
        } else if (!r.delete && urns.has(r.urn)) {
            problems.push(`${r.urn} appears twice`);
        }
        if (!r.delete) urns.add(r.urn);
    }
    const all = new Set(resources.map((r) => r.urn));
    for (const r of resources) {
        const providerUrn = r.provider?.split("::").slice(0, -1).join("::");
        const refs: [string, string | undefined][] = [
            ["parent", r.parent],
            ["provider", providerUrn],
            ...(r.dependencies ?? []).map((d): [string, string] => ["dependency", d]),
        ];
        for (const [what, urn] of refs) {
            if (urn && !all.has(urn))
                problems.push(`${r.urn}: its ${what} ${urn} is not in the state`);
        }
    }
    return problems;
}
