import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Kube } from "./kube";
import { lockDir, removeStaleLocks } from "./locks";
import {
    importFile,
    pendingCreateFlags,
    pendingCreates,
    planPendingCreates,
} from "./pendingCreates";
import { PulumiCli, StackRef, summary } from "./pulumi";
import { parseExport, pendingOperationsOf } from "./stackState";

/** What {@link recoverStack} found and did, for the suite's table of recoveries. */
export interface Recovery {
    /** Lock files of processes that are gone, removed. */
    staleLocks: string[];
    /** The checkpoint's metadata file, removed because a kill left it empty. */
    emptyAttrs?: string;
    /** The pending operations the state held, as `<type> <urn>`. */
    pending: string[];
    /** Pending creates cleared, then imported (their object existed), as `<urn> <id>`. */
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
 * refused, as it must be) and a checkpoint's metadata file a kill left empty;
 * then `pulumi refresh --clear-pending-creates`, and `pulumi import` of each
 * pending create whose object the API server has. The suite's one recovery
 * step (to become `npm run recover -- --stack <name>`).
 */
export async function recoverStack(t: RecoveryTarget): Promise<Recovery> {
    const locks = removeStaleLocks(lockDir(t.backendRoot, t.project, t.stack.stack));
    const attrs = removeEmptyCheckpointAttrs(t.backendRoot, t.project, t.stack.stack);
    const exported = parseExport(
        (await t.pulumi.run(t.stack.cwd, ["stack", "export", "--stack", t.stack.stack])).stdout,
    );
    const pending = pendingOperationsOf(exported);
    const creates = pendingCreates(pending);
    const existing = new Set<string>();
    for (const c of creates) {
        const o = c.object;
        if (o && (await t.kube.find(o.kind, o.name, o.namespace || undefined))) existing.add(c.urn);
    }
    const plan = planPendingCreates(creates, existing);
    const flags = pendingCreateFlags(plan);
    const refresh = await t.pulumi.refresh(t.stack, flags);
    const commands = [`pulumi refresh --yes ${flags.join(" ")}`.trim()];
    const doc = importFile(plan);
    if (doc) {
        commands.push(await importObjects(t, doc));
    }
    return {
        staleLocks: locks.map((l) => `${l.file} (pid ${l.content.pid})`),
        emptyAttrs: attrs,
        pending: pending.map((p) => `${p.type} ${p.resource.urn}`),
        imported: plan.imports.map(({ create, id }) => `${create.urn} ${id}`),
        cleared: plan.clears,
        commands,
        refreshed: summary(refresh.stdout),
    };
}

/** `pulumi import --file` of `doc` into the stack, without generating code; returns the command. */
async function importObjects(t: RecoveryTarget, doc: object): Promise<string> {
    const file = path.join(os.tmpdir(), `recover-${t.stack.stack}-${process.pid}.json`);
    fs.writeFileSync(file, JSON.stringify(doc, null, 2));
    try {
        const args = ["import", "--file", file, "--yes", "--generate-code=false"];
        await t.pulumi.run(t.stack.cwd, [...args, ...t.pulumi.stackArgs(t.stack)]);
        return `pulumi ${args.join(" ")}`;
    } finally {
        fs.rmSync(file, { force: true });
    }
}

/**
 * The file backend writes a checkpoint's metadata beside it
 * (`<stack>.json.attrs`); a kill while it writes it can leave it empty, and
 * every command then fails with "failed to load checkpoint: EOF". The
 * checkpoint itself is written to a temporary file and renamed, so it is
 * whole; without the metadata file it loads. Removes an empty one and
 * returns its path, or undefined.
 */
export function removeEmptyCheckpointAttrs(
    backendRoot: string,
    project: string,
    stack: string,
): string | undefined {
    const file = path.join(backendRoot, ".pulumi", "stacks", project, `${stack}.json.attrs`);
    if (fs.existsSync(file) && fs.statSync(file).size === 0) {
        fs.rmSync(file);
        return file;
    }
    return undefined;
}
