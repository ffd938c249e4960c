import * as fs from "fs";
import * as path from "path";
import { Running } from "./background";
import { waitFor } from "./proc";
import { descendants, isProgram, ProcessInfo, processTable } from "./processTree";
import { PulumiCli, StackRef } from "./pulumi";

/** The engine's plugins and program, as they appear under the `pulumi` process. */
export const PLUGIN_PROCESSES = {
    /** The Kubernetes provider plugin. */
    provider: (p: ProcessInfo) => isProgram(p, "pulumi-resource-kubernetes"),
    /** The program: the Node.js process the language host starts on `@pulumi/pulumi`'s run entry point. */
    program: (p: ProcessInfo) =>
        isProgram(p, "node") && p.argv.some((a) => /@pulumi[/\\]pulumi[/\\]cmd[/\\]run/.test(a)),
} as const;

/** A `pulumi up` started in the background, with the event log it writes. */
export interface BackgroundUp {
    running: Running;
    eventLog: string;
}

/**
 * Starts `pulumi up --yes --skip-preview --event-log <file>` of the stack, in
 * a process group of its own. The event log goes into `dir`, named by `label`.
 */
export function startUp(pulumi: PulumiCli, s: StackRef, dir: string, label: string): BackgroundUp {
    const eventLog = path.join(dir, `${label}.events.jsonl`);
    fs.rmSync(eventLog, { force: true });
    const running = pulumi.start(s.cwd, [
        "up",
        "--yes",
        "--skip-preview",
        "--event-log",
        eventLog,
        ...pulumi.stackArgs(s),
    ]);
    return { running, eventLog };
}

/**
 * The one descendant of the running command that `match` finds, waiting
 * (up to `timeoutMs`) for it to start. Throws naming what it looked for.
 */
export function findDescendant(
    running: Running,
    what: string,
    match: (p: ProcessInfo) => boolean,
    timeoutMs = 30_000,
): Promise<ProcessInfo> {
    return waitFor(
        `the ${what} process under pid ${running.pid}`,
        () => {
            if (running.exited()) throw new Error(`\`${running.command}\` already exited`);
            const found = descendants(processTable(), running.pid).filter(match);
            if (found.length > 1) {
                const pids = found.map((p) => p.pid).join(", ");
                throw new Error(`${found.length} ${what} processes: ${pids}`);
            }
            return Promise.resolve(found[0]);
        },
        { timeoutMs, intervalMs: 50 },
    );
}

/** How a background command ended, and what it left running. */
export type Settled = Awaited<Running["result"]> & {
    /** Processes it left running (orphaned plugins, still in its group or reparented), as `pid argv[0]`. */
    leftovers: string[];
};

/**
 * Waits (up to `timeoutMs`) for the command to end, notes what it left
 * running, and kills that, so no case leaks a process into the next. The
 * engine starts its plugins in process groups of their own, so a plugin a
 * killed engine orphans is found by `pluginDir` (the PULUMI_HOME its binary
 * runs from) and its parent, now init; the caller runs no other command from
 * that home meanwhile.
 */
export async function settle(
    running: Running,
    pluginDir: string,
    timeoutMs = 300_000,
): Promise<Settled> {
    const timer = setTimeout(() => running.signalGroup("SIGKILL"), timeoutMs);
    try {
        const result = await running.result;
        const left = processTable().filter(
            (p) =>
                p.pgrp === running.pid || (p.ppid === 1 && (p.argv[0] ?? "").startsWith(pluginDir)),
        );
        for (const p of left) process.kill(p.pid, "SIGKILL");
        return {
            ...result,
            leftovers: left.map((p) => `${p.pid} ${path.basename(p.argv[0] ?? p.comm)}`),
        };
    } finally {
        clearTimeout(timer);
        running.signalGroup("SIGKILL");
    }
}

/**
 * The error lines of a command's output (`error: ...`, as the CLI prints
 * them), each once and cut at 200 characters: the message a user would read.
 */
export function errorLines(output: string, max = 3): string[] {
    const lines = output
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => /^error:/.test(l))
        .map((l) => (l.length > 200 ? `${l.slice(0, 200)}…` : l));
    return [...new Set(lines)].slice(0, max);
}
