import { spawn } from "child_process";
import * as os from "os";
import * as path from "path";
import { samplePeaks } from "./processTree";
import type { ProcessPeak } from "./rss";

/**
 * One measured command, in a fresh process: its wall time, and the peak RSS
 * of each process in its tree (for `pulumi`: the engine, the language host,
 * the program's Node.js process and the provider plugins), polled from /proc.
 */

/** What one measured command did. */
export interface Measured {
    wallMs: number;
    /** Every process seen under the command, itself included, with its peak RSS. */
    processes: ProcessPeak[];
    stdout: string;
    stderr: string;
}

/** Options for {@link measure}. */
export interface MeasureOptions {
    cwd?: string;
    env: NodeJS.ProcessEnv;
    /** @default 900000 (15 minutes) */
    timeoutMs?: number;
}

/** The 1-minute load average before each measured command. */
export const loadSamples: number[] = [];

/** How often the process tree's peak RSS is read, in ms. */
const POLL_MS = 100;

/**
 * Runs `file args` and measures it. Throws, with the output's tail, when it
 * exits non-zero: a failed deployment has no time worth reporting.
 */
export function measure(file: string, args: string[], opts: MeasureOptions): Promise<Measured> {
    loadSamples.push(os.loadavg()[0]);
    return new Promise((resolve, reject) => {
        const start = performance.now();
        const child = spawn(file, args, {
            cwd: opts.cwd,
            env: opts.env,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        const peaks = new Map<number, ProcessPeak>();
        const poll = setInterval(() => samplePeaks(child.pid!, peaks), POLL_MS);
        const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 900_000);
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => {
            const wallMs = performance.now() - start;
            clearInterval(poll);
            clearTimeout(timer);
            if (code !== 0) {
                const tail = (stdout + stderr).trimEnd().split("\n").slice(-30).join("\n");
                reject(
                    new Error(
                        `\`${path.basename(file)} ${args.join(" ")}\` exited ${code}:\n${tail}`,
                    ),
                );
                return;
            }
            resolve({ wallMs, processes: [...peaks.values()], stdout, stderr });
        });
    });
}
