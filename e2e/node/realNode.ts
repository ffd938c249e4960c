import * as fs from "fs";
import * as path from "path";
import { condition, Kube } from "../kube";
import { waitFor } from "../proc";
import { Toolchain } from "../toolchain";
import {
    containerdConfig,
    cniConfig,
    kubeletArgs,
    kubeletConfig,
    kubeProxyConfig,
} from "./configs";
import { Daemon, logTail, startDaemon } from "./daemon";
import { dnsObjects } from "./dns";
import { GuardCounts } from "./guard";
import { guardCounters, prepareHost, restoreHost } from "./host";
import { buildPause, IMAGES, writeImages } from "./images";
import { NodePlan, nodePaths } from "./plan";
import { captureHost } from "./snapshot";
import { HostChange, HostSnapshot } from "./snapshotDiff";
import { ctrOf as ctr, stopNode } from "./stop";

/**
 * A real node joined to a running control plane: containerd, the kubelet
 * and kube-proxy on this machine, with CNI bridge networking, locally built
 * images, the cluster DNS, and the egress guard installed before the first
 * pod. Linux and root only (capability.ts says why not elsewhere).
 */

/** What {@link startRealNode} needs. */
export interface RealNodeOptions {
    plan: NodePlan;
    toolchain: Toolchain;
    /** kubectl on the cluster to join. */
    kube: Kube;
    /** A kubeconfig with everything embedded, for the kubelet, kube-proxy and CoreDNS. */
    kubeconfig: string;
    /** The cluster CA's certificate: the kubelet trusts client certificates it signed. */
    caFile: string;
}

/** How the node was left: what still differs from the host before it, and the guard's last counts. */
export interface NodeTeardown {
    /** Empty when the host is exactly as it was. */
    changes: HostChange[];
    /** The egress guard's counters just before it was removed (undefined if it never was installed). */
    guard?: GuardCounts;
}

/** A running real node. */
export interface RealNode {
    plan: NodePlan;
    /** The host before the node started. */
    before: HostSnapshot;
    /** The node's processes. */
    daemons: Daemon[];
    /** The guard's counters now. */
    guardCounters(): Promise<GuardCounts>;
    /** Stops everything and restores the host; safe to call twice (the second is a no-op). */
    stop(): Promise<NodeTeardown>;
}

function writeConfigs(opts: RealNodeOptions): void {
    const { plan } = opts;
    const p = nodePaths(plan);
    for (const dir of [
        p.cniConfDir,
        p.cniIpamDir,
        p.containerdCerts,
        p.kubeletRoot,
        p.podLogs,
        p.logs,
    ]) {
        fs.mkdirSync(dir, { recursive: true });
    }
    fs.mkdirSync(path.dirname(p.kubeProxyConfig), { recursive: true });
    fs.writeFileSync(p.containerdConfig, containerdConfig(plan, IMAGES.pause));
    fs.writeFileSync(path.join(p.cniConfDir, "10-orchestration-e2e.conflist"), cniConfig(plan));
    fs.writeFileSync(p.kubeletConfig, kubeletConfig(plan, opts.caFile));
    fs.writeFileSync(p.resolvConf, "");
    fs.writeFileSync(p.kubeProxyConfig, kubeProxyConfig(plan, opts.kubeconfig));
}

async function startContainerd(plan: NodePlan): Promise<Daemon> {
    const p = nodePaths(plan);
    // Every registry request goes to a closed local port: nothing is ever pulled off the machine.
    const env = {
        PATH: process.env.PATH,
        HTTP_PROXY: "http://127.0.0.1:9",
        HTTPS_PROXY: "http://127.0.0.1:9",
        NO_PROXY: "",
    };
    const d = startDaemon(
        "containerd",
        "containerd",
        ["--config", p.containerdConfig],
        p.logs,
        env,
    );
    await waitFor(
        "containerd to answer",
        async () => {
            if (!d.alive()) throw new Error(`containerd exited:\n${logTail(d)}`);
            return (await ctr(plan, ["version"])).code === 0 ? true : undefined;
        },
        { timeoutMs: 60_000 },
    );
    return d;
}

