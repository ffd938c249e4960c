import { Kube } from "../kube";
import { exec, waitFor } from "../proc";
import { Toolchain } from "../toolchain";
import { commandLine, Daemon, processIds, stopPid } from "./daemon";
import { NodePlan, nodePaths } from "./plan";

/**
 * Stopping a real node in order: its pods through the API server (so the
 * kubelet tears their sandboxes and networks down), then kube-proxy (and its
 * rules), the kubelet, whatever containers remain, and containerd.
 */

/** What stopping needs. */
export interface StopOptions {
    plan: NodePlan;
    kube: Kube;
    toolchain: Toolchain;
}

async function drainPods(opts: StopOptions, kubelet?: Daemon): Promise<void> {
    const { kube, plan } = opts;
    const dns = ["deployment/coredns", "configmap/coredns", "service/kube-dns"];
    await kube.attempt(["delete", ...dns, "-n", "kube-system", "--wait=false"]);
    await kube.attempt(["cordon", plan.name]);
    const onNode = ["--all-namespaces", `--field-selector=spec.nodeName=${plan.name}`];
    await kube.attempt(["delete", "pods", ...onNode, "--grace-period=2", "--wait=false"]);
    if (!kubelet?.alive()) return;
    await waitFor(
        `the pods on ${plan.name} to be gone`,
        async () => {
            const r = await kube.attempt(["get", "pods", ...onNode, "-o", "name"]);
            return r.code === 0 && r.stdout.trim() === "" ? true : undefined;
        },
        { timeoutMs: 90_000 },
    ).catch((err: Error) => console.error(`real node: ${err.message}`));
}

/** `ctr` against the node's containerd, in the CRI's namespace; never throws. */
export function ctrOf(plan: NodePlan, args: string[]) {
    const sock = nodePaths(plan).containerdSocket;
    return exec("ctr", ["--address", sock, "--namespace", "k8s.io", ...args], {
        allowFailure: true,
    });
}

/** Kills and deletes whatever task containerd still runs (a pod the kubelet didn't stop). */
async function removeContainers(plan: NodePlan): Promise<void> {
    const ctr = (args: string[]) => ctrOf(plan, args);
    const tasks = (await ctr(["tasks", "ls", "-q"])).stdout.split("\n").filter(Boolean);
    for (const id of tasks) {
        await ctr(["tasks", "kill", "-s", "SIGKILL", id]);
        await ctr(["tasks", "delete", "-f", id]);
    }
    for (const id of (await ctr(["containers", "ls", "-q"])).stdout.split("\n").filter(Boolean)) {
        await ctr(["containers", "rm", id]);
    }
}

/** The containerd shims serving this node's containerd (by their `-address` argument). */
function shimPids(plan: NodePlan): number[] {
    const sock = nodePaths(plan).containerdSocket;
    return processIds().filter((pid) => {
        const line = commandLine(pid);
        return line.includes("containerd-shim") && line.includes(sock);
    });
}

/** Stops the node's processes and pods; the host's restoring follows (host.ts). */
export async function stopNode(opts: StopOptions, daemons: Daemon[]): Promise<void> {
    const byName = (n: string) => daemons.find((d) => d.name === n);
    await drainPods(opts, byName("kubelet"));
    await byName("kube-proxy")?.stop();
    await exec(opts.toolchain.bin("kube-proxy"), ["--cleanup"], { allowFailure: true });
    await byName("kubelet")?.stop();
    // After the kubelet: a running kubelet would register the Node again.
    await opts.kube.attempt(["delete", "node", opts.plan.name, "--wait=false"]);
    if (byName("containerd")?.alive()) await removeContainers(opts.plan);
    for (const pid of shimPids(opts.plan)) await stopPid(pid, 5_000);
    await byName("containerd")?.stop();
}
