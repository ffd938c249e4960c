import * as fs from "fs";
import * as path from "path";
import { condition, Kube, KubeObject } from "./kube";
import { exec, secondsSince, waitFor } from "./proc";
import { writeFaultStages } from "./stages";
import { Toolchain, VERSIONS } from "./toolchain";

/** One simulated node: a zone, and what it advertises to the scheduler. */
export interface NodeShape {
    name: string;
    zone: string;
}

/** What {@link startCluster} needs. */
export interface ClusterOptions {
    /** The kwokctl cluster name (also the kubeconfig context, as `kwok-<name>`). */
    name: string;
    /** A directory of its own: KWOK's work dir, the kubeconfig, the logs. */
    workDir: string;
    toolchain: Toolchain;
    /** The nodes. @default three nodes, one per zone (zone-a, zone-b, zone-c) */
    nodes?: NodeShape[];
}

/** What every simulated node advertises: enough for the app at its maximum size. */
export const NODE_CAPACITY = {
    cpu: "4",
    memory: "8Gi",
    pods: "110",
    // ScalableService requests ephemeral storage; a node without it fits no pod.
    "ephemeral-storage": "20Gi",
} as const;

/** The annotation that hands a node to KWOK's controller; nodes without it (a real node) it leaves alone. */
export const KWOK_NODE_ANNOTATION = "kwok.x-k8s.io/node";

/** The loopback address every node reports, so anything that dials a node stays on this machine. */
export const NODE_ADDRESS = "127.0.0.1";

/** A running KWOK cluster: a real etcd, API server, controller manager and scheduler, simulated nodes. */
export interface Cluster {
    name: string;
    /** The cluster's own directory (KWOK's work dir, the kubeconfig, the logs). */
    workDir: string;
    kubeconfig: string;
    kube: Kube;
    /** KWOK's work dir (KWOK_WORKDIR): the control plane's binaries, pid files and logs live under it. */
    kwokDir: string;
    nodes: NodeShape[];
    /** Seconds from `kwokctl create` to nodes Ready and the metrics API Available. */
    startSeconds: number;
    /** Deletes the cluster and its processes. Safe to call twice. */
    delete(): Promise<void>;
}

/** The nodes a cluster gets by default: three, one per zone. */
export const DEFAULT_NODES: NodeShape[] = ["a", "b", "c"].map((z, i) => ({
    name: `kwok-node-${i}`,
    zone: `zone-${z}`,
}));

/**
 * Starts a KWOK cluster with the binary runtime, bound to 127.0.0.1, with
 * metrics-server, and nodes that advertise {@link NODE_CAPACITY} at
 * {@link NODE_ADDRESS}. Resolves once the nodes are Ready and the metrics API
 * is Available (namespace deletion hangs while an aggregated API is down).
 */
export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
    const started = performance.now();
    const { toolchain, workDir, name } = opts;
    const nodes = opts.nodes ?? DEFAULT_NODES;
    fs.mkdirSync(workDir, { recursive: true });
    const kubeconfig = clusterKubeconfig(workDir);
    const kwokctl = (args: string[]) => runKwokctl(opts, args);
    const config = writeKwokctlConfig(workDir, toolchain);

    let created = false;
    const cluster: Cluster = {
        name,
        workDir,
        kubeconfig,
        kube: new Kube(toolchain.bin("kubectl"), kubeconfig),
        kwokDir: kwokWorkDir(workDir),
        nodes,
        startSeconds: 0,
        delete: async () => {
            if (created) {
                created = false;
                await deleteCluster(opts);
            }
        },
    };
    try {
        created = true;
        await kwokctl([
            "create",
            "cluster",
            "-c",
            config,
            "--kubeconfig",
            kubeconfig,
            "--wait",
            "3m",
        ]);
        await addNodes(cluster.kube, nodes);
        await waitForMetricsApi(cluster.kube);
    } catch (err) {
        await cluster.delete().catch(() => undefined);
        throw err;
    }
    cluster.startSeconds = secondsSince(started);
    return cluster;
}

/** The kubeconfig of the cluster whose work dir is `workDir`. */
export function clusterKubeconfig(workDir: string): string {
    return path.join(workDir, "kubeconfig");
}

