/**
 * Interrupted and failed deploys, for real: `pulumi up` of the program's
 * local stack on the real control plane, interrupted at chosen points (a
 * signal to the engine, to its process group, to the program or the provider
 * plugin, the API server stopped, a second `up` at once). After each fault:
 * one recovery step (e2e/recovery.ts), a plain `pulumi up` that converges,
 * `pulumi preview --expect-no-changes`, and the orphan check: the objects
 * carrying the app's labels against `pulumi stack export`. The cases share one
 * stack in order; `after` destroys it and prints which recovery each needed.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { restartControlPlaneProcess, findControlPlaneProcess } from "../../e2e/apiServer";
import { Convergence, describeRecovery, recoverAndConverge } from "../../e2e/convergence";
import { describeStep } from "../../e2e/engineEventLog";
import { waitForStep } from "../../e2e/eventLog";
import {
    BackgroundUp,
    errorLines,
    findDescendant,
    PLUGIN_PROCESSES,
    settle,
    Settled,
    startUp,
} from "../../e2e/faults";
import { recordFigure } from "../../e2e/figures";
import { Kube } from "../../e2e/kube";
import { lockDir, readLocks, removeStaleLocks } from "../../e2e/locks";
import { showObject } from "../../e2e/orphans";
import { secondsSince, waitFor } from "../../e2e/proc";
import { PulumiCli, StackRef } from "../../e2e/pulumi";
import { RecoveryTarget, removeEmptyCheckpointAttrs } from "../../e2e/recovery";
import { parseExport, pendingOperationsOf } from "../../e2e/stackState";
import { PROJECT_ROOT } from "../../program/stackFiles";
import { requireE2e } from "./fixture";

const NAMESPACE = "faults";
const PROJECT = "orchestration";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
/** The shipped local stack's config, in a namespace of its own, with a minimum that makes PDBs. */
const BASE_CONFIG = {
    ...(YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.local.yaml"), "utf8"))
        .config as Record<string, unknown>),
    "orchestration:namespace": NAMESPACE,
    "orchestration:minReplicas": 2,
    "orchestration:maxReplicas": 4,
};
/** Two sets of images: switching between them rolls all three Deployments. */
const IMAGES = [
    {
        "orchestration:backendImage": "stefanprodan/podinfo:6.7.1",
        "orchestration:proxyImage": "nginxinc/nginx-unprivileged:1.28-alpine",
    },
    {
        "orchestration:backendImage": "stefanprodan/podinfo:6.7.0",
        "orchestration:proxyImage": "nginxinc/nginx-unprivileged:1.27-alpine",
    },
];

/** One row of the table `after` prints: a fault, how the `up` ended, and what recovery it needed. */
interface Row {
    fault: string;
    ended: string;
    leftovers: string;
    recovery: string;
    seconds: number;
}

