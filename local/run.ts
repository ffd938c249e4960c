/**
 * The process-running part of `npm run local:up|local:env|local:down`: the
 * toolchain, the build, the KWOK cluster (e2e/cluster.ts) and the Pulumi CLI
 * (e2e/pulumi.ts). The decisions are in local/plan.ts.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { clusterKubeconfig, DEFAULT_NODES, deleteCluster, startCluster } from "../e2e/cluster";
import { condition, Kube, KubeObject } from "../e2e/kube";
import { exec } from "../e2e/proc";
import { PulumiCli, pulumiPathFirst, pulumiVariables, StackRef, summary } from "../e2e/pulumi";
import { findToolchain, Toolchain, TOOLCHAIN_DIR } from "../e2e/toolchain";
import { assertFreshBuild } from "../program/buildStamp";
import { isAlive, readLocks, sortLocks } from "../recover/locks";
import { PROJECT_ROOT } from "../program/stackFiles";
import {
    LOCAL_PASSPHRASE,
    LocalPaths,
    planCluster,
    planDown,
    shellExports,
    STACK,
    summaryMessage,
} from "./plan";

/** A refusal with a message for the user and nothing half-done. */
export class LocalError extends Error {}

const log = (line: string) => console.log(`local: ${line}`);

/** Set on Ctrl-C (local/cli.ts): the running step finishes or stops, and no further step starts. */
export const interruption = { requested: false };

function checkpoint(): void {
    if (interruption.requested) {
        throw new LocalError(
            "interrupted: no further step was started. npm run local:up resumes; npm run local:down removes what is there.",
        );
    }
}

/** `local:env`: the exports for the cluster at `paths`, on stdout. */
export async function printEnv(paths: LocalPaths): Promise<void> {
    if (!fs.existsSync(clusterKubeconfig(paths.clusterDir))) {
        throw new LocalError(
            `nothing is up at ${paths.stateDir} (no kubeconfig); run npm run local:up first`,
        );
    }
    const binDir = (
        await exec("bash", [path.join(TOOLCHAIN_DIR, "build.sh"), "--bin-dir"])
    ).stdout.trim();
    process.stdout.write(
        shellExports(
            pulumiPathFirst(binDir),
            pulumiVariables(paths.pulumiDir, clusterKubeconfig(paths.clusterDir), LOCAL_PASSPHRASE),
        ),
    );
}

/** What every command works with: the toolchain, the cluster's kubeconfig, the CLI and the stack. */
interface Session {
    toolchain: Toolchain;
    kubeconfig: string;
    kube: Kube;
    pulumi: PulumiCli;
    /** The stack in the project copy, for commands that read the state. */
    project: StackRef;
    /** The stack in the checkout, with its config file in the state directory, for up and destroy. */
    stack: StackRef;
    stackExists: boolean;
}

async function openSession(paths: LocalPaths): Promise<Session> {
    const toolchain = await ensureToolchain();
    const kubeconfig = clusterKubeconfig(paths.clusterDir);
    const pulumi = await PulumiCli.create(toolchain, paths.pulumiDir, kubeconfig, LOCAL_PASSPHRASE);
    const project: StackRef = { cwd: projectCopy(paths), stack: STACK };
    return {
        toolchain,
        kubeconfig,
        kube: new Kube(toolchain.bin("kubectl"), kubeconfig),
        pulumi,
        project,
        stack: { cwd: PROJECT_ROOT, stack: STACK, configFile: paths.configFile },
        stackExists: (await stackNames(pulumi, project.cwd)).includes(STACK),
    };
}

/** Runs `pulumi <args>` on the local stack from the checkout, its output shown live. */
function pulumiOnStack(session: Session, args: string[], allowFailure = false) {
    return exec(
        session.toolchain.bin("pulumi"),
        session.pulumi.commandLine([...args, ...session.pulumi.stackArgs(session.stack)]),
        {
            cwd: PROJECT_ROOT,
            env: session.pulumi.env,
            echo: true,
            allowFailure,
            timeoutMs: 900_000,
        },
    );
}

/** `local:up`: toolchain, build, cluster, stack, `pulumi up`, then what it deployed. */
export async function up(paths: LocalPaths): Promise<void> {
    fs.mkdirSync(paths.stateDir, { recursive: true });
    const releasePid = claimPidFile(paths.pidFile);
    try {
        await ensureBuild();
        const session = await openSession(paths);
        await ensureCluster(paths, session);
        checkpoint();
        await ensureStack(paths, session);
        checkpoint();
        log(
            `pulumi up --stack ${STACK} (config: Pulumi.${STACK}.yaml, kubeconfig: ${session.kubeconfig})`,
        );
        const result = await pulumiOnStack(session, ["up", "--yes"], true);
        checkpoint();
        if (result.code !== 0) {
            throw new LocalError(
                `pulumi up failed (exit ${result.code}; its output is above). The cluster is still running: fix the cause and run npm run local:up again, or npm run local:down.`,
            );
        }
        const outputs = await session.pulumi.outputs(session.project);
        console.log(summaryMessage(outputs, paths, summary(result.stdout)));
    } finally {
        releasePid();
    }
}

