/**
 * Pod capacity of an EKS managed node group with the VPC CNI. Pure arithmetic,
 * so a config that can never schedule its pods fails at preview.
 *
 * Each pod gets a VPC IP from one of the node's ENIs. A node holds
 * ENIs × (IPv4 addresses per ENI − 1) + 2 pods: one address per ENI is the
 * ENI's own, and two host-network pods (aws-node, kube-proxy) need none. The
 * limit counts every pod, host-network ones included.
 */

/** ENIs and IPv4 addresses per ENI, from the EC2 instance type documentation. */
export const ENI_LIMITS: Readonly<Record<string, { enis: number; ipsPerEni: number }>> = {
    "t3.nano": { enis: 2, ipsPerEni: 2 },
    "t3.micro": { enis: 2, ipsPerEni: 2 },
    "t3.small": { enis: 3, ipsPerEni: 4 },
    "t3.medium": { enis: 3, ipsPerEni: 6 },
    "t3.large": { enis: 3, ipsPerEni: 12 },
    "t3.xlarge": { enis: 4, ipsPerEni: 15 },
    "t3.2xlarge": { enis: 4, ipsPerEni: 15 },
    "t3a.small": { enis: 2, ipsPerEni: 4 },
    "t3a.medium": { enis: 3, ipsPerEni: 6 },
    "t3a.large": { enis: 3, ipsPerEni: 12 },
    "m5.large": { enis: 3, ipsPerEni: 10 },
    "m5.xlarge": { enis: 4, ipsPerEni: 15 },
    "m5.2xlarge": { enis: 4, ipsPerEni: 15 },
    "m6i.large": { enis: 3, ipsPerEni: 10 },
    "m6i.xlarge": { enis: 4, ipsPerEni: 15 },
    "m7i.large": { enis: 3, ipsPerEni: 10 },
    "m7i.xlarge": { enis: 4, ipsPerEni: 15 },
    "c5.large": { enis: 3, ipsPerEni: 10 },
    "c5.xlarge": { enis: 4, ipsPerEni: 15 },
    "r5.large": { enis: 3, ipsPerEni: 10 },
    "r5.xlarge": { enis: 4, ipsPerEni: 15 },
};

/** Pods that run on every node: aws-node (VPC CNI), kube-proxy and the EKS Pod Identity agent. */
export const DAEMONSET_PODS_PER_NODE = 3;

/** Cluster-wide system pods: CoreDNS (2) and metrics-server (2). */
export const CLUSTER_SYSTEM_PODS = { coredns: 2, "metrics-server": 2 } as const;

/** Max pods per node for an instance type, or undefined if the type is not in the table. */
export function maxPodsPerNode(instanceType: string): number | undefined {
    const limits = ENI_LIMITS[instanceType];
    return limits ? limits.enis * (limits.ipsPerEni - 1) + 2 : undefined;
}

/** What a node group can hold and what the workload needs, at the group's max size. */
export interface CapacityReport {
    /** The smallest max-pods among the instance types: the node group may launch any of them. */
    podsPerNode: number;
    /** The instance type that sets `podsPerNode`. */
    limitingType: string;
    /** Pods left per node after aws-node, kube-proxy and the Pod Identity agent. */
    schedulablePerNode: number;
    /** Schedulable pods across `maxNodes` nodes. */
    capacity: number;
    /** CoreDNS and metrics-server pods. */
    systemPods: number;
    /** The services' summed max replicas. */
    servicePods: number;
    /** `systemPods + servicePods`. */
    required: number;
    /** True when `required <= capacity`. */
    fits: boolean;
}

/**
 * Checks that every service at its max replica count, plus the system pods,
 * fits on `maxNodes` nodes of the smallest listed instance type.
 * Throws for a type the max-pods table lacks, unless `podsPerNodeOverride` is given.
 */
export function checkCapacity(args: {
    instanceTypes: string[];
    maxNodes: number;
    serviceMaxReplicas: number[];
    /**
     * Pods per node for every listed type, instead of the table: needed for a
     * type the table lacks, or where max pods differ (prefix delegation).
     * @default undefined (the table)
     */
    podsPerNodeOverride?: number;
}): CapacityReport {
    let podsPerNode = Number.POSITIVE_INFINITY;
    let limitingType = "";
    for (const type of args.instanceTypes) {
        const pods = args.podsPerNodeOverride ?? maxPodsPerNode(type);
        if (pods === undefined) {
            throw new Error(
                `unknown instance type "${type}": known types are ${Object.keys(ENI_LIMITS).join(", ")}`,
            );
        }
        if (pods < podsPerNode) {
            podsPerNode = pods;
            limitingType = type;
        }
    }
    const schedulablePerNode = Math.max(0, podsPerNode - DAEMONSET_PODS_PER_NODE);
    const capacity = schedulablePerNode * args.maxNodes;
    const systemPods = Object.values(CLUSTER_SYSTEM_PODS).reduce((a, b) => a + b, 0);
    const servicePods = args.serviceMaxReplicas.reduce((a, b) => a + b, 0);
    const required = systemPods + servicePods;
    return {
        podsPerNode,
        limitingType,
        schedulablePerNode,
        capacity,
        systemPods,
        servicePods,
        required,
        fits: required <= capacity,
    };
}
