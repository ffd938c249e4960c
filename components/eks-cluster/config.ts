import {
    ClusterLogType,
    CLUSTER_LOG_TYPES,
    EKS_DEFAULTS,
    EksClusterArgs,
    NatStrategy,
    NodeGroupArgs,
} from "./args";
import { resolveClusterAccess } from "./access";
import { checkAmiReleaseVersion, NodeAddonVersions, resolveNodeAddonVersions } from "./versions";
import { CpuArchitecture, nodeGroupArchitecture } from "./instanceArchitecture";
import { Check, IssueCollector, isIntInRange } from "../shared/validation";

/**
 * Resolves and validates `EksClusterArgs`, and holds the pure pieces of the
 * cluster: IAM trust policies, the exact managed-policy names, subnet tags.
 */

/** `EksClusterArgs` with every default applied. */
export interface ResolvedEksCluster {
    clusterName: string;
    kubernetesVersion: string;
    publicAccessCidrs: string[];
    endpointPublicAccess: boolean;
    availabilityZones: number;
    natGateways: NatStrategy;
    vpcCidr: string;
    nodeGroup: {
        instanceTypes: string[];
        /** The instance types' one processor architecture, which picks the AMI type. */
        architecture: CpuArchitecture;
        minSize: number;
        desiredSize: number;
        maxSize: number;
        diskSizeGb: number;
        /** A pinned AMI release, or undefined to follow the latest for the cluster's version. */
        amiReleaseVersion?: string;
    };
    /** The pinned VPC CNI and kube-proxy versions. */
    addonVersions: NodeAddonVersions;
    clusterLogTypes: ClusterLogType[];
    protect: boolean;
    metricsServerVersion?: string;
    clusterAdmins: string[];
    clusterViewers: string[];
    tags: Record<string, string>;
}

const IPV4_CIDR =
    /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\/(3[0-2]|[12]?\d)$/;
const K8S_VERSION = /^1\.\d{2}$/;
const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/;

/** The shortest prefix allowed on the public endpoint: `/0`, or `0.0.0.0/1` twice, is the internet. */
export const MIN_PUBLIC_PREFIX = 8;

/** True for an IPv4 CIDR such as `203.0.113.7/32`. */
export function isIpv4Cidr(value: unknown): value is string {
    return typeof value === "string" && IPV4_CIDR.test(value);
}

/** The prefix length of a valid CIDR. */
function prefixLength(cidr: string): number {
    return Number(cidr.split("/")[1]);
}

/** Maps an argument path to the name the user wrote, for messages that point at another field. */
type FieldName = (path: string) => string;

/**
 * Validates `args` and applies the defaults. `fieldName` maps an argument path
 * to the name the user wrote (a stack config key, for the program), so errors
 * point where the fix goes. Throws one ValidationError listing every problem.
 * @param name The component's name: the cluster's name unless `args.clusterName` is set.
 * @param args The arguments to check.
 * @param subject What the error message names. @default `EksCluster "<name>"`
 * @param fieldName Maps an argument path to the name the user wrote. @default the path itself
 */
export function resolveEksCluster(
    name: string,
    args: EksClusterArgs,
    subject = `EksCluster "${name}"`,
    fieldName: (path: string) => string = (p) => p,
): ResolvedEksCluster {
    const issues = new IssueCollector();
    const check: Check = (ok, path, value, reason) =>
        issues.check(ok, fieldName(path), value, reason);

    // Each step checks its fields in turn, so the issues keep this order.
    const { clusterName, kubernetesVersion } = resolveIdentity(name, args, check);
    const endpoint = resolveEndpointAccess(args, check, fieldName);
    const network = resolveNetwork(args, check);
    const nodeGroup = resolveNodeGroup(args.nodeGroup ?? {}, check, fieldName);
    const clusterLogTypes = resolveClusterLogTypes(args, check);
    const { clusterAdmins, clusterViewers } = resolveClusterAccess(args, check, fieldName);
    const addonVersions = resolvePinnedVersions(args, kubernetesVersion, check, fieldName);

    issues.throwIfAny(subject);
    return {
        clusterName,
        kubernetesVersion,
        publicAccessCidrs: endpoint.publicAccessCidrs,
        endpointPublicAccess: endpoint.endpointPublicAccess,
        availabilityZones: network.availabilityZones,
        natGateways: network.natGateways,
        vpcCidr: network.vpcCidr,
        nodeGroup,
        addonVersions: addonVersions!,
        clusterLogTypes,
        protect: args.protect ?? EKS_DEFAULTS.protect,
        metricsServerVersion: args.metricsServerVersion,
        clusterAdmins,
        clusterViewers,
        tags: { ...(args.tags ?? {}) },
    };
}

