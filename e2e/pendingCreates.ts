import { ObjectRef, PendingOperation } from "./stackState";

/** A pending create of a Kubernetes object: its URN, type, parent, provider, and the object its inputs name. */
export interface PendingCreate {
    urn: string;
    type: string;
    parent?: string;
    /** `<provider urn>::<provider id>`. */
    provider?: string;
    /** The object it was creating, from its inputs; undefined if they name none. */
    object?: ObjectRef;
}

/**
 * What to do with the pending creates: every one is cleared from the state
 * (`pulumi refresh --clear-pending-creates`), and those whose object exists
 * are then imported (`pulumi import --file`). CLI v3.274.1's own
 * `refresh --import-pending-creates <urn> <id>` drops the operation without
 * adding the resource, so the next `up` fails with "already exists".
 */
export interface PendingCreatePlan {
    /** The pending creates whose object exists, each with the provider's id for it. */
    imports: { create: PendingCreate; id: string }[];
    /** The URNs of the others. */
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
            return { urn: r.urn, type: r.type, parent: r.parent, provider: r.provider, object };
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
            plan.imports.push({ create: c, id: namespace ? `${namespace}/${name}` : name });
        } else {
            plan.clears.push(c.urn);
        }
    }
    return plan;
}

/** The `pulumi refresh` flags of a plan: clear every pending create, if there is any. */
export function pendingCreateFlags(plan: PendingCreatePlan): string[] {
    return plan.imports.length + plan.clears.length > 0 ? ["--clear-pending-creates"] : [];
}

/**
 * The `pulumi import --file` document that brings a plan's existing objects
 * into the state under their own URNs: each resource's type, name (the URN's
 * last part), id, parent and provider (by URN, through the name table).
 * Undefined when there is nothing to import.
 */
export function importFile(plan: PendingCreatePlan): object | undefined {
    if (plan.imports.length === 0) return undefined;
    const nameTable: Record<string, string> = {};
    const ref = (urn: string | undefined): string | undefined => {
        if (!urn) return undefined;
        const key = `r${Object.keys(nameTable).length}`;
        nameTable[key] = urn;
        return key;
    };
    const resources = plan.imports.map(({ create, id }) => ({
        type: create.type,
        name: create.urn.split("::").pop(),
        id,
        parent: ref(create.parent),
        provider: ref(create.provider?.split("::").slice(0, -1).join("::")),
    }));
    return { nameTable, resources };
}
