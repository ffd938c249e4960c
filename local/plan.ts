/**
 * The pure part of `npm run local:up|local:env|local:down`: the arguments,
 * where the local cluster keeps its state, the shell exports, and what to do
 * from what was found on disk and in the cluster. No process runs here;
 * local/run.ts does the running.
 */
import * as path from "path";

/** The commands, as the npm scripts name them. */
export type Command = "up" | "env" | "down";

export const USAGE = `usage: npm run local:up | npm run -s local:env | npm run local:down

  local:up    start a local KWOK cluster (simulated nodes) and pulumi up the local stack on it;
              run again to update (no changes if nothing changed)
  local:env   print shell exports for it: eval "$(npm run -s local:env)"
  local:down  pulumi destroy, delete the cluster and its state directory

Environment: ORCHESTRATION_LOCAL_DIR (state directory, default ~/.cache/orchestration-local),
ORCHESTRATION_LOCAL_NAME (cluster name, default orchestration-local). See docs/local-cluster.md.`;

/** The command, or why the arguments are refused. */
export function parseArgs(argv: string[]): { command: Command } | { error: string } {
    const [command, ...rest] = argv;
    if (command !== "up" && command !== "env" && command !== "down") {
        return { error: command ? `unknown command "${command}"` : "no command" };
    }
    if (rest.length > 0) {
        return { error: `local:${command} takes no arguments; got ${JSON.stringify(rest)}` };
    }
    return { command };
}

/** The stack `local:up` deploys: the repository's `local` stack (Pulumi.local.yaml). */
export const STACK = "local";

/**
 * The secrets passphrase of the local stack. It is fixed and public: the state
 * lives only on this machine and the program stores no secret. Never use it
 * for a stack that holds one.
 */
export const LOCAL_PASSPHRASE = "orchestration-local-not-secret";

/** Where one local cluster lives. */
export interface LocalPaths {
    name: string;
    /** The ORCHESTRATION_LOCAL_* settings to repeat before a printed command (`K=v `), or "". */
    overrides: string;
    /** Everything below: remove it and nothing of the cluster is left. */
    stateDir: string;
    /** The cluster's work dir for e2e/cluster.ts: kubeconfig, KWOK's state, logs. */
    clusterDir: string;
    /** The Pulumi work dir: `state/` (the file backend) and `pulumi-home/`. */
    pulumiDir: string;
    /** The stack's config file, outside the checkout (its secrets salt lives here). */
    configFile: string;
    /** A copy of Pulumi.yaml alone, to run stack commands that must not touch the checkout's stack files. */
    projectDir: string;
    /** Holds the pid of a running `local:up`, so that two don't run at once. */
    pidFile: string;
}

/** A cluster name kwokctl, kubeconfig contexts and process names all accept. */
const NAME = /^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/;

/** The paths, from ORCHESTRATION_LOCAL_DIR / ORCHESTRATION_LOCAL_NAME or their defaults. */
export function localPaths(env: NodeJS.ProcessEnv, home: string): LocalPaths | { error: string } {
    const name = env.ORCHESTRATION_LOCAL_NAME || "orchestration-local";
    if (!NAME.test(name)) {
        return {
            error: `ORCHESTRATION_LOCAL_NAME ("${name}") must be lower-case letters, digits and '-', at most 40, starting and ending with a letter or digit`,
        };
    }
    const dir = env.ORCHESTRATION_LOCAL_DIR || path.join(home, ".cache", "orchestration-local");
    if (!path.isAbsolute(dir)) {
        return { error: `ORCHESTRATION_LOCAL_DIR ("${dir}") must be an absolute path` };
    }
    const stateDir = path.resolve(dir);
    const overrides = ["ORCHESTRATION_LOCAL_NAME", "ORCHESTRATION_LOCAL_DIR"]
        .filter((k) => env[k])
        .map((k) => `${k}=${shellQuote(env[k]!)} `)
        .join("");
    return {
        name,
        overrides,
        stateDir,
        clusterDir: path.join(stateDir, "cluster"),
        pulumiDir: stateDir,
        configFile: path.join(stateDir, `Pulumi.${STACK}.yaml`),
        projectDir: path.join(stateDir, "project"),
        pidFile: path.join(stateDir, "local-up.pid"),
    };
}

