import { gatewayAddress, NodePlan, nodePaths } from "./plan";

/**
 * The configuration files of a real node, rendered from its plan. Pure: the
 * lines that make the node work on this kind of machine (e2e/REAL-NODE.md in
 * the shared notes) are asserted by unit tests.
 */

/** containerd 1.6's config: its own root, state and socket, and the CRI settings the trial needed. */
export function containerdConfig(plan: NodePlan, sandboxImage: string): string {
    const p = nodePaths(plan);
    const cri = 'plugins."io.containerd.grpc.v1.cri"';
    return [
        "version = 2",
        `root = ${JSON.stringify(p.containerdRoot)}`,
        `state = ${JSON.stringify(p.containerdState)}`,
        "[grpc]",
        `  address = ${JSON.stringify(p.containerdSocket)}`,
        `[plugins."io.containerd.internal.v1.opt"]`,
        `  path = ${JSON.stringify(p.containerdOpt)}`,
        `[${cri}]`,
        `  sandbox_image = ${JSON.stringify(sandboxImage)}`,
        `  stream_server_address = "127.0.0.1"`,
        `  stream_server_port = "0"`,
        "  netns_mounts_under_state_dir = true",
        // Without it every sandbox fails: runc can't write oom_score_adj (no CAP_SYS_RESOURCE).
        "  restrict_oom_score_adj = true",
        `[${cri}.cni]`,
        `  bin_dir = "/usr/lib/cni"`,
        `  conf_dir = ${JSON.stringify(p.cniConfDir)}`,
        `[${cri}.registry]`,
        // An empty hosts directory of its own: no system-wide registry config applies.
        `  config_path = ${JSON.stringify(p.containerdCerts)}`,
        `[${cri}.containerd]`,
        `  default_runtime_name = "runc"`,
        `[${cri}.containerd.runtimes.runc]`,
        `  runtime_type = "io.containerd.runc.v2"`,
        `[${cri}.containerd.runtimes.runc.options]`,
        "  SystemdCgroup = false",
        `  Root = ${JSON.stringify(p.runcRoot)}`,
        "",
    ].join("\n");
}

/** The CNI network: a bridge with host-local addresses from the pod range, no masquerade. */
export function cniConfig(plan: NodePlan): string {
    const p = nodePaths(plan);
    const conf = {
        cniVersion: "1.0.0",
        name: "orchestration-e2e",
        plugins: [
            {
                type: "bridge",
                bridge: plan.bridge,
                isGateway: true,
                ipMasq: false,
                hairpinMode: true,
                ipam: {
                    type: "host-local",
                    dataDir: p.cniIpamDir,
                    ranges: [[{ subnet: plan.podCidr, gateway: gatewayAddress(plan.podCidr) }]],
                    routes: [{ dst: "0.0.0.0/0" }],
                },
            },
        ],
    };
    return JSON.stringify(conf, null, 2) + "\n";
}

/** The kubelet's KubeletConfiguration (YAML is a superset of JSON). */
export function kubeletConfig(plan: NodePlan, clientCaFile: string): string {
    const p = nodePaths(plan);
    const config = {
        apiVersion: "kubelet.config.k8s.io/v1beta1",
        kind: "KubeletConfiguration",
        // This VM offers only cgroup v1; kubelet 1.35 refuses it unless told.
        failCgroupV1: false,
        cgroupDriver: "cgroupfs",
        containerRuntimeEndpoint: `unix://${p.containerdSocket}`,
        address: plan.nodeAddress,
        port: plan.kubeletPort,
        readOnlyPort: 0,
        healthzBindAddress: "127.0.0.1",
        healthzPort: plan.kubeletHealthzPort,
        authentication: {
            anonymous: { enabled: false },
            webhook: { enabled: true },
            x509: { clientCAFile: clientCaFile },
        },
        authorization: { mode: "Webhook" },
        clusterDomain: "cluster.local",
        clusterDNS: [plan.clusterDns],
        // Pods get the cluster DNS only: no upstream nameserver, nothing resolves off the machine.
        resolvConf: p.resolvConf,
        podCIDR: plan.podCidr,
        podLogsDir: p.podLogs,
        maxPods: 40,
        registerWithTaints: [{ key: plan.taintKey, value: "true", effect: "NoSchedule" }],
        // Locally imported images have no registry to come back from: never collect them.
        imageGCHighThresholdPercent: 100,
        imageGCLowThresholdPercent: 99,
        makeIPTablesUtilChains: false,
        failSwapOn: false,
        rotateCertificates: false,
        serializeImagePulls: false,
    };
    return JSON.stringify(config, null, 2) + "\n";
}

/** kube-proxy in nftables mode, changing no sysctls (conntrack settings all 0). */
export function kubeProxyConfig(plan: NodePlan, kubeconfig: string): string {
    const config = {
        apiVersion: "kubeproxy.config.k8s.io/v1alpha1",
        kind: "KubeProxyConfiguration",
        mode: "nftables",
        clusterCIDR: plan.podCidr,
        hostnameOverride: plan.name,
        bindAddress: plan.nodeAddress,
        healthzBindAddress: `127.0.0.1:${plan.kubeProxyPorts.healthz}`,
        metricsBindAddress: `127.0.0.1:${plan.kubeProxyPorts.metrics}`,
        nodePortAddresses: [`${plan.nodeAddress}/32`],
        clientConnection: { kubeconfig },
        conntrack: {
            maxPerCore: 0,
            min: 0,
            tcpEstablishedTimeout: "0s",
            tcpCloseWaitTimeout: "0s",
        },
    };
    return JSON.stringify(config, null, 2) + "\n";
}

/** The kubelet's command line. */
export function kubeletArgs(plan: NodePlan, kubeconfig: string): string[] {
    const p = nodePaths(plan);
    return [
        `--config=${p.kubeletConfig}`,
        `--kubeconfig=${kubeconfig}`,
        `--root-dir=${p.kubeletRoot}`,
        `--cert-dir=${p.kubeletCerts}`,
        `--node-ip=${plan.nodeAddress}`,
        `--hostname-override=${plan.name}`,
        `--node-labels=${plan.taintKey}=true,type=real`,
        "--v=1",
    ];
}
