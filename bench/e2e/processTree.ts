import * as fs from "fs";
import type { ProcessPeak } from "./rss";

/**
 * Reads the peak RSS of every process under a measured command from /proc:
 * the engine, and what it starts (language host, program, provider plugins).
 * Polled, so a process that lives less than one poll may be missed, and a
 * peak reached in a process's last poll interval is read as the one before.
 */

const read = (file: string): string | undefined => {
    try {
        return fs.readFileSync(file, "utf8");
    } catch {
        return undefined; // the process has gone
    }
};

/** The live processes under `root`, itself first. */
function tree(root: number): number[] {
    const children = new Map<number, number[]>();
    for (const entry of fs.readdirSync("/proc")) {
        const stat = /^\d+$/.test(entry) ? read(`/proc/${entry}/stat`) : undefined;
        if (stat) {
            // Fields after the command name, which may hold spaces: state, ppid, ...
            const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
        }
    }
    const found = [root];
    for (let i = 0; i < found.length; i++) {
        found.push(...(children.get(found[i]) ?? []));
    }
    return found;
}

/**
 * Reads every live process under `root` once: raises its entry in `peaks`
 * (by pid) to its VmHWM, and keeps its argv[0] (which changes on exec).
 */
export function samplePeaks(root: number, peaks: Map<number, ProcessPeak>): void {
    for (const pid of tree(root)) {
        const hwm = /^VmHWM:\s+(\d+) kB/m.exec(read(`/proc/${pid}/status`) ?? "");
        const argv0 = read(`/proc/${pid}/cmdline`)?.split("\0")[0];
        if (!hwm || !argv0) {
            continue;
        }
        const peakKb = Math.max(Number(hwm[1]), peaks.get(pid)?.peakKb ?? 0);
        peaks.set(pid, { pid, argv0, peakKb });
    }
}