/** A value quoted for a POSIX shell: single quotes, with each `'` as `'\''`. */
export function shellQuote(value: string): string {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * `export` lines for a POSIX shell: `pathFirst` goes before the current
 * `$PATH`, then each variable in order.
 */
export function shellExports(pathFirst: string[], vars: Record<string, string>): string {
    const lines = [`export PATH=${shellQuote(pathFirst.join(path.delimiter))}:"$PATH"`];
    for (const [k, v] of Object.entries(vars)) {
        lines.push(`export ${k}=${shellQuote(v)}`);
    }
    return lines.join("\n") + "\n";
}

/** What `local:up` found of a cluster from an earlier run. */
export interface ClusterFindings {
    /** KWOK has state of the cluster, or its kubeconfig exists. */
    onDisk: boolean;
    /** The API server answered /readyz. */
    apiAnswers: boolean;
    readyNodes: number;
    expectedNodes: number;
    /** Operations the last `pulumi up` began and never finished (it was killed). */
    pendingOperations: number;
    /** The stack is in the backend but its config file (with its secrets salt) is gone. */
    stackWithoutConfigFile: boolean;
}

/** What `local:up` does with the cluster. */
export type ClusterPlan =
    | { action: "create" }
    | { action: "reuse" }
    /** Delete the cluster and the stack's state (they describe each other), then create. */
    | { action: "recreate"; reason: string };

export function planCluster(f: ClusterFindings): ClusterPlan {
    if (!f.onDisk) {
        return { action: "create" };
    }
    if (!f.apiAnswers) {
        return {
            action: "recreate",
            reason: "its API server doesn't answer (its processes died, or an earlier local:up was interrupted)",
        };
    }
    if (f.readyNodes !== f.expectedNodes) {
        return {
            action: "recreate",
            reason: `it has ${f.readyNodes} Ready nodes, not ${f.expectedNodes} (an earlier local:up was interrupted while it started)`,
        };
    }
    if (f.pendingOperations > 0) {
        return {
            action: "recreate",
            reason: `the last pulumi up was killed with ${f.pendingOperations} operation(s) unfinished, so the stack's state no longer matches the cluster`,
        };
    }
    if (f.stackWithoutConfigFile) {
        return {
            action: "recreate",
            reason: "the local stack's config file (with its secrets salt) is gone",
        };
    }
    return { action: "reuse" };
}

/** What `local:down` found. */
export interface DownFindings {
    stateDirExists: boolean;
    apiAnswers: boolean;
    /** Resources in the stack's state (0 when there is no stack). */
    stackResources: number;
}

/** What `local:down` does: nothing at all, or these steps in order. */
export type DownPlan = { action: "nothing" } | { action: "down"; destroy: boolean; note?: string };

export function planDown(f: DownFindings): DownPlan {
    if (!f.stateDirExists) {
        return { action: "nothing" };
    }
    if (f.stackResources > 0 && !f.apiAnswers) {
        return {
            action: "down",
            destroy: false,
            note: "the API server doesn't answer, so pulumi destroy can't run; the objects go with the cluster",
        };
    }
    return { action: "down", destroy: f.stackResources > 0 };
}

/** A command that reaches a running process (logs, exec, port-forward, a request): none runs on KWOK nodes. */
const NEEDS_A_PROCESS = /\b(logs|exec|port-forward|wget|curl)\b/;

/** At most this many characters of an output's value in the summary; `pulumi stack output` shows all. */
const OUTPUT_WIDTH = 150;

/**
 * The closing message of `local:up`: what it deployed (the stack outputs, one
 * line each), the commands to look at it that work on KWOK, and what is
 * simulated. `changes` is the update's resource summary.
 */
export function summaryMessage(
    outputs: Record<string, unknown>,
    paths: LocalPaths,
    changes: Record<string, number>,
): string {
    const namespace = typeof outputs.namespace === "string" ? outputs.namespace : "apps";
    const kubectl = (outputs.kubectl ?? {}) as Record<string, string>;
    const works = Object.values(kubectl).filter((cmd) => !NEEDS_A_PROCESS.test(cmd));
    const omitted = Object.keys(kubectl).filter((k) => NEEDS_A_PROCESS.test(kubectl[k]));
    const changed = Object.entries(changes)
        .map(([op, n]) => `${n} ${op}`)
        .join(", ");
    const shown = Object.entries(outputs)
        .filter(([k]) => k !== "kubectl")
        .map(([k, v]) => `  ${k}: ${oneLine(v)}`);
    return [
        "",
        `local: the stack "${STACK}" is up on the KWOK cluster "${paths.name}" (${changed || "no resource summary"}).`,
        "",
        "What it deployed (stack outputs):",
        ...shown,
        "",
        "Look at it, from this directory:",
        `  eval "$(${paths.overrides}npm run -s local:env)"`,
        `  kubectl get deploy,pods,svc,hpa,pdb -n ${namespace} -o wide`,
        ...works.map((cmd) => `  ${cmd}`),
        `  pulumi stack output --stack ${STACK}`,
        "",
        "Real and simulated: etcd, the API server, the controller manager and the scheduler are",
        "real, and so are the objects the program made. The 3 nodes are simulated by KWOK: pods are",
        "scheduled, become Ready and are scaled by the HPAs, but no container process runs, so",
        "nothing answers a request: the proxyAddress port-forward and the outputs' " +
            (omitted.length > 0 ? `kubectl ${omitted.join("/")} commands` : "request commands"),
        "can't work here. A real node is issue 20's remaining work (docs/local-cluster.md).",
        "",
        `Update: edit Pulumi.${STACK}.yaml, then npm run local:up. Remove everything: npm run local:down.`,
        "",
    ].join("\n");
}

function oneLine(value: unknown): string {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    return text.length > OUTPUT_WIDTH ? `${text.slice(0, OUTPUT_WIDTH - 1)}…` : text;
}
