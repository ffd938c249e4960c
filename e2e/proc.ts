import { spawn, SpawnOptions } from "child_process";

/** A finished command: its exit code and what it printed. */
export interface Completed {
    code: number;
    stdout: string;
    stderr: string;
}

/** Options for {@link exec}. */
export interface ExecOptions {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    /** Text for the command's standard input. */
    input?: string;
    /** Kill the command after this many milliseconds. @default 600000 (10 minutes) */
    timeoutMs?: number;
    /** Resolve with a non-zero exit code instead of throwing. @default false */
    allowFailure?: boolean;
    /** Also pass the command's output on to this process's, as it comes (a live progress display). @default false */
    echo?: boolean;
}

/** A command that failed, with everything it printed. */
export class CommandError extends Error {
    constructor(
        readonly command: string,
        readonly result: Completed,
    ) {
        super(
            `\`${command}\` exited with ${result.code}\n--- stdout\n${tail(result.stdout)}\n--- stderr\n${tail(result.stderr)}`,
        );
        this.name = "CommandError";
    }
}

function tail(text: string, lines = 60): string {
    const all = text.trimEnd().split("\n");
    return all.length > lines
        ? [`(… ${all.length - lines} lines)`, ...all.slice(-lines)].join("\n")
        : all.join("\n");
}

/**
 * Runs a command without a shell and collects its output. It throws a
 * {@link CommandError} naming the command, unless `allowFailure` is set.
 */
export function exec(file: string, args: string[], opts: ExecOptions = {}): Promise<Completed> {
    const command = [file, ...args].join(" ");
    const spawnOpts: SpawnOptions = {
        cwd: opts.cwd,
        env: opts.env ?? process.env,
        stdio: ["pipe", "pipe", "pipe"],
    };
    return new Promise((resolve, reject) => {
        const child = spawn(file, args, spawnOpts);
        let stdout = "";
        let stderr = "";
        const timer = setTimeout(() => {
            stderr += `\n(killed after ${opts.timeoutMs ?? 600_000} ms)`;
            child.kill("SIGKILL");
        }, opts.timeoutMs ?? 600_000);
        child.stdout!.on("data", (chunk: Buffer) => {
            stdout += chunk.toString();
            if (opts.echo) process.stdout.write(chunk);
        });
        child.stderr!.on("data", (chunk: Buffer) => {
            stderr += chunk.toString();
            if (opts.echo) process.stderr.write(chunk);
        });
        child.on("error", (err) => {
            clearTimeout(timer);
            reject(new Error(`\`${command}\` could not start: ${err.message}`));
        });
        child.on("close", (code, signal) => {
            clearTimeout(timer);
            const result = { code: code ?? (signal ? 128 : 1), stdout, stderr };
            if (result.code !== 0 && !opts.allowFailure) {
                reject(new CommandError(command, result));
            } else {
                resolve(result);
            }
        });
        // A command that exits without reading its input closes the pipe: not an error of ours.
        child.stdin!.on("error", () => undefined);
        child.stdin!.end(opts.input ?? "");
    });
}

/** Seconds since `start` (a `performance.now()` reading), to one decimal. */
export function secondsSince(start: number): number {
    return Math.round((performance.now() - start) / 100) / 10;
}

/**
 * Polls `probe` until it returns a value other than `undefined`, and returns
 * that value. Throws after `timeoutMs`, naming what was awaited and the last
 * state seen, so a failure says what never happened.
 */
export async function waitFor<T>(
    what: string,
    probe: () => Promise<T | undefined>,
    { timeoutMs = 120_000, intervalMs = 250 } = {},
): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    let last: unknown = "(never probed)";
    for (;;) {
        try {
            const value = await probe();
            if (value !== undefined) {
                return value;
            }
            last = "(not yet)";
        } catch (err) {
            last = (err as Error).message;
        }
        if (performance.now() > deadline) {
            throw new Error(
                `timed out after ${timeoutMs / 1000} s waiting for ${what}; last: ${String(last)}`,
            );
        }
        await new Promise((r) => setTimeout(r, intervalMs));
    }
}
