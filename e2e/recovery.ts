/**
 * The fault suite's one recovery step: the product's own `npm run recover`
 * (recover/run.ts), run in this process on the suite's stack with the suite's
 * CLI environment, and what it found, for the suite's table of recoveries.
 */
import { recover } from "../recover/run";
import { describeObject } from "../recover/state";
import { Kube } from "./kube";
import { PulumiCli, StackRef } from "./pulumi";

export { removeEmptyCheckpointAttrs } from "../recover/fileBackend";

/** What {@link recoverStack} found and did, for the suite's table of recoveries. */
export interface Recovery {
    /** Lock files of processes that are gone, removed. */
    staleLocks: string[];
    /** Whether it removed the checkpoint's metadata file that a kill left empty. */
    emptyAttrs?: boolean;
    /** The pending operations the state held, as `<type> <urn>`. */
    pending: string[];
    /** Pending creates cleared, then imported (their object existed), as `<urn> <id>`. */
    imported: string[];
    /** Pending creates cleared (their object didn't exist). */
    cleared: string[];
    /** Objects carrying the stack's owner labels that its state didn't track, as recover found them. */
    orphans: string[];
    /** The refresh's counts per operation (`{ unchanged: 20, updated: 2 }`). */
    refreshed: Record<string, number>;
    /** Everything recover printed. */
    log: string[];
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
 * Brings a stack back after an interruption with `npm run recover`'s steps
 * (stale locks, an empty checkpoint metadata file, pending creates imported
 * or cleared, refresh, orphans listed), so that a plain `pulumi up` afterwards
 * converges. Orphans are only listed: the suite asserts there are none.
 */
export async function recoverStack(t: RecoveryTarget): Promise<Recovery> {
    const log: string[] = [];
    const report = await recover({
        stack: t.stack.stack,
        cwd: t.stack.cwd,
        configFile: t.stack.configFile,
        orphans: "report",
        env: t.pulumi.env,
        log: (line) => log.push(line),
    });
    return {
        staleLocks: report.staleLocks.map((l) => `${l.file} (pid ${l.pid})`),
        emptyAttrs: report.emptyCheckpointAttrs !== undefined,
        pending: report.pending.map((p) => `${p.operation} ${p.urn}`),
        imported: report.imported.map((i) => `${i.urn} ${i.id}`),
        cleared: report.cleared,
        orphans: report.orphans.map(describeObject),
        refreshed: report.refresh,
        log,
    };
}
