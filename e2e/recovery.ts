import { Kube } from "./kube";
import { lockDir, removeStaleLocks } from "./locks";
import { pendingCreateFlags, pendingCreates, planPendingCreates } from "./pendingCreates";
import { PulumiCli, StackRef, summary } from "./pulumi";
import { parseExport, pendingOperationsOf } from "./stackState";

/** What {@link recoverStack} found and did, for the suite's table of recoveries. */
export interface Recovery {
    /** Lock files of processes that are gone, removed. */
    staleLocks: string[];
    /** The pending operations the state held, as `<type> <urn>`. */
    pending: string[];
    /** Pending creates imported (their object existed), as `<urn> <id>`. */
    imported: string[];
    /** Pending creates cleared (their object didn't exist). */
    cleared: string[];
    /** The commands it ran, beside the state read. */
    commands: string[];
    /** The refresh's counts per operation (`{ unchanged: 20, updated: 2 }`). */
    refreshed: Record<string, number>;
}

/** Where the stack lives: the CLI, its file backend's root, the project's name, and the cluster. */
export interface RecoveryTarget {
    pulumi: PulumiCli;
    stack: StackRef;
    /** The file backend's root (`PULUMI_BACKEND_URL` without `file://`). */
    backendRoot: string;
    project: string;
    kube: Kube;
}

/**
 * Brings a stack back after an interruption, with the standard commands only,
 * so that a plain `pulumi up` afterwards converges: removes the file backend's
 * locks whose process is gone (a live lock stays, and the next command is
 * refused, as it must be), then `pulumi refresh`, which imports each pending
 * create whose object the API server has and clears the others. The suite's
 * one recovery step (to become `npm run recover -- --stack <name>`).
 */
export async function recoverStack(t: RecoveryTarget): Promise<Recovery> {
    const locks = removeStaleLocks(lockDir(t.backendRoot, t.project, t.stack.stack));
    const exported = parseExport(
        (await t.pulumi.run(t.stack.cwd, ["stack", "export", "--stack", t.stack.stack])).stdout,
    );
    const pending = pendingOperationsOf(exported);
    const creates = pendingCreates(pending);
    const present = new Set<string>();
    for (const c of creates) {
        const o = c.object;
        if (o && (await t.kube.find(o.kind, o.name, o.namespace || undefined))) present.add(c.urn);
    }
    const plan = planPendingCreates(creates, present);
    const flags = pendingCreateFlags(plan);
    const refresh = await t.pulumi.refresh(t.stack, flags);
    return {
        staleLocks: locks.map((l) => `${l.file} (pid ${l.content.pid})`),
        pending: pending.map((p) => `${p.type} ${p.resource.urn}`),
        imported: plan.imports.map(([urn, id]) => `${urn} ${id}`),
        cleared: plan.clears,
        commands: [`pulumi refresh --yes ${flags.join(" ")}`.trim()],
        refreshed: summary(refresh.stdout),
    };
}
