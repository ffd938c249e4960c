// The EKS entry point of the package (`<package>/eks`). It needs @pulumi/aws,
// @pulumi/awsx and @pulumi/eks; the root entry point needs none of them.
export { EksCluster, EKS_CLUSTER_TYPE } from "./eksCluster";
export type {
    AddonVersionsArgs,
    ClusterLogType,
    EksClusterArgs,
    NatStrategy,
    NodeGroupArgs,
} from "./eksClusterArgs";
export { CLUSTER_LOG_TYPES, EKS_DEFAULTS } from "./eksClusterArgs";
export {
    CLUSTER_ROLE,
    managedPolicyArn,
    NODE_ROLE,
    resolveEksCluster,
    serviceTrustPolicy,
    SUBNET_TAGS,
} from "./eksClusterConfig";
export type { ResolvedEksCluster } from "./eksClusterConfig";
export { amiReleaseParameter, NODE_AMI_TYPES, PINNED_ADDON_VERSIONS } from "./eksVersions";
export {
    ACCELERATED_SERIES,
    instanceArchitecture,
    parseInstanceFamily,
} from "./instanceArchitecture";
export type { CpuArchitecture, InstanceArchitecture, InstanceFamily } from "./instanceArchitecture";
export type { NodeAddonVersions } from "./eksVersions";
export { PodIdentityRole, POD_IDENTITY_ROLE_TYPE } from "./podIdentityRole";
export {
    POD_IDENTITY_PRINCIPAL,
    podIdentityTrustPolicy,
    resolvePodIdentityRole,
} from "./podIdentityRoleConfig";
export type {
    PodIdentityRoleArgs,
    PodIdentityScope,
    ResolvedPodIdentityRole,
} from "./podIdentityRoleConfig";
export {
    checkCapacity,
    CLUSTER_SYSTEM_PODS,
    DAEMONSET_PODS_PER_NODE,
    ENI_LIMITS,
    maxPodsPerNode,
} from "./capacity";
export type { CapacityReport } from "./capacity";