/** The cluster's name in AWS (default: the component's name) and its Kubernetes version. */
function resolveIdentity(
    name: string,
    args: EksClusterArgs,
    check: Check,
): { clusterName: string; kubernetesVersion: string } {
    const clusterName = args.clusterName ?? name;
    check(
        CLUSTER_NAME.test(clusterName),
        "clusterName",
        clusterName,
        "must be 1-100 letters, digits, '-' or '_', starting with a letter or digit",
    );
    const kubernetesVersion = args.kubernetesVersion ?? EKS_DEFAULTS.kubernetesVersion;
    check(
        K8S_VERSION.test(kubernetesVersion),
        "kubernetesVersion",
        kubernetesVersion,
        `must be a pinned minor version such as "1.35"`,
    );
    return { clusterName, kubernetesVersion };
}

/**
 * The public API endpoint: on by default, and then only for the listed CIDRs,
 * each a valid IPv4 CIDR no wider than `/MIN_PUBLIC_PREFIX`.
 */
function resolveEndpointAccess(
    args: EksClusterArgs,
    check: Check,
    fieldName: FieldName,
): { endpointPublicAccess: boolean; publicAccessCidrs: string[] } {
    const endpointPublicAccess = args.endpointPublicAccess ?? EKS_DEFAULTS.endpointPublicAccess;
    const publicAccessCidrs = [...(args.publicAccessCidrs ?? [])];
    if (endpointPublicAccess) {
        check(
            publicAccessCidrs.length > 0,
            "publicAccessCidrs",
            publicAccessCidrs,
            `must list the CIDRs allowed to reach the public API endpoint (for example your address as "203.0.113.7/32"), or set '${fieldName("endpointPublicAccess")}' to false for a private-only endpoint`,
        );
    }
    publicAccessCidrs.forEach((cidr, i) => checkPublicAccessCidr(cidr, i, check));
    return { endpointPublicAccess, publicAccessCidrs };
}

/** Checks one entry of `publicAccessCidrs`: an IPv4 CIDR, and not a large part of the internet. */
function checkPublicAccessCidr(cidr: string, i: number, check: Check): void {
    if (
        check(
            isIpv4Cidr(cidr),
            `publicAccessCidrs[${i}]`,
            cidr,
            "must be an IPv4 CIDR such as 203.0.113.7/32",
        )
    ) {
        check(
            prefixLength(cidr) >= MIN_PUBLIC_PREFIX,
            `publicAccessCidrs[${i}]`,
            cidr,
            `opens the API endpoint to a large part of the internet (a prefix shorter than /${MIN_PUBLIC_PREFIX}); list the networks that need it`,
        );
    }
}

