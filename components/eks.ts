// The EKS entry point of the package (`<package>/eks`). It needs @pulumi/aws,
// @pulumi/awsx and @pulumi/eks; the root entry point needs none of them.
export { EksCluster, EKS_CLUSTER_TYPE } from "./eks-cluster/component";
export type {
    AddonVersionsArgs,
    ClusterLogType,
    EksClusterArgs,
    NatStrategy,
    NodeGroupArgs,
} from "./eks-cluster/args";
export { CLUSTER_LOG_TYPES, EKS_DEFAULTS } from "./eks-cluster/args";
export {
    CLUSTER_ROLE,
    managedPolicyArn,
    NODE_ROLE,
    resolveEksCluster,
    serviceTrustPolicy,
    SUBNET_TAGS,
} from "./eks-cluster/config";
export type { ResolvedEksCluster } from "./eks-cluster/config";
export { amiReleaseParameter, NODE_AMI_TYPES, PINNED_ADDON_VERSIONS } from "./eks-cluster/versions";
export {
    ACCELERATED_SERIES,
    instanceArchitecture,
    parseInstanceFamily,
} from "./eks-cluster/instanceArchitecture";
export type {
    CpuArchitecture,
    InstanceArchitecture,
    InstanceFamily,
} from "./eks-cluster/instanceArchitecture";
export type { NodeAddonVersions } from "./eks-cluster/versions";
export { PodIdentityRole, POD_IDENTITY_ROLE_TYPE } from "./pod-identity/component";
export {
    POD_IDENTITY_PRINCIPAL,
    podIdentityTrustPolicy,
    resolvePodIdentityRole,
} from "./pod-identity/config";
export type {
    PodIdentityRoleArgs,
    PodIdentityScope,
    ResolvedPodIdentityRole,
} from "./pod-identity/config";
export {
    checkCapacity,
    CLUSTER_SYSTEM_PODS,
    DAEMONSET_PODS_PER_NODE,
    ENI_LIMITS,
    maxPodsPerNode,
} from "./eks-cluster/capacity";
export type { CapacityReport } from "./eks-cluster/capacity";
