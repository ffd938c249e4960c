import { lockDir, readLocks } from "./locks";
import { orphanCheck, StateDifference } from "./orphans";
import { summary } from "./pulumi";
import { Recovery, recoverStack, RecoveryTarget } from "./recovery";
import { exportProblems, parseExport, pendingOperationsOf } from "./stackState";

/** What the end of a fault case found: the recovery, the converging `up`, and the state against the cluster. */
export interface Convergence {
    recovery: Recovery;
    /** The converging `up`'s counts per operation. */
    up: Record<string, number>;
    /** What {@link exportProblems} finds in the export after it. */
    exportProblems: string[];
    /** Pending operations left in the state after it. */
    pendingAfter: number;
    /** Lock files left after it. */
    locksAfter: number;
    /** The orphan check after it. */
    difference: StateDifference;
}

/**
 * The end of every fault case: the recovery ({@link recoverStack}, the one
 * place it happens), a plain `pulumi up` (it throws if that fails), a
 * `pulumi preview --expect-no-changes` (it throws on any change), then the
 * exported state checked for consistency and against the cluster.
 */
export async function recoverAndConverge(t: RecoveryTarget): Promise<Convergence> {
    const recovery = await recoverStack(t);
    const up = await t.pulumi.up(t.stack).catch((err: Error) => {
        err.message = `after the recovery (${describeRecovery(recovery)}; pending: ${recovery.pending.join(", ") || "none"}):\n${err.message}`;
        throw err;
    });
    await t.pulumi.preview(t.stack, ["--expect-no-changes"]);
    const exported = parseExport(
        (await t.pulumi.run(t.stack.cwd, ["stack", "export", "--stack", t.stack.stack])).stdout,
    );
    return {
        recovery,
        up: summary(up.stdout),
        exportProblems: exportProblems(exported),
        pendingAfter: pendingOperationsOf(exported).length,
        locksAfter: readLocks(lockDir(t.backendRoot, t.project, t.stack.stack)).length,
        difference: await orphanCheck(t.kube, exported),
    };
}

/** A recovery in a few words, for the table of what each case needed. */
export function describeRecovery(r: Recovery): string {
    const parts = [
        r.staleLocks.length > 0 ? `removed ${r.staleLocks.length} stale lock(s)` : "",
        r.emptyAttrs ? "removed the empty checkpoint .attrs file" : "",
        r.imported.length + r.cleared.length > 0
            ? `cleared ${r.imported.length + r.cleared.length} pending create(s)`
            : "",
        r.pending.length > r.imported.length + r.cleared.length
            ? `${r.pending.length - r.imported.length - r.cleared.length} other pending op(s) left to refresh`
            : "",
    ].filter((p) => p !== "");
    const changed = Object.entries(r.refreshed).filter(([op]) => op !== "unchanged");
    const refresh =
        changed.length > 0
            ? `refresh ${changed.map(([op, n]) => `${n} ${op}`).join(", ")}`
            : "refresh found no drift";
    const imported = r.imported.length > 0 ? [`pulumi import of ${r.imported.length} of them`] : [];
    return [...parts, refresh, ...imported].join("; ");
}