/** The VPC: how many availability zones, the NAT strategy, and a /16 to /20 CIDR block. */
function resolveNetwork(
    args: EksClusterArgs,
    check: Check,
): { availabilityZones: number; natGateways: NatStrategy; vpcCidr: string } {
    const availabilityZones = args.availabilityZones ?? EKS_DEFAULTS.availabilityZones;
    check(
        isIntInRange(availabilityZones, 2, 6),
        "availabilityZones",
        availabilityZones,
        "must be an integer from 2 to 6: EKS needs subnets in at least two zones",
    );
    const natGateways = args.natGateways ?? EKS_DEFAULTS.natGateways;
    check(
        natGateways === "Single" || natGateways === "OnePerAz",
        "natGateways",
        natGateways,
        `must be "Single" or "OnePerAz": nodes sit in private subnets and need NAT to pull images`,
    );
    const vpcCidr = args.vpcCidr ?? EKS_DEFAULTS.vpcCidr;
    if (
        check(isIpv4Cidr(vpcCidr), "vpcCidr", vpcCidr, "must be an IPv4 CIDR such as 10.0.0.0/16")
    ) {
        check(
            prefixLength(vpcCidr) >= 16 && prefixLength(vpcCidr) <= 20,
            "vpcCidr",
            vpcCidr,
            "must be a /16 to /20 block, leaving room for pod IPs",
        );
    }
    return { availabilityZones, natGateways, vpcCidr };
}

/**
 * The managed node group's shape and size. `amiReleaseVersion` is carried
 * through here and checked with the other version pins (`resolvePinnedVersions`).
 */
function resolveNodeGroup(
    ng: NodeGroupArgs,
    check: Check,
    fieldName: FieldName,
): ResolvedEksCluster["nodeGroup"] {
    const d = EKS_DEFAULTS.nodeGroup;
    const { instanceTypes, architecture } = resolveInstanceTypes(ng, check);
    const minSize = ng.minSize ?? d.minSize;
    const maxSize = ng.maxSize ?? d.maxSize;
    const desiredSize = ng.desiredSize ?? minSize;
    const diskSizeGb = ng.diskSizeGb ?? d.diskSizeGb;
    checkScaling({ minSize, desiredSize, maxSize }, check, fieldName);
    check(
        isIntInRange(diskSizeGb, 20, 16384),
        "nodeGroup.diskSizeGb",
        diskSizeGb,
        "must be an integer from 20 to 16384 (GiB)",
    );
    const amiReleaseVersion = ng.amiReleaseVersion;
    return {
        instanceTypes,
        architecture,
        minSize,
        desiredSize,
        maxSize,
        diskSizeGb,
        ...(amiReleaseVersion !== undefined ? { amiReleaseVersion } : {}),
    };
}

/**
 * A copy of the node group's instance types: at least one, each an EC2
 * instance type, all of one processor architecture (see `nodeGroupArchitecture`).
 */
function resolveInstanceTypes(
    ng: NodeGroupArgs,
    check: Check,
): { instanceTypes: string[]; architecture: CpuArchitecture } {
    const instanceTypes = [...(ng.instanceTypes ?? EKS_DEFAULTS.nodeGroup.instanceTypes)];
    check(
        instanceTypes.length > 0,
        "nodeGroup.instanceTypes",
        instanceTypes,
        "must list at least one instance type",
    );
    const wellFormed = instanceTypes.map((type, i) =>
        check(
            typeof type === "string" && /^[a-z0-9-]+\.[a-z0-9]+$/.test(type),
            `nodeGroup.instanceTypes[${i}]`,
            type,
            "must be an EC2 instance type such as t3.medium",
        ),
    );
    // A malformed type is reported once, above; its architecture can't be read.
    const architecture = wellFormed.every(Boolean)
        ? nodeGroupArchitecture(instanceTypes, check)
        : "x86_64";
    return { instanceTypes, architecture };
}

/** Checks the node group's sizes: each from 1 to 450, and `desiredSize` between the other two. */
function checkScaling(
    sizes: { minSize: number; desiredSize: number; maxSize: number },
    check: Check,
    fieldName: FieldName,
): void {
    const { minSize, desiredSize, maxSize } = sizes;
    const inRange = (path: string, value: number) =>
        check(isIntInRange(value, 1, 450), path, value, "must be an integer from 1 to 450");
    const minOk = inRange("nodeGroup.minSize", minSize);
    const maxOk = inRange("nodeGroup.maxSize", maxSize);
    const desiredOk = inRange("nodeGroup.desiredSize", desiredSize);
    if (minOk && maxOk && desiredOk) {
        check(
            minSize <= desiredSize && desiredSize <= maxSize,
            "nodeGroup.desiredSize",
            desiredSize,
            `must be between '${fieldName("nodeGroup.minSize")}' (${minSize}) and '${fieldName("nodeGroup.maxSize")}' (${maxSize})`,
        );
    }
}

