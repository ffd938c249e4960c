import * as path from "path";
import type { Cluster } from "../../e2e/cluster";
import type { PulumiCli, StackRef } from "../../e2e/pulumi";
import type { Toolchain } from "../../e2e/toolchain";
import { waitDeployed, waitNamespaceGone } from "./cluster";
import { measure } from "./measure";
import type { Sample, Way } from "./results";
import { rssByKind } from "./rss";
import type { CaseFiles } from "./sources";

/**
 * The four ways to deploy a case, each timed from a fresh process to the
 * objects deployed, and each followed by a teardown that waits until the
 * namespace is gone, so the next way starts on an empty cluster.
 */

/** What every way needs: the cluster, the tools, the namespace the case deploys into. */
export interface Bench {
    cluster: Cluster;
    toolchain: Toolchain;
    cli: PulumiCli;
    namespace: string;
    /** Helm's environment: the cluster's kubeconfig, and its own cache, config and data directories. */
    helmEnv: NodeJS.ProcessEnv;
}

/** (a): `kubectl apply -R -f` of the manifests, then every Deployment rolled out and every Service with ready endpoints. */
export async function viaKubectl(b: Bench, files: CaseFiles): Promise<Sample> {
    const start = performance.now();
    await measure(
        b.toolchain.bin("kubectl"),
        ["--kubeconfig", b.cluster.kubeconfig, "apply", "-R", "-f", files.manifests],
        { env: process.env },
    );
    await waitDeployed(b.cluster.kube, b.namespace);
    const wallMs = performance.now() - start;
    await b.cluster.kube.run(["delete", "namespace", b.namespace, "--wait=false"]);
    await waitNamespaceGone(b.cluster.kube, b.namespace);
    return { wallMs };
}

/** (d): `helm install --wait` of the chart, then `helm uninstall --wait`. */
export async function viaHelm(b: Bench, files: CaseFiles): Promise<Sample> {
    const helm = b.toolchain.bin("helm");
    const release = "orchestration-bench";
    const r = await measure(helm, ["install", release, files.chart, "--wait", "--timeout", "10m"], {
        env: b.helmEnv,
    });
    await measure(helm, ["uninstall", release, "--wait", "--timeout", "10m"], { env: b.helmEnv });
    await waitNamespaceGone(b.cluster.kube, b.namespace);
    return { wallMs: r.wallMs };
}

async function pulumi(b: Bench, s: StackRef, args: string[]): Promise<Sample> {
    const r = await measure(
        b.toolchain.bin("pulumi"),
        b.cli.commandLine([...args, ...b.cli.stackArgs(s)]),
        {
            cwd: s.cwd,
            env: b.cli.env,
        },
    );
    return { wallMs: r.wallMs, rssKb: rssByKind(r.processes) };
}

/**
 * (b) or (c): `pulumi up` of the stack; with `noChange`, then a no-change
 * preview (each failing if anything would change), and for (b) a no-change
 * up; then `pulumi destroy`. Returns a sample per operation: `up` under `as`,
 * the preview as `preview` for (b) and `previewBare` for (c).
 */
export async function viaPulumi(
    b: Bench,
    s: StackRef,
    as: "pulumi" | "bare",
    noChange: boolean,
): Promise<Partial<Record<Way, Sample>>> {
    const samples: Partial<Record<Way, Sample>> = {};
    samples[as] = await pulumi(b, s, ["up", "--yes", "--skip-preview"]);
    if (noChange) {
        const preview = await pulumi(b, s, ["preview", "--expect-no-changes"]);
        samples[as === "pulumi" ? "preview" : "previewBare"] = preview;
    }
    if (noChange && as === "pulumi") {
        samples.upNoChange = await pulumi(b, s, [
            "up",
            "--yes",
            "--skip-preview",
            "--expect-no-changes",
        ]);
    }
    const destroy = await pulumi(b, s, ["destroy", "--yes", "--skip-preview"]);
    if (as === "pulumi") {
        samples.destroy = destroy;
    }
    await waitNamespaceGone(b.cluster.kube, b.namespace);
    return samples;
}

/** The floor (floorProgram.ts): `pulumi up`, then the measured no-change preview, then destroy. */
export async function viaFloor(b: Bench, s: StackRef): Promise<Sample> {
    await pulumi(b, s, ["up", "--yes", "--skip-preview"]);
    const preview = await pulumi(b, s, ["preview", "--expect-no-changes"]);
    await pulumi(b, s, ["destroy", "--yes", "--skip-preview"]);
    await waitNamespaceGone(b.cluster.kube, b.namespace);
    return preview;
}

/** The helm environment for a work directory: kubeconfig and isolated helm directories. */
export function helmEnv(workDir: string, kubeconfig: string): NodeJS.ProcessEnv {
    return {
        ...process.env,
        KUBECONFIG: kubeconfig,
        HELM_CACHE_HOME: path.join(workDir, "helm", "cache"),
        HELM_CONFIG_HOME: path.join(workDir, "helm", "config"),
        HELM_DATA_HOME: path.join(workDir, "helm", "data"),
    };
}
