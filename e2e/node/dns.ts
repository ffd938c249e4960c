import { KubeObject } from "../kube";
import { IMAGES } from "./images";
import { NodePlan } from "./plan";

/**
 * The cluster DNS: CoreDNS on the real node, serving `cluster.local` from the
 * API server and nothing else (no forwarding: no name resolves off the
 * machine). It runs in the host's network namespace, because the API server
 * listens on 127.0.0.1 only, and binds the node address, where the `kube-dns`
 * Service's ClusterIP leads.
 */

/** The Corefile: the kubernetes plugin for the cluster zones, health and readiness on the node address. */
export function corefile(plan: NodePlan): string {
    return [
        ".:53 {",
        `    bind ${plan.nodeAddress}`,
        "    errors",
        `    health ${plan.nodeAddress}:8080`,
        `    ready ${plan.nodeAddress}:8181`,
        "    kubernetes cluster.local in-addr.arpa ip6.arpa {",
        "        kubeconfig /etc/coredns/kubeconfig-dir/kubeconfig",
        "        pods insecure",
        "        ttl 5",
        "    }",
        "    cache 5",
        "    loadbalance",
        "}",
        "",
    ].join("\n");
}

const LABELS = { "k8s-app": "kube-dns" };

function dnsPod(plan: NodePlan, kubeconfigDir: string): KubeObject {
    return {
        metadata: { labels: LABELS },
        spec: {
            hostNetwork: true,
            dnsPolicy: "Default",
            nodeSelector: { [plan.taintKey]: "true" },
            tolerations: [{ key: plan.taintKey, operator: "Exists", effect: "NoSchedule" }],
            containers: [
                {
                    name: "coredns",
                    image: IMAGES.coredns,
                    imagePullPolicy: "Never",
                    args: ["-conf", "/etc/coredns/Corefile"],
                    readinessProbe: {
                        httpGet: { host: plan.nodeAddress, path: "/ready", port: 8181 },
                        periodSeconds: 2,
                    },
                    volumeMounts: [
                        { name: "config", mountPath: "/etc/coredns/Corefile", subPath: "Corefile" },
                        {
                            name: "kubeconfig",
                            mountPath: "/etc/coredns/kubeconfig-dir",
                            readOnly: true,
                        },
                    ],
                },
            ],
            volumes: [
                { name: "config", configMap: { name: "coredns" } },
                { name: "kubeconfig", hostPath: { path: kubeconfigDir, type: "Directory" } },
            ],
        },
    };
}

/** The ConfigMap, Deployment and `kube-dns` Service (at the plan's `clusterDns`). */
export function dnsObjects(plan: NodePlan, kubeconfigDir: string): KubeObject[] {
    const meta = (name: string) => ({ name, namespace: "kube-system", labels: LABELS });
    return [
        {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: meta("coredns"),
            data: { Corefile: corefile(plan) },
        },
        {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: meta("coredns"),
            spec: {
                replicas: 1,
                selector: { matchLabels: LABELS },
                template: dnsPod(plan, kubeconfigDir),
            },
        },
        {
            apiVersion: "v1",
            kind: "Service",
            metadata: meta("kube-dns"),
            spec: {
                clusterIP: plan.clusterDns,
                selector: LABELS,
                ports: [
                    { name: "dns", port: 53, protocol: "UDP", targetPort: 53 },
                    { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: 53 },
                ],
            },
        },
    ];
}