/** A copy of the control-plane log types, each one EKS accepts. */
function resolveClusterLogTypes(args: EksClusterArgs, check: Check): ClusterLogType[] {
    const clusterLogTypes = [...(args.clusterLogTypes ?? EKS_DEFAULTS.clusterLogTypes)];
    clusterLogTypes.forEach((type, i) => {
        check(
            CLUSTER_LOG_TYPES.includes(type),
            `clusterLogTypes[${i}]`,
            type,
            `must be one of ${CLUSTER_LOG_TYPES.join(", ")}`,
        );
    });
    return clusterLogTypes;
}

/**
 * Checks a pinned node AMI release against the cluster's Kubernetes version,
 * and resolves the VPC CNI and kube-proxy versions; undefined when the
 * Kubernetes version itself is invalid (already reported).
 */
function resolvePinnedVersions(
    args: EksClusterArgs,
    kubernetesVersion: string,
    check: Check,
    fieldName: FieldName,
): NodeAddonVersions | undefined {
    const amiReleaseVersion = args.nodeGroup?.amiReleaseVersion;
    if (amiReleaseVersion !== undefined) {
        checkAmiReleaseVersion(amiReleaseVersion, kubernetesVersion, check, fieldName);
    }
    return K8S_VERSION.test(kubernetesVersion)
        ? resolveNodeAddonVersions(kubernetesVersion, args.addonVersions ?? {}, check, fieldName)
        : undefined;
}

/**
 * An IAM trust policy that lets one AWS service assume the role.
 * @param service The service principal, such as `eks.amazonaws.com`.
 * @param actions What the service may do with the role. @default ["sts:AssumeRole"]
 */
export function serviceTrustPolicy(
    service: string,
    actions: string[] = ["sts:AssumeRole"],
): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: actions }],
    });
}

/** The cluster role: trusted by EKS, with exactly the policy the seed lists. */
export const CLUSTER_ROLE = {
    service: "eks.amazonaws.com",
    // EKS tags the sessions it starts with the cluster role.
    actions: ["sts:AssumeRole", "sts:TagSession"],
    policies: ["AmazonEKSClusterPolicy"],
} as const;

/** The node role: trusted by EC2, with exactly the three policies the seed lists. */
export const NODE_ROLE = {
    service: "ec2.amazonaws.com",
    actions: ["sts:AssumeRole"],
    policies: [
        "AmazonEKSWorkerNodePolicy",
        "AmazonEKS_CNI_Policy",
        "AmazonEC2ContainerRegistryReadOnly",
    ],
} as const;

/** The ARN of an AWS managed policy in a partition (`aws`, `aws-cn`, `aws-us-gov`). */
export function managedPolicyArn(partition: string, policy: string): string {
    return `arn:${partition}:iam::aws:policy/${policy}`;
}

/** What a node launch template tags: EC2 applies the tags when it launches each. */
export const LAUNCH_TEMPLATE_TAGGED_RESOURCES = [
    "instance",
    "volume",
    "network-interface",
] as const;

/**
 * The launch template's `tagSpecifications`: the stack's tags on every
 * instance, volume and network interface, for cost allocation. None when there
 * are no tags (EC2 refuses an empty tag specification).
 */
export function launchTemplateTagSpecifications(
    tags: Record<string, string>,
): Array<{ resourceType: string; tags: Record<string, string> }> | undefined {
    if (Object.keys(tags).length === 0) {
        return undefined;
    }
    return LAUNCH_TEMPLATE_TAGGED_RESOURCES.map((resourceType) => ({
        resourceType,
        tags: { ...tags },
    }));
}

/** Subnet tags the AWS load balancer integrations use to place public and internal load balancers. */
export const SUBNET_TAGS = {
    public: { "kubernetes.io/role/elb": "1" },
    private: { "kubernetes.io/role/internal-elb": "1" },
} as const;