/** Reuses a running cluster, or starts one, deleting first one that is there but unusable. */
async function ensureCluster(paths: LocalPaths, session: Session): Promise<void> {
    const { kube, pulumi, project, toolchain } = session;
    const plan = planCluster({
        onDisk:
            fs.existsSync(session.kubeconfig) ||
            fs.existsSync(path.join(paths.clusterDir, "kwok", "clusters", paths.name)),
        apiAnswers: await apiAnswers(kube),
        readyNodes: await readyNodes(kube),
        expectedNodes: DEFAULT_NODES.length,
        pendingOperations: session.stackExists ? await pendingOperations(pulumi, project) : 0,
        stackWithoutConfigFile: session.stackExists && !fs.existsSync(paths.configFile),
    });
    checkpoint();
    if (plan.action === "reuse") {
        log(
            `the cluster "${paths.name}" is running (API server answers, ${DEFAULT_NODES.length} nodes Ready): reusing it`,
        );
        return;
    }
    if (plan.action === "recreate") {
        log(`the cluster "${paths.name}" is there but unusable: ${plan.reason}.`);
        log("deleting it and the local stack's state, then starting afresh");
        await deleteCluster({ name: paths.name, workDir: paths.clusterDir, toolchain });
        for (const p of [paths.clusterDir, path.join(paths.pulumiDir, "state"), paths.configFile]) {
            fs.rmSync(p, { recursive: true, force: true });
        }
        fs.mkdirSync(path.join(paths.pulumiDir, "state"));
        session.stackExists = false;
    }
    log(
        `starting the KWOK cluster "${paths.name}" (binary runtime, 127.0.0.1 only) in ${paths.clusterDir}`,
    );
    const cluster = await startCluster({ name: paths.name, workDir: paths.clusterDir, toolchain });
    log(`cluster up in ${cluster.startSeconds} s`);
}

/** Creates the stack on first use; sets its config from the checkout's Pulumi.local.yaml. */
async function ensureStack(paths: LocalPaths, session: Session): Promise<void> {
    const config = repositoryStackConfig();
    if (!session.stackExists) {
        log(`creating the stack "${STACK}" on the file backend in ${paths.pulumiDir}/state`);
        await session.pulumi.init({ ...session.project, configFile: paths.configFile }, config);
    } else {
        session.pulumi.setConfig(session.stack, config);
    }
    removeStaleLocks(paths);
}

/** `local:down`: destroy the stack, delete the cluster, remove the state directory. */
export async function down(paths: LocalPaths): Promise<void> {
    if (!fs.existsSync(paths.stateDir)) {
        log(`nothing is up: there is no ${paths.stateDir}`);
        return;
    }
    const releasePid = claimPidFile(paths.pidFile);
    try {
        const session = await openSession(paths);
        const plan = planDown({
            stateDirExists: true,
            apiAnswers: await apiAnswers(session.kube),
            stackResources: session.stackExists
                ? (await session.pulumi.resourceUrns(session.project)).length
                : 0,
        });
        if (plan.action === "down") {
            if (plan.note) log(plan.note);
            if (plan.destroy) {
                removeStaleLocks(paths);
                log(`pulumi destroy --stack ${STACK}`);
                await pulumiOnStack(session, ["destroy", "--yes", "--skip-preview"]);
            }
            log(`deleting the KWOK cluster "${paths.name}" and its processes`);
            const { toolchain } = session;
            await deleteCluster({ name: paths.name, workDir: paths.clusterDir, toolchain });
        }
    } finally {
        releasePid();
    }
    fs.rmSync(paths.stateDir, { recursive: true, force: true });
    log(`removed ${paths.stateDir}; nothing of the local cluster is left`);
}

/** The toolchain, built first if it is missing or stale (the build script says why it can't). */
async function ensureToolchain(): Promise<Toolchain> {
    let found = await findToolchain();
    if ("missing" in found) {
        log(`${found.missing}`);
        log(
            "building it: bash e2e/toolchain/build.sh (about 20 minutes with empty Go caches, seconds with warm ones)",
        );
        const build = await exec("bash", [path.join(TOOLCHAIN_DIR, "build.sh")], {
            echo: true,
            allowFailure: true,
            timeoutMs: 3 * 3600_000,
        });
        if (build.code !== 0) {
            throw new LocalError(
                `the toolchain could not be built (exit ${build.code}; see above). Nothing was started.`,
            );
        }
        found = await findToolchain();
        if ("missing" in found) throw new LocalError(found.missing);
    }
    return found;
}

