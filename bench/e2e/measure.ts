import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BUILD_DIR } from "../common";

/**
 * One measured command, in a fresh process: its wall time, and the peak RSS
 * of the process itself (for `pulumi`, the engine) and of the program's
 * Node.js process, which the language host starts.
 */

/** What one measured command did. */
export interface Measured {
    wallMs: number;
    /** Peak RSS of the command's own process (VmHWM), in KiB; 0 when it exited too soon to be read. */
    peakRssKb: number;
    /** Peak RSS of the program's Node.js process, in KiB, when the command ran one. */
    programRssKb?: number;
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

/** VmHWM (peak RSS) of a live process, in KiB, or undefined once it has gone. */
function peakRss(pid: number): number | undefined {
    try {
        const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
        const m = /^VmHWM:\s+(\d+) kB/m.exec(status);
        return m ? Number(m[1]) : undefined;
    } catch {
        return undefined;
    }
}

/** The preload that reports the program process's peak RSS (programRss.ts, compiled). */
const PRELOAD = path.join(BUILD_DIR, "bench", "e2e", "programRss.js");

/**
 * Runs `file args` and measures it. Throws, with the output's tail, when it
 * exits non-zero: a failed deployment has no time worth reporting.
 */
export function measure(file: string, args: string[], opts: MeasureOptions): Promise<Measured> {
    loadSamples.push(os.loadavg()[0]);
    const rssFile = path.join(os.tmpdir(), `bench-e2e-rss-${process.pid}-${Date.now()}`);
    const env = {
        ...opts.env,
        BENCH_PROGRAM_RSS_FILE: rssFile,
        NODE_OPTIONS: `${opts.env.NODE_OPTIONS ?? ""} --require ${PRELOAD}`.trim(),
    };
    return new Promise((resolve, reject) => {
        const start = performance.now();
        const child = spawn(file, args, { cwd: opts.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        let peak = 0;
        const poll = setInterval(() => (peak = Math.max(peak, peakRss(child.pid!) ?? 0)), 50);
        const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 900_000);
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("exit", () => (peak = Math.max(peak, peakRss(child.pid!) ?? 0)));
        child.on("close", (code) => {
            const wallMs = performance.now() - start;
            clearInterval(poll);
            clearTimeout(timer);
            const programRssKb = readProgramRss(rssFile);
            if (code !== 0) {
                const tail = (stdout + stderr).trimEnd().split("\n").slice(-30).join("\n");
                reject(
                    new Error(
                        `\`${path.basename(file)} ${args.join(" ")}\` exited ${code}:\n${tail}`,
                    ),
                );
                return;
            }
            resolve({ wallMs, peakRssKb: peak, programRssKb, stdout, stderr });
        });
    });
}

/** The largest peak RSS the preload recorded (one line per program process), then removes the file. */
function readProgramRss(file: string): number | undefined {
    if (!fs.existsSync(file)) {
        return undefined;
    }
    const values = fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map(Number);
    fs.rmSync(file);
    return values.length > 0 ? Math.max(...values) : undefined;
}
