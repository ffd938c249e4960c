import * as fs from "fs";

/** One process, as /proc shows it. */
export interface ProcessInfo {
    pid: number;
    ppid: number;
    /** Its process group. */
    pgrp: number;
    /** The executable's name, as the kernel keeps it (at most 15 characters). */
    comm: string;
    /** Its arguments, argv[0] first; empty for a zombie. */
    argv: string[];
}

/**
 * The pid, name, parent pid and process group from the text of
 * `/proc/<pid>/stat`: `pid (comm) state ppid pgrp ...`. The name may hold
 * spaces and parentheses, so it ends at the last `)`.
 */
export function parseStat(text: string): Omit<ProcessInfo, "argv"> {
    const open = text.indexOf("(");
    const close = text.lastIndexOf(")");
    if (open < 0 || close < open) {
        throw new Error(`not a /proc/<pid>/stat line: ${JSON.stringify(text.slice(0, 80))}`);
    }
    const rest = text
        .slice(close + 1)
        .trim()
        .split(/\s+/);
    const pid = Number(text.slice(0, open).trim());
    const [ppid, pgrp] = [Number(rest[1]), Number(rest[2])];
    if (![pid, ppid, pgrp].every(Number.isInteger)) {
        throw new Error(`no pid, ppid or pgrp in /proc/<pid>/stat line: ${JSON.stringify(text)}`);
    }
    return { pid, comm: text.slice(open + 1, close), ppid, pgrp };
}

/** Every process /proc lists now; one that ends while it is read is left out. */
export function processTable(): ProcessInfo[] {
    const table: ProcessInfo[] = [];
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            const stat = parseStat(fs.readFileSync(`/proc/${entry}/stat`, "utf8"));
            const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8");
            table.push({ ...stat, argv: cmdline.split("\0").filter((a) => a !== "") });
        } catch {
            // It ended between readdir and read.
        }
    }
    return table;
}

/** The descendants of `root` in `table`, nearest first (breadth first). */
export function descendants(table: ProcessInfo[], root: number): ProcessInfo[] {
    const children = new Map<number, ProcessInfo[]>();
    for (const p of table) {
        children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
    }
    const found: ProcessInfo[] = [];
    const queue = [root];
    const seen = new Set<number>(queue);
    // Bounded by the table: each pid enters the queue at most once.
    while (queue.length > 0) {
        for (const child of children.get(queue.shift()!) ?? []) {
            if (seen.has(child.pid)) continue;
            seen.add(child.pid);
            found.push(child);
            queue.push(child.pid);
        }
    }
    return found;
}

/** Whether a process is the named program: its argv[0]'s last path segment, or its kernel name. */
export function isProgram(p: ProcessInfo, name: string): boolean {
    const argv0 = p.argv[0]?.split("/").pop();
    return argv0 === name || p.comm === name.slice(0, 15);
}

/** Whether `pid` names a live process (a zombie counts as gone). */
export function isAlive(pid: number): boolean {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
    } catch {
        return false;
    }
}