/** `npm run build` when bin/ is missing or older than the sources. */
async function ensureBuild(): Promise<void> {
    try {
        assertFreshBuild(PROJECT_ROOT, path.join(PROJECT_ROOT, "bin"));
    } catch (err) {
        log(`${(err as Error).message.split(". ")[0]}: building`);
        const r = await exec("npm", ["run", "build"], {
            cwd: PROJECT_ROOT,
            echo: true,
            allowFailure: true,
        });
        if (r.code !== 0) {
            throw new LocalError("npm run build failed (see above). Nothing was started.");
        }
    }
}

/** The repository's Pulumi.local.yaml config: what the local stack deploys. */
function repositoryStackConfig(): Record<string, unknown> {
    const file = path.join(PROJECT_ROOT, `Pulumi.${STACK}.yaml`);
    const doc = YAML.parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
    return doc.config ?? {};
}

/**
 * A directory with a copy of Pulumi.yaml alone: `stack init` there writes its
 * stack file there, never into the checkout (whose Pulumi.local.yaml stays as
 * committed), and stack commands there read no stack file of the checkout.
 */
function projectCopy(paths: LocalPaths): string {
    fs.mkdirSync(paths.projectDir, { recursive: true });
    fs.copyFileSync(
        path.join(PROJECT_ROOT, "Pulumi.yaml"),
        path.join(paths.projectDir, "Pulumi.yaml"),
    );
    return paths.projectDir;
}

async function stackNames(pulumi: PulumiCli, cwd: string): Promise<string[]> {
    const r = await pulumi.run(cwd, ["stack", "ls", "--json"]);
    return (JSON.parse(r.stdout) as { name: string }[]).map((s) => s.name);
}

async function pendingOperations(pulumi: PulumiCli, project: StackRef): Promise<number> {
    const r = await pulumi.run(project.cwd, ["stack", "export", "--stack", project.stack]);
    const doc = JSON.parse(r.stdout) as { deployment?: { pending_operations?: unknown[] } };
    return doc.deployment?.pending_operations?.length ?? 0;
}

/** Whether the API server answers /readyz; three tries, so a busy moment doesn't condemn a cluster. */
async function apiAnswers(kube: Kube): Promise<boolean> {
    if (!fs.existsSync(kube.kubeconfig)) return false;
    for (let attempt = 1; attempt <= 3; attempt++) {
        const r = await kube.attempt(["--request-timeout=5s", "get", "--raw", "/readyz"], {
            timeoutMs: 15_000,
        });
        if (r.code === 0) return true;
        if (attempt < 3) await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    return false;
}

async function readyNodes(kube: Kube): Promise<number> {
    if (!fs.existsSync(kube.kubeconfig)) return 0;
    const r = await kube.attempt(["--request-timeout=5s", "get", "nodes", "-o", "json"], {
        timeoutMs: 15_000,
    });
    if (r.code !== 0) return 0;
    const nodes = (JSON.parse(r.stdout) as { items: KubeObject[] }).items;
    return nodes.filter((n) => condition(n, "Ready") === "True").length;
}

/**
 * Takes the pid file, or refuses when another live `local:up`/`local:down`
 * holds it. Returns its release.
 */
function claimPidFile(file: string): () => void {
    const held = fs.existsSync(file) ? Number(fs.readFileSync(file, "utf8").trim()) : NaN;
    if (Number.isInteger(held) && held !== process.pid && isAlive(held)) {
        throw new LocalError(
            `another local:up or local:down (pid ${held}) is at work on this cluster; wait for it to finish`,
        );
    }
    fs.writeFileSync(file, `${process.pid}\n`);
    return () => fs.rmSync(file, { force: true });
}

/**
 * Removes the file backend's locks on the stack left by a `pulumi` that was
 * killed (its pid is gone on this host); refuses when a live one holds it.
 */
function removeStaleLocks(paths: LocalPaths): void {
    const project = (
        YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8")) as {
            name: string;
        }
    ).name;
    const locks = readLocks(path.join(paths.pulumiDir, "state"), project, STACK);
    const { stale, live } = sortLocks(locks, os.hostname(), isAlive);
    for (const l of stale) {
        log(`removing a stale lock on the stack (pid ${l.pid} is gone): ${l.file}`);
        fs.rmSync(l.file);
    }
    if (live.length > 0) {
        throw new LocalError(
            `the stack "${STACK}" is locked by a running pulumi (${live.map((l) => `pid ${l.pid} on ${l.host}`).join(", ")}); wait for it to finish`,
        );
    }
}