describe("interrupted deploys recover with nothing lost (the program's stack on a real control plane)", function () {
    this.timeout(900_000);
    let kube: Kube;
    let pulumi: PulumiCli;
    let stack: StackRef;
    let dir: string;
    let kwokDir: string;
    let target: RecoveryTarget;
    let variant = 0;
    const rows: Row[] = [];

    before(async function () {
        const env = requireE2e(this);
        kube = env.cluster.kube;
        pulumi = env.pulumi;
        kwokDir = env.cluster.kwokDir;
        dir = fs.mkdtempSync(path.join(env.workDir, "faults-"));
        stack = {
            cwd: PROJECT_ROOT,
            stack: "faults",
            configFile: path.join(dir, "Pulumi.faults.yaml"),
        };
        await pulumi.init(stack, { ...BASE_CONFIG, ...IMAGES[variant] });
        target = { pulumi, stack, backendRoot: pulumi.backendRoot, project: PROJECT, kube };
    });

    after(async function () {
        // A case that failed may have left its killed up's lock; the destroy needs it gone.
        if (pulumi) {
            removeStaleLocks(lockDir(pulumi.backendRoot, PROJECT, stack.stack));
            removeEmptyCheckpointAttrs(pulumi.backendRoot, PROJECT, stack.stack);
        }
        await pulumi?.cleanUp(stack);
        const width = Math.max(0, ...rows.map((r) => r.fault.length));
        console.log(
            "\nfault cases (how the interrupted up ended; the recovery the next up needed):",
        );
        for (const r of rows) {
            console.log(`  ${r.fault.padEnd(width)}  ${r.ended}`);
            console.log(
                `  ${"".padEnd(width)}  leftovers: ${r.leftovers}; recovery: ${r.recovery} (${r.seconds} s)`,
            );
        }
    });

    /** The next set of images into the stack's config: the next `up` rolls every Deployment. */
    function switchImages(): void {
        variant = 1 - variant;
        pulumi.setConfig(stack, { ...BASE_CONFIG, ...IMAGES[variant] });
    }

    /** Starts an `up`, applies `fault` to it, and waits for the `up` to end. */
    async function interrupt(
        label: string,
        fault: (up: BackgroundUp) => Promise<void>,
    ): Promise<Settled> {
        const up = startUp(pulumi, stack, dir, label);
        try {
            await fault(up);
        } catch (err) {
            up.running.signalGroup("SIGKILL");
            throw err;
        }
        return settle(up.running, pulumi.env.PULUMI_HOME!);
    }

    /** Recovers, converges and checks, and records the case's row. */
    async function converge(fault: string, settled: Settled, start: number): Promise<Convergence> {
        const c = await recoverAndConverge(target);
        rows.push({
            fault,
            ended: `exit ${settled.code}${settled.signal ? ` (${settled.signal})` : ""}: ${errorLines(settled.stdout + settled.stderr).join(" | ") || "(no error line)"}`,
            leftovers: settled.leftovers.join(", ") || "none",
            recovery: describeRecovery(c.recovery),
            seconds: secondsSince(start),
        });
        recordFigure(`fault case: ${fault}`, secondsSince(start));
        assert.deepEqual(c.exportProblems, [], "the exported state is inconsistent");
        assert.equal(c.pendingAfter, 0, "pending operations are left after the converging up");
        assert.equal(c.locksAfter, 0, "a lock file is left after the converging up");
        assert.deepEqual(
            c.difference.orphans.map(showObject),
            [],
            "orphans: labelled objects the state doesn't hold",
        );
        assert.deepEqual(
            c.recovery.orphans,
            [],
            "npm run recover found objects with the stack's owner labels that its state doesn't hold",
        );
        assert.deepEqual(
            c.difference.lost.map(showObject),
            [],
            "lost: objects in the state the cluster doesn't hold",
        );
        return c;
    }

    /** The state's pending operations and lock files right after an interrupted `up`. */
    // A kill while the file backend writes the checkpoint's .attrs file can leave it empty,
    // and the CLI then can't load the state at all; that is reported as what was left.
    async function leftInState(): Promise<{ pending: string[]; locks: number }> {
        const locks = readLocks(lockDir(pulumi.backendRoot, PROJECT, stack.stack)).length;
        const r = await pulumi.run(stack.cwd, ["stack", "export", "--stack", stack.stack], true);
        if (r.code !== 0) {
            assert.match(r.stderr, /failed to load checkpoint: EOF/, r.stderr);
            return { pending: ["(the checkpoint does not load: an empty .attrs file)"], locks };
        }
        const exported = parseExport(r.stdout);
        return {
            pending: pendingOperationsOf(exported).map((p) => `${p.type} ${p.resource.urn}`),
            locks,
        };
    }

    it("SIGINT to the process group (Ctrl-C) as the first create starts: the engine cancels, leaves no pending operation and no lock, and the next up converges with no orphan", async function () {
        const start = performance.now();
        const settled = await interrupt("sigint-first-create", async (up) => {
            await waitForStep(up.eventLog, up.running, { op: "create" });
            up.running.signalGroup("SIGINT");
        });
        assert.notEqual(settled.code, 0, "the up ran to the end despite the SIGINT");
        assert.match(settled.stdout + settled.stderr, /cancel/i);
        assert.deepEqual(await leftInState(), { pending: [], locks: 0 });
        const c = await converge("SIGINT (process group) at the first create", settled, start);
        assert.ok((c.up.created ?? 0) > 0, "the converging up created nothing");
    });

    it("SIGINT to the engine alone while the Deployments roll out: the update is cancelled, leaves no pending operation and no lock, and the next up converges with no orphan", async function () {
        const start = performance.now();
        switchImages();
        const settled = await interrupt("sigint-rollout", async (up) => {
            await waitForStep(up.eventLog, up.running, { op: "update", type: DEPLOYMENT });
            up.running.signal("SIGINT");
        });
        assert.match(settled.stdout + settled.stderr, /cancel/i);
        assert.deepEqual(await leftInState(), { pending: [], locks: 0 });
        await converge("SIGINT (engine) during the rollout waits", settled, start);
    });

    it("SIGKILL of the program's Node.js process as the Deployments' updates start: the up fails, and the next up converges with no orphan", async function () {
        const start = performance.now();
        switchImages();
        let victim = "";
        const settled = await interrupt("kill-program", async (up) => {
            await waitForStep(up.eventLog, up.running, { op: "update", type: DEPLOYMENT });
            const p = await findDescendant(up.running, "program (node)", PLUGIN_PROCESSES.program);
            victim = `${p.pid} ${p.argv.slice(0, 2).join(" ")}`;
            process.kill(p.pid, "SIGKILL");
        });
        assert.notEqual(
            settled.code,
            0,
            `the up succeeded although its program (${victim}) was killed`,
        );
        await converge(
            "SIGKILL of the program (node) at the first Deployment update",
            settled,
            start,
        );
    });

    it("SIGKILL of the Kubernetes provider plugin as the Deployments' updates start: the up fails, and the next up converges with no orphan", async function () {
        const start = performance.now();
        switchImages();
        const settled = await interrupt("kill-provider", async (up) => {
            await waitForStep(up.eventLog, up.running, { op: "update", type: DEPLOYMENT });
            const p = await findDescendant(up.running, "provider", PLUGIN_PROCESSES.provider);
            process.kill(p.pid, "SIGKILL");
        });
        assert.notEqual(settled.code, 0, "the up succeeded although its provider was killed");
        await converge("SIGKILL of the provider at the first Deployment update", settled, start);
    });

    it("the API server stopped for 10 s as the Deployments' updates start (the rest of the control plane running): the up ends with a clear error or rides it out, and the next up converges with no orphan", async function () {
        const start = performance.now();
        switchImages();
        const others = ["kube-controller-manager", "kube-scheduler", "etcd", "kwok-controller"].map(
            (b) => ({
                b,
                pid: findControlPlaneProcess(kwokDir, b).pid,
            }),
        );
        const settled = await interrupt("apiserver-restart", async (up) => {
            await waitForStep(up.eventLog, up.running, { op: "update", type: DEPLOYMENT });
            const apiserver = findControlPlaneProcess(kwokDir, "kube-apiserver");
            await restartControlPlaneProcess(apiserver, kwokDir, 10_000);
        });
        await waitFor(
            "the API server to be ready again",
            async () =>
                (await kube.attempt(["get", "--raw", "/readyz"])).code === 0 ? true : undefined,
            { timeoutMs: 60_000 },
        );
        if (settled.code !== 0) {
            assert.ok(
                errorLines(settled.stdout + settled.stderr).length > 0,
                `the up failed with no error line:\n${settled.stdout}`,
            );
        }
        for (const o of others) {
            assert.equal(
                findControlPlaneProcess(kwokDir, o.b).pid,
                o.pid,
                `${o.b} did not keep running`,
            );
        }
        await converge(
            "API server down 10 s (SIGKILL, restart) at the first Deployment update",
            settled,
            start,
        );
    });

    it("two ups of the stack at once: the second is refused with the lock message, the first completes, and the state stays consistent", async function () {
        const start = performance.now();
        switchImages();
        const first = startUp(pulumi, stack, dir, "concurrent-first");
        let second: Settled;
        try {
            // The second starts once the first holds its lock, as a second user's would.
            const lockFiles = lockDir(pulumi.backendRoot, PROJECT, stack.stack);
            await waitFor(
                "the first up's lock file",
                () => Promise.resolve(readLocks(lockFiles).length > 0 ? true : undefined),
                { timeoutMs: 60_000, intervalMs: 20 },
            );
            second = await settle(
                startUp(pulumi, stack, dir, "concurrent-second").running,
                pulumi.env.PULUMI_HOME!,
            );
        } catch (err) {
            first.running.signalGroup("SIGKILL");
            throw err;
        }
        const firstSettled = await settle(first.running, pulumi.env.PULUMI_HOME!);
        assert.equal(
            firstSettled.code,
            0,
            `the first up failed:\n${firstSettled.stdout}\n${firstSettled.stderr}`,
        );
        assert.notEqual(second.code, 0, "the second up ran alongside the first");
        assert.match(second.stdout + second.stderr, /the stack is currently locked by 1 lock\(s\)/);
        await converge("two ups at once (the second refused)", second, start);
    });

    it("SIGKILL of the engine at a fixed time into the first up of an empty stack: its lock is left behind, and after the recovery the next up converges with no orphan", async function () {
        await pulumi.destroy(stack);
        const start = performance.now();
        const settled = await interrupt("sigkill-timed", async (up) => {
            await new Promise((r) => setTimeout(r, KILL_AFTER_MS));
            if (up.running.exited()) {
                const r = await up.running.result;
                assert.fail(
                    `the up ended within ${KILL_AFTER_MS} ms, before the kill (exit ${r.code}):\n${r.stdout}\n${r.stderr}`,
                );
            }
            up.running.signal("SIGKILL");
        });
        assert.equal(settled.signal, "SIGKILL");
        const left = await leftInState();
        assert.equal(left.locks, 1, "a SIGKILLed up left no lock file");
        await converge(
            `SIGKILL (engine) ${KILL_AFTER_MS / 1000} s into a first up`,
            settled,
            start,
        );
    });

    it("SIGKILL of the engine just after the first Deployment's create starts, on an empty stack: its lock is left behind, and after the recovery the next up converges with no orphan", async function () {
        await pulumi.destroy(stack);
        const start = performance.now();
        let step = "";
        const settled = await interrupt("sigkill-first-deployment", async (up) => {
            step = describeStep(
                await waitForStep(up.eventLog, up.running, { op: "create", type: DEPLOYMENT }),
            );
            // The engine announces a step before it records the pending create and sends the
            // request; a moment later both are done, and the create is in flight.
            await new Promise((r) => setTimeout(r, STEP_IN_FLIGHT_MS));
            up.running.signal("SIGKILL");
        });
        assert.equal(settled.signal, "SIGKILL", `the up wasn't killed at ${step}`);
        const left = await leftInState();
        assert.equal(left.locks, 1, "a SIGKILLed up left no lock file");
        await converge(
            `SIGKILL (engine) ${STEP_IN_FLIGHT_MS} ms after the first Deployment create starts`,
            settled,
            start,
        );
    });
});

/**
 * The timed kill, into the first up of an empty stack: after the CLI starts
 * and before the stack is whole. Services skip the provider's await, so on an
 * idle machine the whole first up takes under 3 s; at 1.2 s the kill lands
 * while the engine starts its plugins or among the first creates.
 */
const KILL_AFTER_MS = 1_200;
/** How long after a step is announced its request is surely sent. */
const STEP_IN_FLIGHT_MS = 250;
