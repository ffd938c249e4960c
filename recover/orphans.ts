/**
 * What `npm run recover` does with orphans: objects labelled as the stack's
 * that its state doesn't track. It lists them; it deletes them or imports
 * them into the stack when told to (`--orphans`), or asks on a terminal.
 */
import { OrphanAction } from "./args";
import { Cluster } from "./cluster";
import { importResources } from "./importFile";
import type { Pulumi, RecoverOptions } from "./run";
import { describeObject, kubernetesId, ObjectRef } from "./state";

/** What became of the orphans: none found, listed only, deleted, imported, or kept on the user's word. */
export type OrphanOutcome = "none" | "reported" | "deleted" | "imported" | "kept";

/** What {@link handleOrphans} works with. */
export interface OrphanContext {
    pulumi: Pulumi;
    cluster: Cluster;
    options: RecoverOptions;
    /** The URN of the stack's Kubernetes provider, which imports go through. */
    provider?: string;
}

/** Lists the orphans, then deletes, imports or keeps them as `--orphans` (or the user) says. */
export async function handleOrphans(
    orphans: ObjectRef[],
    ctx: OrphanContext,
): Promise<OrphanOutcome> {
    const { log } = ctx.options;
    if (orphans.length === 0) {
        log("orphans: none (every labelled object is in the state)");
        return "none";
    }
    log(`orphans: ${orphans.length} object(s) carry the stack's labels but are not in its state:`);
    for (const o of orphans) log(`  ${describeObject(o)}`);
    const action = await chooseAction(ctx.options);
    if (action === "delete") {
        for (const o of orphans) await ctx.cluster.delete(o);
        return "deleted";
    }
    if (action === "import") {
        await importOrphans(orphans, ctx);
        return "imported";
    }
    if (action === "keep") {
        log("orphans: kept; delete them, or import them with --orphans import");
        return "kept";
    }
    log("orphans: listed only; run again with --orphans delete (or import) to act on them");
    return "reported";
}

async function chooseAction(opts: RecoverOptions): Promise<Exclude<OrphanAction, "ask"> | "keep"> {
    const action = opts.orphans ?? (opts.ask ? "ask" : "report");
    if (action !== "ask") return action;
    if (!opts.ask) return "report";
    const answer = (
        await opts.ask("Delete them [d], import them into the stack [i], or keep them [k]? ")
    ).trim();
    return answer === "d" ? "delete" : answer === "i" ? "import" : "keep";
}

/** The name an imported orphan gets in the stack: its kind, namespace and name. */
export function importName(ref: ObjectRef): string {
    return ["orphan", ref.kind, ref.namespace, ref.name]
        .filter((x) => x)
        .join("-")
        .toLowerCase();
}

/** The resource type token of an object: `kubernetes:<group or core>/<version>:<Kind>`. */
function typeToken(ref: ObjectRef, version: string): string {
    return `kubernetes:${ref.group || "core"}/${version}:${ref.kind}`;
}

/** The API version each orphaned kind is imported at (the versions the package creates). */
const VERSIONS: Record<string, string> = { autoscaling: "v2" };

/** Every orphan into the stack, unprotected, at the top level, through the stack's Kubernetes provider. */
async function importOrphans(orphans: ObjectRef[], ctx: OrphanContext): Promise<void> {
    ctx.options.log(`orphans: importing ${orphans.length} object(s) into the stack`);
    await importResources(
        ctx.pulumi,
        orphans.map((o) => ({
            type: typeToken(o, VERSIONS[o.group] ?? "v1"),
            name: importName(o),
            id: kubernetesId(o),
            provider: ctx.provider,
        })),
    );
}
