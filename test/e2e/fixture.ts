/**
 * The e2e suite's one cluster and one Pulumi CLI, shared by every e2e test
 * file: mocha's global setup starts them, its global teardown deletes the
 * cluster even when a test failed, and prints the figures the run measured.
 *
 * Where the machine allows it (Linux, root, the node runtime installed), the
 * setup also joins one real node to the cluster (e2e/node); under CI=true it
 * must. A root after-all hook stops it and fails the run if the host differs
 * from its snapshot before the node, or if the egress guard dropped a packet:
 * it runs even when a test failed (mocha ignores a global teardown's errors).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Cluster, startCluster } from "../../e2e/cluster";
import { recordFigure, writeFigures } from "../../e2e/figures";
import { joinRealNode, realNodeUnavailable } from "../../e2e/node/join";
import { RealNode } from "../../e2e/node/realNode";
import { describeChanges } from "../../e2e/node/snapshotDiff";
import { secondsSince } from "../../e2e/proc";
import { PulumiCli } from "../../e2e/pulumi";
import { findToolchain, Toolchain } from "../../e2e/toolchain";

/** What the e2e tests share; `skipReason` is set when they can't run here. */
export const e2e: {
    toolchain?: Toolchain;
    cluster?: Cluster;
    pulumi?: PulumiCli;
    workDir?: string;
    skipReason?: string;
    /** The real node, when this machine runs one. */
    node?: RealNode;
    /** Why there is no real node. */
    nodeSkipReason?: string;
} = {};

/**
 * The shared cluster and CLI, or a skip of the calling suite when the
 * toolchain is missing (outside CI; under CI=true the setup already failed).
 */
export function requireE2e(ctx: Mocha.Context): {
    cluster: Cluster;
    pulumi: PulumiCli;
    toolchain: Toolchain;
    workDir: string;
} {
    if (!e2e.cluster || !e2e.pulumi || !e2e.toolchain || !e2e.workDir) {
        console.warn(`      (skipped: ${e2e.skipReason ?? "the e2e setup did not run"})`);
        ctx.skip();
    }
    return {
        cluster: e2e.cluster,
        pulumi: e2e.pulumi,
        toolchain: e2e.toolchain,
        workDir: e2e.workDir,
    };
}

/**
 * The shared cluster with its real node, or a skip of the calling suite that
 * says why this machine runs none (outside CI; under CI=true the setup failed).
 */
export function requireRealNode(ctx: Mocha.Context): ReturnType<typeof requireE2e> & {
    node: RealNode;
} {
    const env = requireE2e(ctx);
    if (!e2e.node) {
        console.warn(`      (skipped: ${e2e.nodeSkipReason ?? "no real node"})`);
        ctx.skip();
    }
    return { ...env, node: e2e.node };
}

/** Joins the real node when the machine allows it; under CI=true it must. */
async function startRealNodeIfAllowed(cluster: Cluster, toolchain: Toolchain, workDir: string) {
    const reason = realNodeUnavailable(toolchain);
    if (reason) {
        if (process.env.CI === "true") throw new Error(`CI requires the real node: ${reason}`);
        e2e.nodeSkipReason = reason;
        console.log(`e2e: no real node: ${reason}`);
        return;
    }
    const start = performance.now();
    e2e.node = await joinRealNode(cluster, toolchain, path.join(workDir, "node"));
    recordFigure("real node start (containerd, images, kubelet Ready, DNS)", secondsSince(start));
}

/** Stops the real node; fails the run if the host was left changed or the guard dropped packets. */
async function stopRealNode(): Promise<void> {
    const node = e2e.node;
    if (!node) return;
    e2e.node = undefined;
    const { changes, guard } = await node.stop();
    const problems: string[] = [];
    if (changes.length > 0) {
        problems.push(`the host differs from before the node:\n${describeChanges(changes)}`);
    }
    if (!guard || guard.pod_egress !== 0 || guard.range_egress !== 0) {
        problems.push(`the egress guard dropped packets (or was gone): ${JSON.stringify(guard)}`);
    }
    if (problems.length) throw new Error(`real node teardown: ${problems.join("\n")}`);
}

/** Root hooks: the real node stops after every test file, before the cluster goes. */
export const mochaHooks = { afterAll: stopRealNode };

export async function mochaGlobalSetup(): Promise<void> {
    const found = await findToolchain();
    if ("missing" in found) {
        if (process.env.CI === "true") {
            throw new Error(`CI requires the e2e toolchain: ${found.missing}`);
        }
        e2e.skipReason = `${found.missing}`;
        return;
    }
    e2e.toolchain = found;
    e2e.workDir = fs.mkdtempSync(path.join(os.tmpdir(), "orchestration-e2e-"));
    console.log(`e2e: work dir ${e2e.workDir}`);
    e2e.cluster = await startCluster({
        name: `e2e-${process.pid}`,
        workDir: path.join(e2e.workDir, "cluster"),
        toolchain: found,
    });
    recordFigure("cluster start (3 nodes, metrics API Available)", e2e.cluster.startSeconds);
    console.log(
        `e2e: KWOK cluster up in ${e2e.cluster.startSeconds} s (${e2e.cluster.kubeconfig})`,
    );
    e2e.pulumi = await PulumiCli.create(found, e2e.workDir, e2e.cluster.kubeconfig);
    await startRealNodeIfAllowed(e2e.cluster, found, e2e.workDir);
}

export async function mochaGlobalTeardown(): Promise<void> {
    try {
        await stopRealNode().catch((err: Error) => console.error(err.message));
        await e2e.cluster?.delete();
    } finally {
        writeFigures();
        if (e2e.workDir && process.env.E2E_KEEP !== "1") {
            fs.rmSync(e2e.workDir, { recursive: true, force: true });
        }
    }
}
