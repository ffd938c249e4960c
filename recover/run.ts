/**
 * `npm run recover`: brings a stack that an interrupted or failed `pulumi up`
 * left behind back to a state the next `pulumi up` converges from, with the
 * standard Pulumi commands, and reports what it found. The decisions are pure
 * (recover/state.ts, recover/fileBackend.ts); this file runs the commands.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { ownerLabels, StackOwner } from "../components/shared/ownership";
import { Completed, exec } from "../e2e/proc";
import { summary } from "../e2e/pulumi";
import { RecoverArgs } from "./args";
import {
    fileBackendDir,
    isAlive,
    readLocks,
    removeEmptyCheckpointAttrs,
    sortLocks,
    StackLock,
} from "./fileBackend";
import {
    compareWithCluster,
    ImportEntry,
    objectKey,
    ObjectRef,
    PendingOperation,
    planPendingCreates,
    readStackState,
    StackState,
    TrackedObject,
} from "./state";
import { Cluster, openCluster } from "./cluster";
import { importResources } from "./importFile";
import { handleOrphans, OrphanOutcome } from "./orphans";

/** A refusal or failure with a message for the user. */
export class RecoverError extends Error {}

/** Everything `recover` needs besides the command line. */
export interface RecoverOptions extends RecoverArgs {
    /** The environment of `pulumi` and `kubectl` (both found on its PATH). */
    env: NodeJS.ProcessEnv;
    /** Where progress lines go. */
    log: (line: string) => void;
    /** Asks the user a question and resolves with the answer (for `orphans: "ask"`). */
    ask?: (question: string) => Promise<string>;
}

/** What `recover` found and did. */
export interface RecoveryReport {
    /** Locks of `pulumi` processes that are gone, removed. */
    staleLocks: StackLock[];
    /** The checkpoint metadata file a kill left empty, removed; undefined when there was none. */
    emptyCheckpointAttrs?: string;
    /** The operations the state had pending, as found. */
    pending: PendingOperation[];
    /** Pending creates whose object exists, imported into the state under their own URNs. */
    imported: ImportEntry[];
    /** Pending creates that never reached the cluster, cleared. */
    cleared: string[];
    /** The refresh's resource summary, e.g. `{ unchanged: 24 }`. */
    refresh: Record<string, number>;
    /** Objects labelled as the stack's that its state doesn't track. */
    orphans: ObjectRef[];
    orphanOutcome: OrphanOutcome;
    /** Objects the state tracks with the stack's labels that the cluster no longer has. */
    lost: TrackedObject[];
}

/** A way to run `pulumi` on the stack. */
export interface Pulumi {
    run(args: string[], allowFailure?: boolean): Promise<Completed>;
    stackArgs: string[];
}

/** Runs every step, in order; each logs what it does. */
export async function recover(opts: RecoverOptions): Promise<RecoveryReport> {
    const pulumi = pulumiOn(opts);
    await requireCommand(opts, "pulumi", ["version"]);
    await requireCommand(opts, "kubectl", ["version", "--client"]);
    const owner = stackOwner(opts);
    const { staleLocks, emptyCheckpointAttrs } = await repairFileBackend(pulumi, owner, opts.log);
    const before = await exportState(pulumi, opts.stack);
    const cluster = await openCluster(pulumi, opts);
    try {
        const plan = await planPending(before, cluster, opts.log);
        const refresh = await refreshState(pulumi, plan, opts.log);
        const after = await exportState(pulumi, opts.stack);
        const labels = ownerLabels(owner);
        const live = await cluster.labelled(labels);
        const { orphans, lost } = compareWithCluster(after.objects, live, labels);
        const orphanOutcome = await handleOrphans(orphans, {
            pulumi,
            cluster,
            options: opts,
            provider: after.kubernetesProvider,
        });
        return {
            staleLocks,
            emptyCheckpointAttrs,
            pending: before.pending,
            imported: plan.imports,
            cleared: plan.clears,
            refresh,
            orphans,
            orphanOutcome,
            lost,
        };
    } finally {
        cluster.close();
    }
}

function pulumiOn(opts: RecoverOptions): Pulumi {
    const cwd = opts.cwd ?? process.cwd();
    return {
        stackArgs: [
            "--stack",
            opts.stack,
            ...(opts.configFile ? ["--config-file", opts.configFile] : []),
        ],
        run: (args, allowFailure = false) =>
            exec("pulumi", [...args, "--non-interactive", "--color", "never"], {
                cwd,
                env: opts.env,
                allowFailure,
                timeoutMs: 900_000,
            }),
    };
}

async function requireCommand(opts: RecoverOptions, command: string, args: string[]) {
    const r = await exec(command, args, { env: opts.env, allowFailure: true }).catch(
        (err: Error) => ({ code: -1, stdout: "", stderr: err.message }),
    );
    if (r.code !== 0) {
        throw new RecoverError(`${command} is needed on PATH and did not run: ${r.stderr.trim()}`);
    }
}

