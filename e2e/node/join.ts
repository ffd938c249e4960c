import * as fs from "fs";
import * as path from "path";
import { Cluster } from "../cluster";
import { Toolchain } from "../toolchain";
import { machineFacts, unavailableReason } from "./capability";
import { defaultPlan } from "./plan";
import { RealNode, startRealNode } from "./realNode";
import { nodeProcesses } from "./snapshot";

/**
 * Joins a real node to a KWOK cluster that e2e/cluster.ts started, when this
 * machine can run one: the decision, the cluster's CA and a self-contained
 * kubeconfig, then {@link startRealNode}.
 */

/** Why no real node can run here, or undefined (capability.ts). */
export function realNodeUnavailable(toolchain: Toolchain): string | undefined {
    const [pid, name] = Object.entries(nodeProcesses())[0] ?? [];
    return unavailableReason(machineFacts(toolchain, pid ? `${name} (pid ${pid})` : undefined));
}

/** The CA kwokctl made for the cluster: the kubelet trusts client certificates it signed. */
export function clusterCaFile(cluster: Cluster): string {
    return path.join(cluster.workDir, "kwok", "clusters", cluster.name, "pki", "ca.crt");
}

/** Starts a real node under `workDir` and joins it to `cluster`. */
export async function joinRealNode(
    cluster: Cluster,
    toolchain: Toolchain,
    workDir: string,
): Promise<RealNode> {
    fs.mkdirSync(workDir, { recursive: true });
    const kubeconfig = path.join(workDir, "kubeconfig");
    const flat = await cluster.kube.run(["config", "view", "--raw", "--minify", "--flatten"]);
    fs.writeFileSync(kubeconfig, flat, { mode: 0o600 });
    return startRealNode({
        plan: defaultPlan(workDir),
        toolchain,
        kube: cluster.kube,
        kubeconfig,
        caFile: clusterCaFile(cluster),
    });
}
