import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { isAlive } from "./processTree";

/** What the file state backend writes into a stack's lock file. */
export interface LockContent {
    pid: number;
    username?: string;
    hostname: string;
    timestamp?: string;
}

/** One lock file of a stack. */
export interface StackLock {
    file: string;
    content: LockContent;
}

/**
 * The directory of a stack's lock files under a file backend's root:
 * `.pulumi/locks/organization/<project>/<stack>` (the file backend's
 * organization is always `organization`).
 */
export function lockDir(backendRoot: string, project: string, stack: string): string {
    return path.join(backendRoot, ".pulumi", "locks", "organization", project, stack);
}

/** The stack's lock files, parsed; throws naming a file that isn't a lock. */
export function readLocks(dir: string): StackLock[] {
    if (!fs.existsSync(dir)) return [];
    return fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .map((f) => {
            const file = path.join(dir, f);
            const content = JSON.parse(fs.readFileSync(file, "utf8")) as LockContent;
            if (!Number.isInteger(content.pid) || typeof content.hostname !== "string") {
                throw new Error(`${file} is not a lock file (no pid or hostname)`);
            }
            return { file, content };
        });
}

/**
 * Whether a lock is stale: taken on this host (`host`) by a process that is
 * gone. A lock of another host can't be judged from here, so it never is.
 */
export function isStale(
    lock: LockContent,
    host: string,
    alive: (pid: number) => boolean = isAlive,
): boolean {
    return lock.hostname === host && !alive(lock.pid);
}

/** Removes the stack's stale locks ({@link isStale}) and returns them; a live lock stays. */
export function removeStaleLocks(dir: string, host = os.hostname()): StackLock[] {
    const stale = readLocks(dir).filter((l) => isStale(l.content, host));
    for (const l of stale) fs.rmSync(l.file);
    return stale;
}
