import { spawn } from "child_process";
import { Completed } from "./proc";

/** A command running in the background, in a process group of its own. */
export interface Running {
    /** The command line, for messages. */
    command: string;
    pid: number;
    /** Resolves when it ends; a death by signal gives code 128 + the signal's number. */
    result: Promise<Completed & { signal?: NodeJS.Signals }>;
    /** Whether it has ended. */
    exited(): boolean;
    /** Sends `sig` to the command's own process only. */
    signal(sig: NodeJS.Signals): void;
    /**
     * Sends `sig` to its whole process group, as a terminal's Ctrl-C does; also
     * after the command itself ended, to reach what it left running. Returns
     * whether the group still had a process.
     */
    signalGroup(sig: NodeJS.Signals): boolean;
}

/** Options for {@link startBackground}. */
export interface BackgroundOptions {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    /** SIGKILL its process group after this many milliseconds. @default 600000 (10 minutes) */
    timeoutMs?: number;
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = {
    SIGINT: 2,
    SIGKILL: 9,
    SIGTERM: 15,
};

/**
 * Starts a command without a shell, as the leader of a new process group (so
 * a signal to the group reaches its children, and never this test process),
 * and collects its output. Its standard input is closed.
 */
export function startBackground(
    file: string,
    args: string[],
    opts: BackgroundOptions = {},
): Running {
    const command = [file, ...args].join(" ");
    const child = spawn(file, args, {
        cwd: opts.cwd,
        env: opts.env ?? process.env,
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
    });
    if (child.pid === undefined) {
        throw new Error(`\`${command}\` could not start`);
    }
    const pid = child.pid;
    let done = false;
    const signalGroup = (sig: NodeJS.Signals): boolean => {
        try {
            process.kill(-pid, sig);
            return true;
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code === "ESRCH") return false;
            throw err;
        }
    };
    const result = collect(child, command, opts.timeoutMs ?? 600_000, () => signalGroup("SIGKILL"));
    void result.then(() => (done = true));
    return {
        command,
        pid,
        result,
        exited: () => done,
        signal: (sig) => {
            if (!done) process.kill(pid, sig);
        },
        signalGroup,
    };
}

function collect(
    child: ReturnType<typeof spawn>,
    command: string,
    timeoutMs: number,
    kill: () => void,
): Running["result"] {
    return new Promise((resolve, reject) => {
        let stdout = "";
        let stderr = "";
        const timer = setTimeout(() => {
            stderr += `\n(killed after ${timeoutMs} ms)`;
            kill();
        }, timeoutMs);
        child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("error", (err) => {
            clearTimeout(timer);
            reject(new Error(`\`${command}\` failed: ${err.message}`));
        });
        child.on("close", (code, signal) => {
            clearTimeout(timer);
            const byNumber = signal ? 128 + (SIGNAL_NUMBERS[signal] ?? 0) : 1;
            resolve({ code: code ?? byNumber, stdout, stderr, signal: signal ?? undefined });
        });
    });
}
