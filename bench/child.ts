import { spawn } from "child_process";
import * as os from "os";
import * as path from "path";
import { BUILD_DIR, RESULT_PREFIX, ROOT } from "./common";

/**
 * How `npm run bench` runs its measurements: each in a fresh Node.js child
 * (a cold start every time), which prints one result line.
 */

/** Progress, on stderr, so stdout stays the report. */
export const log = (line: string) => process.stderr.write(`${line}\n`);

/** A child's wall time and output. */
export interface ChildRun {
    wallMs: number;
    code: number | null;
    stdout: string;
    stderr: string;
}

/** The 1-minute load average before each measured child: others' work inflates wall times. */
export const loadSamples: number[] = [];

/** The compiled benchmark module `name` (bench/<name>.ts), as a child's entry point. */
export const child = (name: string) => path.join(BUILD_DIR, "bench", `${name}.js`);

/** Runs `node <args>` in the repository with `env` added, and times it from spawn to exit. */
export function runChild(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ChildRun> {
    loadSamples.push(os.loadavg()[0]);
    return new Promise((resolve, reject) => {
        const start = process.hrtime.bigint();
        const proc = spawn(process.execPath, args, {
            cwd: ROOT,
            env: { ...process.env, ...env },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        proc.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        proc.on("error", reject);
        proc.on("close", (code) => {
            const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
            resolve({ wallMs, code, stdout, stderr });
        });
    });
}

/** The child's result line, or an error that shows what the child said. */
export function resultOf<T>(run: ChildRun, what: string): T {
    const line = run.stdout.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
    if (run.code !== 0 || !line) {
        throw new Error(
            `${what} failed (exit ${run.code}):\n${run.stderr.trim() || run.stdout.trim()}`,
        );
    }
    return JSON.parse(line.slice(RESULT_PREFIX.length)) as T;
}

/** Throws with the child's stderr when it failed. */
export function resultOrThrow(run: ChildRun, what: string): void {
    if (run.code !== 0) {
        throw new Error(`${what} failed (exit ${run.code}):\n${run.stderr.trim()}`);
    }
}
