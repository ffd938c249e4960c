/**
 * The e2e suite's one cluster and one Pulumi CLI, shared by every e2e test
 * file: mocha's global setup starts them, its global teardown deletes the
 * cluster even when a test failed, and prints the figures the run measured.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Cluster, startCluster } from "../../e2e/cluster";
import { recordFigure, writeFigures } from "../../e2e/figures";
import { PulumiCli } from "../../e2e/pulumi";
import { findToolchain, Toolchain } from "../../e2e/toolchain";

/** What the e2e tests share; `skipReason` is set when they can't run here. */
export const e2e: {
    toolchain?: Toolchain;
    cluster?: Cluster;
    pulumi?: PulumiCli;
    workDir?: string;
    skipReason?: string;
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
}

export async function mochaGlobalTeardown(): Promise<void> {
    try {
        await e2e.cluster?.delete();
    } finally {
        writeFigures();
        if (e2e.workDir && process.env.E2E_KEEP !== "1") {
            fs.rmSync(e2e.workDir, { recursive: true, force: true });
        }
    }
}
