/**
 * The file state backend's stack locks. `pulumi up` writes one per run under
 * `<backend>/.pulumi/locks/<org>/<project>/<stack>/<uuid>.json`, naming its host
 * and pid, and a killed `pulumi` leaves it behind: every later command on the
 * stack is then refused until it goes (docs/operations.md#interrupted-deploys).
 */
import * as fs from "fs";
import * as path from "path";

/** A lock file of the file state backend: which process holds the stack. */
export interface StackLock {
    file: string;
    pid: number;
    host: string;
}

/**
 * The locks to remove (their process is gone: it ran on this host and its pid
 * is dead) and those that are live (another `pulumi` is at work on the stack,
 * or on another host, where this one can't tell).
 */
export function sortLocks(
    locks: StackLock[],
    host: string,
    alive: (pid: number) => boolean,
): { stale: StackLock[]; live: StackLock[] } {
    const stale = locks.filter((l) => l.host === host && !alive(l.pid));
    return { stale, live: locks.filter((l) => !stale.includes(l)) };
}

/**
 * Whether `pid` is a running process. A zombie (killed, not yet reaped by its
 * parent) counts as gone: `kill(pid, 0)` alone would call it alive.
 */
export function isAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
    } catch (err) {
        return (err as NodeJS.ErrnoException).code === "EPERM";
    }
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
    } catch {
        return true;
    }
}

/**
 * The directory of a `file://` backend URL, or undefined for any other
 * backend (a service backend keeps its own locks; `pulumi cancel` is its tool).
 */
export function fileBackendDir(url: string | undefined): string | undefined {
    if (!url?.startsWith("file://")) return undefined;
    const rest = url.slice("file://".length);
    return rest.startsWith("~") ? path.join(process.env.HOME ?? "", rest.slice(1)) : rest;
}

/** Every lock on `project`/`stack` under the file backend at `backendDir`. */
export function readLocks(backendDir: string, project: string, stack: string): StackLock[] {
    const root = path.join(backendDir, ".pulumi", "locks");
    const locks: StackLock[] = [];
    const walk = (dir: string) => {
        if (!fs.existsSync(dir)) return;
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
            const p = path.join(dir, e.name);
            if (e.isDirectory()) walk(p);
            else if (e.name.endsWith(".json") && onStack(dir, project, stack)) {
                const lock = JSON.parse(fs.readFileSync(p, "utf8")) as {
                    pid?: number;
                    hostname?: string;
                };
                locks.push({ file: p, pid: lock.pid ?? -1, host: lock.hostname ?? "" });
            }
        }
    };
    walk(root);
    return locks;
}

/** Whether a lock directory is `<project>/<stack>` (a project-less backend has `<stack>` alone). */
function onStack(dir: string, project: string, stack: string): boolean {
    if (path.basename(dir) !== stack) return false;
    const parent = path.basename(path.dirname(dir));
    return parent === project || parent === "locks";
}