/** KWOK's own work dir (KWOK_WORKDIR) for a cluster whose work dir is `workDir`. */
export function kwokWorkDir(workDir: string): string {
    return path.join(workDir, "kwok");
}

/** kwokctl on the cluster `name`, with KWOK's own state under `workDir`. */
function runKwokctl(opts: Pick<ClusterOptions, "name" | "workDir" | "toolchain">, args: string[]) {
    const env = { ...process.env, KWOK_WORKDIR: kwokWorkDir(opts.workDir) };
    return exec(opts.toolchain.bin("kwokctl"), [...args, "--name", opts.name], {
        env,
        timeoutMs: 300_000,
    });
}

/**
 * `kwokctl delete cluster`: stops the cluster's processes and removes KWOK's
 * state of it, also for a cluster another process started or whose processes
 * died. Deleting a cluster that isn't there succeeds.
 */
export async function deleteCluster(
    opts: Pick<ClusterOptions, "name" | "workDir" | "toolchain">,
): Promise<void> {
    await runKwokctl(opts, ["delete", "cluster"]);
}

function writeKwokctlConfig(workDir: string, toolchain: Toolchain): string {
    const manifests = path.join(
        toolchain.binDir,
        "metrics-server-manifests",
        "overlays",
        "release",
    );
    const lines = [
        "kind: KwokctlConfiguration",
        "apiVersion: config.kwok.x-k8s.io/v1alpha1",
        "options:",
        "  runtime: binary",
        `  bindAddress: ${NODE_ADDRESS}`,
        `  kubeVersion: ${VERSIONS.kubernetes.version}`,
        `  cacheDir: ${path.join(workDir, "cache")}`,
        `  kubeApiserverBinary: ${toolchain.bin("kube-apiserver")}`,
        `  kubeControllerManagerBinary: ${toolchain.bin("kube-controller-manager")}`,
        `  kubeSchedulerBinary: ${toolchain.bin("kube-scheduler")}`,
        `  kubectlBinary: ${toolchain.bin("kubectl")}`,
        `  etcdBinary: ${toolchain.bin("etcd")}`,
        `  kwokControllerBinary: ${toolchain.bin("kwok")}`,
        "  enableMetricsServer: true",
        `  metricsServerBinary: ${writeMetricsServerWrapper(workDir, toolchain)}`,
        `  metricsServerManifests: [${JSON.stringify(manifests)}]`,
        ...componentsPatches(workDir),
    ];
    const file = path.join(workDir, "kwokctl.yaml");
    fs.writeFileSync(file, lines.join("\n") + "\n");
    return file;
}

/**
 * What kwokctl changes in the components it starts:
 * - the kwok controller gets a second config, with stages for pods of
 *   FAULT_IMAGES only (the default stages stay), and manages only the nodes
 *   annotated as KWOK's, never a real node that joins;
 * - the controller manager and the scheduler run without leader election.
 *   With it (their default), an API server that is down longer than the renew
 *   deadline (10 s) makes them exit for good: on a real control plane the
 *   kubelet restarts them, but nothing supervises KWOK's binary runtime. Each
 *   runs as the only instance, so there is no other to elect; the fault suite
 *   stops the API server for 10 s and needs them to ride it out.
 */
function componentsPatches(workDir: string): string[] {
    return [
        "componentsPatches:",
        "  - name: kwok-controller",
        "    extraArgs:",
        "      - key: config",
        `        value: ${JSON.stringify(writeFaultStages(workDir))}`,
        // kwokctl's binary runtime has KWOK manage every node; a real node that joins
        // (e2e/node) must be left to its kubelet, so KWOK takes only the nodes it is given.
        "      - key: manage-all-nodes",
        "        value: 'false'",
        "        override: true",
        "      - key: manage-nodes-with-annotation-selector",
        `        value: '${KWOK_NODE_ANNOTATION}=fake'`,
        ...["kube-controller-manager", "kube-scheduler"].flatMap((name) => [
            `  - name: ${name}`,
            "    extraArgs:",
            "      - key: leader-elect",
            '        value: "false"',
        ]),
    ];
}

