import * as path from "path";

/**
 * Where a real node lives: its addresses, ranges, ports and directories. Pure
 * data, so the configs rendered from it are tested without a machine. One
 * real node per machine: the bridge, the guard table and some paths are global.
 */
export interface NodePlan {
    /** The Node's name. */
    name: string;
    /** Everything the node writes goes under this directory (its state, logs, mounts). */
    workDir: string;
    /** The node's address: a /32 on `lo`, which pods can route to (127.0.0.1 they can't). */
    nodeAddress: string;
    /** The pod range, one /24 on the bridge; its first address is the bridge's. */
    podCidr: string;
    /** The Service range of the API server (kwokctl leaves the API server's default). */
    serviceCidr: string;
    /** The cluster DNS Service's ClusterIP, inside `serviceCidr`. */
    clusterDns: string;
    /** The CNI bridge's name. */
    bridge: string;
    /** The kubelet's port on `nodeAddress`. */
    kubeletPort: number;
    /** The kubelet's healthz port on 127.0.0.1. */
    kubeletHealthzPort: number;
    /** kube-proxy's healthz and metrics ports on 127.0.0.1. */
    kubeProxyPorts: { healthz: number; metrics: number };
    /** The nftables table of the egress guard. */
    guardTable: string;
    /** The taint and label the node carries, so only pods that ask land on it. */
    taintKey: string;
}

/** The e2e suite's real node under `workDir` (ranges chosen clear of the host's and KWOK's). */
export function defaultPlan(workDir: string): NodePlan {
    return {
        name: "real-node",
        workDir,
        nodeAddress: "10.213.0.1",
        podCidr: "10.214.0.0/24",
        serviceCidr: "10.0.0.0/24",
        clusterDns: "10.0.0.10",
        bridge: "orch0",
        kubeletPort: 10250,
        kubeletHealthzPort: 10248,
        kubeProxyPorts: { healthz: 10256, metrics: 10249 },
        guardTable: "orchestration_e2e_guard",
        taintKey: "orchestration.e2e/real-node",
    };
}

/** The directories and files of a node, all under its work dir. */
export function nodePaths(plan: NodePlan) {
    const d = (...p: string[]) => path.join(plan.workDir, ...p);
    return {
        containerdConfig: d("containerd", "config.toml"),
        containerdRoot: d("containerd", "root"),
        containerdState: d("containerd", "state"),
        containerdSocket: d("containerd", "containerd.sock"),
        containerdCerts: d("containerd", "certs.d"),
        containerdOpt: d("containerd", "opt"),
        runcRoot: d("containerd", "runc"),
        cniConfDir: d("cni", "net.d"),
        cniIpamDir: d("cni", "ipam"),
        kubeletConfig: d("kubelet", "config.yaml"),
        kubeletRoot: d("kubelet", "root"),
        kubeletCerts: d("kubelet", "pki"),
        podLogs: d("kubelet", "pod-logs"),
        resolvConf: d("kubelet", "resolv.conf"),
        kubeProxyConfig: d("kube-proxy", "config.yaml"),
        images: d("images"),
        logs: d("logs"),
    };
}

/** The bridge's address: the first of the pod range (`10.214.0.0/24` → `10.214.0.1`). */
export function gatewayAddress(podCidr: string): string {
    const m = /^(\d+\.\d+\.\d+)\.0\/24$/.exec(podCidr);
    if (!m) throw new Error(`podCidr ${JSON.stringify(podCidr)} must be a /24 ending in .0`);
    return `${m[1]}.1`;
}
