import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";

/**
 * Real nginx and podinfo processes on loopback for the proxy test: where to
 * find them, how to start them with everything in a temporary directory, and
 * how to stop them.
 */

/** Where `.ci/install-proxy-tools.sh` puts podinfo. */
export const PROXY_TOOLS_BIN = path.join(
    process.env.ORCHESTRATION_E2E_CACHE ?? path.join(os.homedir(), ".cache", "orchestration-e2e"),
    "proxy",
    "bin",
);

/** The first executable among `candidates`, or on PATH as `name`. */
export function findBinary(name: string, candidates: string[]): string | undefined {
    const onPath = (process.env.PATH ?? "")
        .split(path.delimiter)
        .filter(Boolean)
        .map((dir) => path.join(dir, name));
    return [...candidates, ...onPath].find((file) => {
        try {
            fs.accessSync(file, fs.constants.X_OK);
            return true;
        } catch {
            return false;
        }
    });
}

/** A TCP port that is free on `host` right now. */
export function freePort(host: string): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, host, () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

/** A response's status and body. */
export interface Reply {
    status: number;
    body: string;
}

/** One GET, with a short timeout; a refused connection rejects. */
export function get(url: string): Promise<Reply> {
    return new Promise((resolve, reject) => {
        const req = http.get(
            url,
            { headers: { accept: "application/json" }, timeout: 3000 },
            (res) => {
                let body = "";
                res.setEncoding("utf8");
                res.on("data", (chunk: string) => (body += chunk));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
            },
        );
        req.on("timeout", () => req.destroy(new Error(`GET ${url} timed out`)));
        req.on("error", reject);
    });
}

/** Polls `url` until `done` accepts a reply, or throws after `timeoutMs` with the last reply. */
export async function waitFor(
    url: string,
    done: (reply: Reply) => boolean,
    timeoutMs: number,
): Promise<Reply> {
    const deadline = Date.now() + timeoutMs;
    let last: Reply | Error = new Error("no reply yet");
    while (Date.now() < deadline) {
        try {
            last = await get(url);
            if (done(last)) {
                return last;
            }
        } catch (err) {
            last = err as Error;
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const detail = last instanceof Error ? last.message : `${last.status} ${last.body}`;
    throw new Error(`GET ${url} did not succeed within ${timeoutMs} ms; last: ${detail}`);
}

/** A process this test started. */
export class Started {
    private output = "";

    constructor(
        readonly name: string,
        readonly child: ChildProcess,
    ) {
        child.stdout?.on("data", (d: Buffer) => (this.output += d.toString()));
        child.stderr?.on("data", (d: Buffer) => (this.output += d.toString()));
    }

    /** What it printed so far, for failure messages. */
    get log(): string {
        return this.output;
    }

    /** Sends SIGTERM to this process (by its own PID) and waits for it to exit. */
    async stop(): Promise<void> {
        if (this.child.exitCode !== null || this.child.signalCode !== null) {
            return;
        }
        const exited = new Promise((resolve) => this.child.once("exit", resolve));
        this.child.kill("SIGTERM");
        await exited;
    }
}

/** Starts podinfo on `host:port` and waits until it is ready. */
export async function startPodinfo(
    bin: string,
    opts: { host: string; port: number; message: string; dataDir: string },
): Promise<Started> {
    fs.mkdirSync(opts.dataDir, { recursive: true });
    const args = [
        `--host=${opts.host}`,
        `--port=${opts.port}`,
        `--ui-message=${opts.message}`,
        `--data-path=${opts.dataDir}`,
        "--level=warn",
    ];
    const started = new Started(`podinfo ${opts.host}`, spawn(bin, args, { stdio: "pipe" }));
    await waitFor(`http://${opts.host}:${opts.port}/readyz`, (r) => r.status === 200, 15000).catch(
        (err: Error) => {
            throw new Error(`${err.message}\npodinfo output:\n${started.log}`);
        },
    );
    return started;
}

/**
 * The image's nginx.conf in miniature: one http block that includes conf.d,
 * with the pid file, logs and temp paths under `prefix`, so nginx runs without
 * root and touches nothing outside it.
 */
function mainConfig(prefix: string): string {
    const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map(
        (t) => `    ${t}_temp_path ${path.join(prefix, "temp", t)};`,
    );
    return [
        "worker_processes 1;",
        "daemon off;",
        `pid ${path.join(prefix, "nginx.pid")};`,
        `error_log ${path.join(prefix, "error.log")} info;`,
        "events { worker_connections 64; }",
        "http {",
        "    default_type application/octet-stream;",
        `    access_log ${path.join(prefix, "access.log")};`,
        ...temp,
        `    include ${path.join(prefix, "conf.d")}/*.conf;`,
        "}",
        "",
    ].join("\n");
}

/** Writes the config under `prefix`, checks it with `nginx -t`, starts nginx and waits for `readyUrl`. */
export async function startNginx(
    bin: string,
    prefix: string,
    defaultConf: string,
    readyUrl: string,
): Promise<Started> {
    for (const dir of ["conf.d", "temp"]) {
        fs.mkdirSync(path.join(prefix, dir), { recursive: true });
    }
    // Workers drop to an unprivileged user when the master runs as root.
    fs.chmodSync(prefix, 0o755);
    fs.writeFileSync(path.join(prefix, "conf.d", "default.conf"), defaultConf);
    const conf = path.join(prefix, "nginx.conf");
    fs.writeFileSync(conf, mainConfig(prefix));
    const flags = ["-p", prefix, "-c", conf, "-e", path.join(prefix, "error.log")];
    try {
        execFileSync(bin, [...flags, "-t", "-q"], { stdio: "pipe" });
    } catch (err) {
        const e = err as { stderr?: Buffer };
        throw new Error(`nginx -t rejected the config: ${e.stderr?.toString() ?? String(err)}`);
    }
    const started = new Started("nginx", spawn(bin, flags, { stdio: "pipe" }));
    await waitFor(readyUrl, (r) => r.status === 200, 10000).catch((err: Error) => {
        const log = fs.readFileSync(path.join(prefix, "error.log"), "utf8");
        throw new Error(`${err.message}\nnginx error.log:\n${log}`);
    });
    return started;
}
