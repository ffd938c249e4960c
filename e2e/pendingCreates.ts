import { ObjectRef, PendingOperation } from "./stackState";

/** A pending create of a Kubernetes object: its URN, and the object its inputs name. */
export interface PendingCreate {
    urn: string;
    /** The object it was creating, from its inputs; undefined if they name none. */
    object?: ObjectRef;
}

/** What to do with the pending creates: import those whose object exists, clear the rest. */
export interface PendingCreatePlan {
    /** `[urn, id]` pairs for `pulumi refresh --import-pending-creates`. */
    imports: [string, string][];
    /** URNs that `--clear-pending-creates` drops from the state. */
    clears: string[];
}

/**
 * The pending creates among `pending`, each with the Kubernetes object its
 * inputs name (`kubernetes:<group>/<version>:<Kind>`, `metadata.name`, and
 * `metadata.namespace` when set): the object the interrupted create may or
 * may not have made.
 */
export function pendingCreates(pending: PendingOperation[]): PendingCreate[] {
    return pending
        .filter((op) => op.type === "creating")
        .map((op) => {
            const r = op.resource as PendingOperation["resource"] & {
                inputs?: { metadata?: { name?: string; namespace?: string } };
            };
            const kind = /^kubernetes:[^:]+:([A-Za-z]+)$/.exec(r.type)?.[1];
            const name = r.inputs?.metadata?.name;
            const object =
                kind && name
                    ? { kind, namespace: r.inputs?.metadata?.namespace ?? "", name }
                    : undefined;
            return { urn: r.urn, object };
        });
}

/**
 * Imports each pending create whose object the cluster has (its URN is in
 * `existing`), under the provider's id (`<namespace>/<name>` or `<name>`), so
 * the next `up` doesn't try to create it again and fail with "already
 * exists"; clears the rest, whose create never reached the API server.
 */
export function planPendingCreates(
    creates: PendingCreate[],
    existing: ReadonlySet<string>,
): PendingCreatePlan {
    const plan: PendingCreatePlan = { imports: [], clears: [] };
    for (const c of creates) {
        if (c.object && existing.has(c.urn)) {
            const { namespace, name } = c.object;
            plan.imports.push([c.urn, namespace ? `${namespace}/${name}` : name]);
        } else {
            plan.clears.push(c.urn);
        }
    }
    return plan;
}

/** The `pulumi refresh` flags that carry out a plan. */
export function pendingCreateFlags(plan: PendingCreatePlan): string[] {
    return [
        ...plan.imports.flatMap(([urn, id]) => [
            "--import-pending-creates",
            urn,
            "--import-pending-creates",
            id,
        ]),
        ...(plan.clears.length > 0 ? ["--clear-pending-creates"] : []),
    ];
}
