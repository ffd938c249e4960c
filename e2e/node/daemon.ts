import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

/**
 * A long-running process of the node (containerd, kubelet, kube-proxy): its
 * output goes to a log file, and it is stopped by its own PID only.
 */
export interface Daemon {
    name: string;
    pid: number;
    /** The file its output goes to. */
    log: string;
    /** Whether it is still running (a zombie counts as gone). */
    alive(): boolean;
    /** SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. */
    stop(graceMs?: number): Promise<void>;
}

/** Whether PID runs and is no zombie (PID 1 here reaps orphans late; `kill -0` would wait on them). */
export function running(pid: number): boolean {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
    } catch {
        return false;
    }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
    const deadline = performance.now() + ms;
    while (running(pid)) {
        if (performance.now() > deadline) return false;
        await new Promise((r) => setTimeout(r, 100));
    }
    return true;
}

/** Stops PID: SIGTERM, and SIGKILL if it is still there after `graceMs`. */
export async function stopPid(pid: number, graceMs = 10_000): Promise<void> {
    if (!running(pid)) return;
    process.kill(pid, "SIGTERM");
    if (await waitGone(pid, graceMs)) return;
    process.kill(pid, "SIGKILL");
    await waitGone(pid, 5_000);
}

/** Starts `file args` with its output appended to `<logDir>/<name>.log`. */
export function startDaemon(
    name: string,
    file: string,
    args: string[],
    logDir: string,
    env: NodeJS.ProcessEnv = process.env,
): Daemon {
    fs.mkdirSync(logDir, { recursive: true });
    const log = path.join(logDir, `${name}.log`);
    const fd = fs.openSync(log, "a");
    const child = spawn(file, args, { stdio: ["ignore", fd, fd], env });
    fs.closeSync(fd);
    child.on("error", (err) => fs.appendFileSync(log, `\nspawn failed: ${err.message}\n`));
    child.unref();
    const pid = child.pid ?? -1;
    return {
        name,
        pid,
        log,
        alive: () => pid > 0 && running(pid),
        stop: (graceMs?: number) => stopPid(pid, graceMs),
    };
}

/** The last lines of a daemon's log, for an error message. */
export function logTail(d: Daemon, lines = 30): string {
    try {
        return fs.readFileSync(d.log, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
    } catch {
        return "(no log)";
    }
}

/** The PIDs of every process on the machine. */
export function processIds(): number[] {
    return fs
        .readdirSync("/proc")
        .filter((d) => /^\d+$/.test(d))
        .map(Number);
}

/** A process's command line, words joined by spaces ("" once it is gone). */
export function commandLine(pid: number): string {
    try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
    } catch {
        return "";
    }
}