/**
 * kwokctl starts metrics-server before the API server is ready; it then exits
 * and nothing restarts it. This wrapper waits for /readyz first (and passes
 * `--version`, which kwokctl asks for, straight through).
 */
function writeMetricsServerWrapper(workDir: string, toolchain: Toolchain): string {
    const file = path.join(workDir, "metrics-server");
    const script = `#!/usr/bin/env bash
for a in "$@"; do
  case "$a" in
    --version) exec ${JSON.stringify(toolchain.bin("metrics-server"))} "$@" ;;
    --kubeconfig=*) kubeconfig="\${a#--kubeconfig=}" ;;
  esac
done
for _ in $(seq 1 600); do
  ${JSON.stringify(toolchain.bin("kubectl"))} --kubeconfig "$kubeconfig" get --raw /readyz >/dev/null 2>&1 && break
  sleep 0.2
done
exec ${JSON.stringify(toolchain.bin("metrics-server"))} "$@"
`;
    fs.writeFileSync(file, script, { mode: 0o755 });
    return file;
}

/** The Node objects KWOK takes over: labelled by zone, loopback-addressed, with ephemeral storage. */
export function nodeObjects(nodes: NodeShape[]): KubeObject[] {
    return nodes.map((n) => ({
        apiVersion: "v1",
        kind: "Node",
        metadata: {
            name: n.name,
            annotations: {
                [KWOK_NODE_ANNOTATION]: "fake",
                // All nodes share one address and port, so metrics-server asks kwok for each
                // node's resource metrics by path (metrics-server 0.7+ reads this annotation).
                "metrics.k8s.io/resource-metrics-path": `/metrics/nodes/${n.name}/metrics/resource`,
            },
            labels: {
                "kubernetes.io/hostname": n.name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "topology.kubernetes.io/zone": n.zone,
                type: "kwok",
            },
        },
        status: {
            capacity: { ...NODE_CAPACITY },
            allocatable: { ...NODE_CAPACITY },
            addresses: [
                { type: "InternalIP", address: NODE_ADDRESS },
                { type: "Hostname", address: n.name },
            ],
        },
    }));
}

/**
 * Sets the nodes' status (capacity, allocatable, addresses) to what
 * {@link nodeObjects} gives them, through the status subresource; KWOK's
 * heartbeat keeps it. It restores nodes after {@link setNodeAllocatable}.
 */
export async function restoreNodes(kube: Kube, nodes: NodeShape[]): Promise<void> {
    for (const node of nodeObjects(nodes)) {
        await kube.run([
            "patch",
            "node",
            node.metadata.name,
            "--subresource=status",
            "--type=merge",
            "-p",
            JSON.stringify({ status: node.status }),
        ]);
    }
}

/**
 * Overrides what a node offers the scheduler (`status.allocatable`), say a
 * CPU below one pod's request to make the node full. The pods already there
 * keep running: KWOK's kubelet doesn't re-admit them. Undo with {@link restoreNodes}.
 */
export async function setNodeAllocatable(
    kube: Kube,
    node: string,
    allocatable: Record<string, string>,
): Promise<void> {
    await kube.run([
        "patch",
        "node",
        node,
        "--subresource=status",
        "--type=merge",
        "-p",
        JSON.stringify({ status: { allocatable } }),
    ]);
}

async function addNodes(kube: Kube, nodes: NodeShape[]): Promise<void> {
    await kube.apply(nodeObjects(nodes));
    // The API server drops status on create; set it through the status subresource.
    await restoreNodes(kube, nodes);
    await waitFor(
        `${nodes.length} Ready nodes`,
        async () => {
            const live: KubeObject[] = await kube.get("nodes");
            const ready = live.filter((n) => condition(n, "Ready") === "True");
            return ready.length === nodes.length ? ready : undefined;
        },
        { timeoutMs: 60_000 },
    );
}

async function waitForMetricsApi(kube: Kube): Promise<void> {
    await waitFor(
        "the metrics API (v1beta1.metrics.k8s.io) to be Available",
        async () => {
            const api = await kube.find("apiservice", "v1beta1.metrics.k8s.io");
            return api && condition(api, "Available") === "True" ? api : undefined;
        },
        { timeoutMs: 120_000 },
    );
}
