/**
 * Arguments of the `EksCluster` component, each with its default and the
 * reason for it. Plain values, validated before anything registers.
 */

/** How private subnets reach the internet (image pulls, AWS APIs). */
export type NatStrategy = "Single" | "OnePerAz";

/** EKS control-plane log types. */
export type ClusterLogType = "api" | "audit" | "authenticator" | "controllerManager" | "scheduler";

/** The managed node group's size and shape. */
export interface NodeGroupArgs {
    /**
     * EC2 instance types, tried in order. Capacity checks use the smallest.
     * @default ["t3.medium"]: 17 pods per node; t3.micro holds 4, which the system pods fill
     */
    instanceTypes?: string[];
    /**
     * Fewest nodes the group scales down to.
     * @default 2, so a node can be replaced without losing all capacity
     */
    minSize?: number;
    /**
     * Nodes to run. Pulumi owns this number: no cluster autoscaler is installed,
     * and a change made by hand is reverted on the next `pulumi up`.
     * @default minSize
     */
    desiredSize?: number;
    /**
     * Most nodes the group may grow to; the capacity check plans for this size.
     * @default 4
     */
    maxSize?: number;
    /**
     * Root volume size in GiB (gp3, encrypted).
     * @default 20
     */
    diskSizeGb?: number;
    /**
     * The EKS-optimized Amazon Linux 2023 AMI release the nodes run, such as
     * `1.35.3-20260601`; it must match the cluster's Kubernetes version. Pin it
     * to roll nodes only when you change it.
     * @default the latest release for the cluster's version, read from its public SSM parameter at every preview and update, so nodes roll onto AMI patches at the next `pulumi up` after AWS publishes them
     */
    amiReleaseVersion?: string;
}

/** Versions of the add-ons that run on every node. */
export interface AddonVersionsArgs {
    /**
     * The `vpc-cni` add-on version.
     * @default the `PINNED_ADDON_VERSIONS` entry for the cluster's Kubernetes version
     */
    vpcCni?: string;
    /**
     * The `kube-proxy` add-on version; its minor version must be the cluster's.
     * @default the `PINNED_ADDON_VERSIONS` entry for the cluster's Kubernetes version
     */
    kubeProxy?: string;
}

/** Arguments of `EksCluster`. */
export interface EksClusterArgs {
    /**
     * The EKS cluster's name in AWS.
     * @default the component's resource name
     */
    clusterName?: string;
    /**
     * Kubernetes version, pinned so upgrades are deliberate. 1.35 is in EKS standard support
     * until early 2027; STANDARD support upgrades a cluster automatically when it ends.
     * The node group, its AMI release, kube-proxy, CoreDNS and metrics-server follow it:
     * raising it upgrades the control plane first, then those.
     * @default "1.35"
     */
    kubernetesVersion?: string;
    /**
     * CIDRs allowed to reach the public API endpoint. Prefixes shorter than /8,
     * `0.0.0.0/0` among them, are refused.
     * @default none, which is an error while `endpointPublicAccess` is true
     */
    publicAccessCidrs?: string[];
    /**
     * Expose the API server publicly (restricted to `publicAccessCidrs`). The
     * private endpoint is always on, so nodes never leave the VPC to reach it.
     * @default true
     */
    endpointPublicAccess?: boolean;
    /**
     * Availability zones for the VPC (2 to 6). The node group spans all of them.
     * @default 2
     */
    availabilityZones?: number;
    /**
     * NAT gateways: one shared (cheapest; a zone outage cuts egress for all) or one per AZ (HA).
     * @default "Single"
     */
    natGateways?: NatStrategy;
    /**
     * The VPC's IPv4 CIDR block.
     * @default "10.0.0.0/16"
     */
    vpcCidr?: string;
    /** The managed node group. @default see `NodeGroupArgs` */
    nodeGroup?: NodeGroupArgs;
    /**
     * Control-plane log types sent to CloudWatch.
     * @default [] (turn on at least api, audit and authenticator in production)
     */
    clusterLogTypes?: ClusterLogType[];
    /**
     * Guards what must survive against deletion and replacement: Pulumi
     * `protect` on the EKS control plane (`aws:eks/cluster:Cluster`), the KMS
     * key of its Secrets and the node group (`aws:eks/nodeGroup:NodeGroup`),
     * with their `eks` components, plus EKS's own deletion protection. Nothing
     * else is protected: access entries, add-ons, security groups, the OIDC
     * provider, IAM and the VPC stay changeable. A change that replaces the node
     * group (its instance types or subnets) needs `protect` off for that update.
     * @default false
     */
    protect?: boolean;
    /**
     * EKS community add-on version for metrics-server.
     * @default the version EKS marks as default for the cluster's Kubernetes version, resolved at every preview and update
     */
    metricsServerVersion?: string;
    /**
     * The VPC CNI and kube-proxy add-on versions. They run on every node, so
     * they are pinned: a new build rolls out only when this or
     * `PINNED_ADDON_VERSIONS` changes.
     * @default see `AddonVersionsArgs`
     */
    addonVersions?: AddonVersionsArgs;
    /**
     * IAM role or user ARNs given cluster-admin through EKS access entries:
     * operators, and a pipeline that didn't create the cluster. Don't list the
     * identity that creates the cluster: EKS gives it an entry already, and a
     * second one fails.
     * @default [] (only the identity that creates the cluster is admin, through EKS's bootstrap permission)
     */
    clusterAdmins?: string[];
    /**
     * IAM role or user ARNs given read-only access (AmazonEKSViewPolicy), for
     * example the pipeline's preview role.
     * @default []
     */
    clusterViewers?: string[];
    /**
     * Tags on every AWS resource.
     * @default {}
     */
    tags?: Record<string, string>;
}

/** Every default in one place. */
export const EKS_DEFAULTS = {
    kubernetesVersion: "1.35",
    endpointPublicAccess: true,
    availabilityZones: 2,
    natGateways: "Single" as NatStrategy,
    vpcCidr: "10.0.0.0/16",
    nodeGroup: { instanceTypes: ["t3.medium"], minSize: 2, maxSize: 4, diskSizeGb: 20 },
    clusterLogTypes: [] as ClusterLogType[],
    protect: false,
} as const;

/** The log types EKS accepts. */
export const CLUSTER_LOG_TYPES: readonly ClusterLogType[] = [
    "api",
    "audit",
    "authenticator",
    "controllerManager",
    "scheduler",
];
