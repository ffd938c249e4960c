import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { waitFor } from "./proc";
import { isAlive, isProgram, ProcessInfo, processTable } from "./processTree";

/** A control-plane process of one KWOK cluster, and how it was started. */
export interface ControlPlaneProcess {
    pid: number;
    argv: string[];
    cwd: string;
    env: NodeJS.ProcessEnv;
    /** Where its standard output goes (kwokctl points it at the component's log file). */
    stdout: string;
}

/**
 * The process of `binary` (e.g. `kube-apiserver`) that KWOK's binary runtime
 * runs for the cluster whose KWOK work dir is `kwokDir`: kwokctl copies its
 * binaries under that dir, so argv[0] (or a flag) names a path in it. Throws
 * naming the binary and the dir unless exactly one matches.
 */
export function findControlPlaneProcess(kwokDir: string, binary: string): ControlPlaneProcess {
    const matches = processTable().filter(
        (p) => isProgram(p, binary) && p.argv.some((a) => a.includes(kwokDir)),
    );
    if (matches.length !== 1) {
        throw new Error(
            `want one ${binary} process of the cluster in ${kwokDir}, found ${matches.length}: ${show(matches)}`,
        );
    }
    const pid = matches[0].pid;
    return {
        pid,
        argv: matches[0].argv,
        cwd: fs.readlinkSync(`/proc/${pid}/cwd`),
        stdout: fs.readlinkSync(`/proc/${pid}/fd/1`),
        env: parseEnviron(fs.readFileSync(`/proc/${pid}/environ`, "utf8")),
    };
}

function show(ps: ProcessInfo[]): string {
    return ps.map((p) => `${p.pid} ${p.argv.join(" ").slice(0, 100)}`).join("; ") || "(none)";
}

/** The variables of a `/proc/<pid>/environ` text (NUL-separated `K=V`). */
export function parseEnviron(text: string): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const entry of text.split("\0")) {
        const eq = entry.indexOf("=");
        if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
    return env;
}

/**
 * Stops a control-plane process at once (SIGKILL: its port closes and every
 * open request and watch breaks, as in a crash), keeps it down for `downMs`,
 * then starts it again with the same command line, working directory and
 * environment, its output appended to the same file (its log). kwokctl finds
 * its processes by pid file, so the new pid goes into every `<binary>.pid`
 * under `kwokDir`, and `kwokctl delete cluster` still stops it. Returns the new pid.
 */
export async function restartControlPlaneProcess(
    p: ControlPlaneProcess,
    kwokDir: string,
    downMs: number,
): Promise<number> {
    process.kill(p.pid, "SIGKILL");
    await waitFor(
        `pid ${p.pid} (${p.argv[0]}) to be gone after SIGKILL`,
        () => Promise.resolve(isAlive(p.pid) ? undefined : true),
        { timeoutMs: 10_000, intervalMs: 20 },
    );
    await new Promise((r) => setTimeout(r, downMs));
    const out = fs.openSync(p.stdout, "a");
    const child = spawn(p.argv[0], p.argv.slice(1), {
        cwd: p.cwd,
        env: p.env,
        stdio: ["ignore", out, out],
        detached: true,
    });
    fs.closeSync(out);
    child.unref();
    if (child.pid === undefined) throw new Error(`${p.argv[0]} did not start again`);
    for (const file of pidFiles(kwokDir, path.basename(p.argv[0]))) {
        fs.writeFileSync(file, String(child.pid));
    }
    return child.pid;
}

/** The files named `<binary>.pid` under `dir`, at most four levels down. */
function pidFiles(dir: string, binary: string, depth = 4): string[] {
    if (depth < 0 || !fs.existsSync(dir)) return [];
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) return pidFiles(full, binary, depth - 1);
        return e.name === `${binary}.pid` ? [full] : [];
    });
}