async function importImages(opts: RealNodeOptions): Promise<void> {
    const p = nodePaths(opts.plan);
    const pause = await buildPause(path.join(p.images, "pause"));
    const t = opts.toolchain;
    const files = await writeImages(
        { podinfo: t.bin("podinfo"), coredns: t.bin("coredns"), pause },
        p.images,
    );
    for (const file of files) {
        const r = await ctr(opts.plan, ["images", "import", file]);
        if (r.code !== 0) throw new Error(`ctr images import ${file} failed: ${r.stderr}`);
    }
}

async function startKubelet(opts: RealNodeOptions): Promise<Daemon> {
    const { plan, kube } = opts;
    const d = startDaemon(
        "kubelet",
        opts.toolchain.bin("kubelet"),
        kubeletArgs(plan, opts.kubeconfig),
        nodePaths(plan).logs,
    );
    await waitFor(
        `node ${plan.name} to be Ready`,
        async () => {
            if (!d.alive()) throw new Error(`the kubelet exited:\n${logTail(d)}`);
            const node = await kube.find("node", plan.name);
            return node && condition(node, "Ready") === "True" ? node : undefined;
        },
        { timeoutMs: 120_000 },
    );
    return d;
}

function startKubeProxy(opts: RealNodeOptions): Daemon {
    const p = nodePaths(opts.plan);
    return startDaemon(
        "kube-proxy",
        opts.toolchain.bin("kube-proxy"),
        [`--config=${p.kubeProxyConfig}`, "--v=1"],
        p.logs,
    );
}

async function startDns(opts: RealNodeOptions): Promise<void> {
    const dir = path.join(opts.plan.workDir, "dns");
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(opts.kubeconfig, path.join(dir, "kubeconfig"));
    await opts.kube.apply(dnsObjects(opts.plan, dir));
    await waitFor(
        "the cluster DNS (CoreDNS) to be Available",
        async () => {
            const d = await opts.kube.find("deployment", "coredns", "kube-system");
            return d && condition(d, "Available") === "True" ? d : undefined;
        },
        { timeoutMs: 120_000 },
    );
}

async function bringUp(opts: RealNodeOptions, daemons: Daemon[]): Promise<void> {
    await prepareHost(opts.plan);
    writeConfigs(opts);
    daemons.push(await startContainerd(opts.plan));
    await importImages(opts);
    daemons.push(await startKubelet(opts));
    daemons.push(startKubeProxy(opts));
    await startDns(opts);
}

/**
 * Starts the node: the host snapshot, the guard and node address, containerd
 * with the images imported, the kubelet (until the Node is Ready), kube-proxy
 * and CoreDNS. A failed start stops what started and restores the host.
 */
export async function startRealNode(opts: RealNodeOptions): Promise<RealNode> {
    const before = await captureHost();
    const daemons: Daemon[] = [];
    let stopped: Promise<NodeTeardown> | undefined;
    const node: RealNode = {
        plan: opts.plan,
        before,
        daemons,
        guardCounters: () => guardCounters(opts.plan),
        stop: () => (stopped ??= tearDown(opts, node)),
    };
    try {
        await bringUp(opts, daemons);
    } catch (err) {
        const left = await node.stop();
        const detail = left.changes.length
            ? ` (and ${left.changes.length} host changes remain)`
            : "";
        throw new Error(`the real node did not start${detail}: ${(err as Error).message}`);
    }
    return node;
}

async function tearDown(opts: RealNodeOptions, node: RealNode): Promise<NodeTeardown> {
    const guard = await guardCounters(opts.plan).catch(() => undefined);
    await stopNode(opts, node.daemons);
    const changes = await restoreHost(opts.plan, node.before);
    return { changes, guard };
}