async function exportState(pulumi: Pulumi, stack: string): Promise<StackState> {
    const r = await pulumi.run(["stack", "export", "--stack", stack], true);
    if (r.code !== 0) {
        throw new RecoverError(`pulumi stack export --stack ${stack} failed: ${r.stderr.trim()}`);
    }
    return readStackState(JSON.parse(r.stdout));
}

/** The project (Pulumi.yaml's name, in `--cwd`) and the stack. */
function stackOwner(opts: RecoverOptions): StackOwner {
    const file = path.join(opts.cwd ?? process.cwd(), "Pulumi.yaml");
    if (!fs.existsSync(file)) {
        throw new RecoverError(
            `no Pulumi.yaml in ${path.dirname(file)}: run it in the project's directory, or give --cwd`,
        );
    }
    const name = (YAML.parse(fs.readFileSync(file, "utf8")) as { name?: string }).name;
    if (!name) throw new RecoverError(`${file} has no project name`);
    return { project: name, stack: opts.stack };
}

/**
 * On a file backend: removes an empty checkpoint metadata file a kill left,
 * and the stack's locks whose `pulumi` is gone; refuses while a live one holds
 * the stack, since that one is still at work. Another backend's service keeps
 * both itself.
 */
async function repairFileBackend(
    pulumi: Pulumi,
    owner: StackOwner,
    log: (line: string) => void,
): Promise<{ staleLocks: StackLock[]; emptyCheckpointAttrs?: string }> {
    const who = await pulumi.run(["whoami", "--json"]);
    const dir = fileBackendDir((JSON.parse(who.stdout) as { url?: string }).url);
    if (!dir) {
        log("locks: not a file backend; its service keeps the locks (pulumi cancel)");
        return { staleLocks: [] };
    }
    const attrs = removeEmptyCheckpointAttrs(dir, owner.project, owner.stack);
    if (attrs) log(`checkpoint: removed the empty metadata file a kill left: ${attrs}`);
    const locks = readLocks(dir, owner.project, owner.stack);
    const { stale, live } = sortLocks(locks, os.hostname(), isAlive);
    if (live.length > 0) {
        const holders = live.map((l) => `pid ${l.pid} on ${l.host}`).join(", ");
        throw new RecoverError(
            `the stack "${owner.stack}" is locked by a pulumi that may still run (${holders}); let it finish, or stop it, then run recover again`,
        );
    }
    for (const l of stale) {
        log(`locks: removing a stale lock (pid ${l.pid} on this host is gone): ${l.file}`);
        fs.rmSync(l.file);
    }
    if (stale.length === 0) log("locks: none left behind");
    return { staleLocks: stale, emptyCheckpointAttrs: attrs };
}

async function planPending(
    state: StackState,
    cluster: Cluster,
    log: (line: string) => void,
): Promise<{ imports: ImportEntry[]; clears: string[] }> {
    const { pending } = state;
    if (pending.length === 0) log("pending operations: none");
    for (const op of pending) log(`pending operation: ${op.operation} ${op.urn}`);
    const found = new Set<string>();
    for (const op of pending) {
        if (op.operation === "creating" && op.object && (await cluster.exists(op.object))) {
            found.add(objectKey(op.object));
        }
    }
    const plan = planPendingCreates(pending, (ref) => found.has(objectKey(ref)), state.urns);
    for (const i of plan.imports) log(`  its create went through: importing ${i.urn} as ${i.id}`);
    for (const urn of plan.clears) {
        const why = state.urns.includes(urn)
            ? "a replacement's create (an object it made is listed with the orphans)"
            : "its create never reached the cluster";
        log(`  ${why}: clearing ${urn}`);
    }
    return plan;
}

/**
 * `pulumi refresh`, clearing every pending create (and, as refresh does, the
 * other pending operations), then `pulumi import` of the creates that went
 * through, each under its own URN. (`refresh --import-pending-creates` marks
 * them, but the engine of this CLI drops them instead of reading them.)
 */
async function refreshState(
    pulumi: Pulumi,
    plan: { imports: ImportEntry[]; clears: string[] },
    log: (line: string) => void,
): Promise<Record<string, number>> {
    log("refresh: reading every resource of the stack from the cluster");
    const args = ["refresh", "--yes", "--skip-preview", ...pulumi.stackArgs];
    if (plan.imports.length + plan.clears.length > 0) args.push("--clear-pending-creates");
    const r = await pulumi.run(args, true);
    if (r.code !== 0) {
        throw new RecoverError(`pulumi ${args.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
    }
    const counts = summary(r.stdout);
    log(
        `refresh: ${
            Object.entries(counts)
                .map(([op, n]) => `${n} ${op}`)
                .join(", ") || "done"
        }`,
    );
    if (plan.imports.length > 0) {
        log(
            `import: ${plan.imports.length} object(s) whose create went through, under their own URNs`,
        );
        await importResources(pulumi, plan.imports);
    }
    return counts;
}
