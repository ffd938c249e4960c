import {
    ClusterLogType,
    CLUSTER_LOG_TYPES,
    EKS_DEFAULTS,
    EksClusterArgs,
    NatStrategy,
} from "./eksClusterArgs";
import { maxPodsPerNode } from "./capacity";
import { checkAmiReleaseVersion, NodeAddonVersions, resolveNodeAddonVersions } from "./eksVersions";
import type { ChildAlias } from "./eksChildOptions";
import { IssueCollector, isIntInRange } from "./validation";

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
const IAM_PRINCIPAL = /^arn:aws(-[a-z]+)*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/;

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

/**
 * Validates `args` and applies the defaults. `fieldName` maps an argument path
 * to the name the user wrote (a stack config key, for the program), so errors
 * point where the fix goes. Throws one ValidationError listing every problem.
 */
export function resolveEksCluster(
    name: string,
    args: EksClusterArgs,
    subject = `EksCluster "${name}"`,
    fieldName: (path: string) => string = (p) => p,
): ResolvedEksCluster {
    const issues = new IssueCollector();
    const check = (ok: boolean, path: string, value: unknown, reason: string) =>
        issues.check(ok, fieldName(path), value, reason);
    const d = EKS_DEFAULTS;

    const clusterName = args.clusterName ?? name;
    check(
        CLUSTER_NAME.test(clusterName),
        "clusterName",
        clusterName,
        "must be 1-100 letters, digits, '-' or '_', starting with a letter or digit",
    );
    const kubernetesVersion = args.kubernetesVersion ?? d.kubernetesVersion;
    check(
        K8S_VERSION.test(kubernetesVersion),
        "kubernetesVersion",
        kubernetesVersion,
        `must be a pinned minor version such as "1.35"`,
    );

    const endpointPublicAccess = args.endpointPublicAccess ?? d.endpointPublicAccess;
    const publicAccessCidrs = [...(args.publicAccessCidrs ?? [])];
    if (endpointPublicAccess) {
        check(
            publicAccessCidrs.length > 0,
            "publicAccessCidrs",
            publicAccessCidrs,
            `must list the CIDRs allowed to reach the public API endpoint (for example your address as "203.0.113.7/32"), or set '${fieldName("endpointPublicAccess")}' to false for a private-only endpoint`,
        );
    }
    publicAccessCidrs.forEach((cidr, i) => {
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
    });

    const availabilityZones = args.availabilityZones ?? d.availabilityZones;
    check(
        isIntInRange(availabilityZones, 2, 6),
        "availabilityZones",
        availabilityZones,
        "must be an integer from 2 to 6: EKS needs subnets in at least two zones",
    );
    const natGateways = args.natGateways ?? d.natGateways;
    check(
        natGateways === "Single" || natGateways === "OnePerAz",
        "natGateways",
        natGateways,
        `must be "Single" or "OnePerAz": nodes sit in private subnets and need NAT to pull images`,
    );
    const vpcCidr = args.vpcCidr ?? d.vpcCidr;
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

    const ng = args.nodeGroup ?? {};
    const instanceTypes = [...(ng.instanceTypes ?? d.nodeGroup.instanceTypes)];
    check(
        instanceTypes.length > 0,
        "nodeGroup.instanceTypes",
        instanceTypes,
        "must list at least one instance type",
    );
    instanceTypes.forEach((type, i) => {
        check(
            typeof type === "string" && /^[a-z0-9-]+\.[a-z0-9]+$/.test(type),
            `nodeGroup.instanceTypes[${i}]`,
            type,
            "must be an EC2 instance type such as t3.medium",
        );
    });
    const minSize = ng.minSize ?? d.nodeGroup.minSize;
    const maxSize = ng.maxSize ?? d.nodeGroup.maxSize;
    const desiredSize = ng.desiredSize ?? minSize;
    const diskSizeGb = ng.diskSizeGb ?? d.nodeGroup.diskSizeGb;
    const minOk = check(
        isIntInRange(minSize, 1, 450),
        "nodeGroup.minSize",
        minSize,
        "must be an integer from 1 to 450",
    );
    const maxOk = check(
        isIntInRange(maxSize, 1, 450),
        "nodeGroup.maxSize",
        maxSize,
        "must be an integer from 1 to 450",
    );
    const desiredOk = check(
        isIntInRange(desiredSize, 1, 450),
        "nodeGroup.desiredSize",
        desiredSize,
        "must be an integer from 1 to 450",
    );
    if (minOk && maxOk && desiredOk) {
        check(
            minSize <= desiredSize && desiredSize <= maxSize,
            "nodeGroup.desiredSize",
            desiredSize,
            `must be between '${fieldName("nodeGroup.minSize")}' (${minSize}) and '${fieldName("nodeGroup.maxSize")}' (${maxSize})`,
        );
    }
    check(
        isIntInRange(diskSizeGb, 20, 16384),
        "nodeGroup.diskSizeGb",
        diskSizeGb,
        "must be an integer from 20 to 16384 (GiB)",
    );

    const clusterLogTypes = [...(args.clusterLogTypes ?? d.clusterLogTypes)];
    clusterLogTypes.forEach((type, i) => {
        check(
            CLUSTER_LOG_TYPES.includes(type),
            `clusterLogTypes[${i}]`,
            type,
            `must be one of ${CLUSTER_LOG_TYPES.join(", ")}`,
        );
    });

    const principals = (field: "clusterAdmins" | "clusterViewers") => {
        const list = [...(args[field] ?? [])];
        list.forEach((arn, i) => {
            check(
                IAM_PRINCIPAL.test(arn),
                `${field}[${i}]`,
                arn,
                "must be an IAM role or user ARN such as arn:aws:iam::123456789012:role/platform-admins",
            );
        });
        return list;
    };
    const clusterAdmins = principals("clusterAdmins");
    const clusterViewers = principals("clusterViewers");
    checkPrincipals(clusterAdmins, clusterViewers, check, fieldName);

    const amiReleaseVersion = ng.amiReleaseVersion;
    if (amiReleaseVersion !== undefined) {
        checkAmiReleaseVersion(amiReleaseVersion, kubernetesVersion, check, fieldName);
    }
    const addonVersions = K8S_VERSION.test(kubernetesVersion)
        ? resolveNodeAddonVersions(kubernetesVersion, args.addonVersions ?? {}, check, fieldName)
        : undefined;

    issues.throwIfAny(subject);
    return {
        clusterName,
        kubernetesVersion,
        publicAccessCidrs,
        endpointPublicAccess,
        availabilityZones,
        natGateways,
        vpcCidr,
        nodeGroup: {
            instanceTypes,
            minSize,
            desiredSize,
            maxSize,
            diskSizeGb,
            ...(amiReleaseVersion !== undefined ? { amiReleaseVersion } : {}),
        },
        addonVersions: addonVersions!,
        clusterLogTypes,
        protect: args.protect ?? d.protect,
        metricsServerVersion: args.metricsServerVersion,
        clusterAdmins,
        clusterViewers,
        tags: { ...(args.tags ?? {}) },
    };
}

/**
 * A principal has one access entry: refuses one listed in both lists or twice
 * in one, and two whose entry keys would collide.
 */
function checkPrincipals(
    admins: string[],
    viewers: string[],
    check: (ok: boolean, path: string, value: unknown, reason: string) => boolean,
    fieldName: (path: string) => string,
): void {
    for (const arn of admins.filter((a) => viewers.includes(a))) {
        check(
            false,
            "clusterViewers",
            arn,
            `is also in '${fieldName("clusterAdmins")}'; a principal has one access entry, so list it in one of them`,
        );
    }
    // Within one list: the same ARN twice, or two ARNs whose keys collide.
    const lists = [
        ["clusterAdmins", admins],
        ["clusterViewers", viewers],
    ] as const;
    const seen = new Map<string, { arn: string; field: string }>();
    for (const [field, list] of lists) {
        list.forEach((arn, i) => {
            const key = principalKey(arn);
            const earlier = seen.get(key);
            seen.set(key, { arn, field });
            if (earlier === undefined || (earlier.arn === arn && earlier.field !== field)) {
                return; // new, or in both lists (reported above)
            }
            check(
                false,
                `${field}[${i}]`,
                arn,
                earlier.arn === arn
                    ? "is listed twice"
                    : `has the same access entry key ("${key}") as ${JSON.stringify(earlier.arn)}`,
            );
        });
    }
}

/** True when every instance type is in the max-pods table. */
export function allInstanceTypesKnown(instanceTypes: string[]): boolean {
    return instanceTypes.every((t) => maxPodsPerNode(t) !== undefined);
}

/** An IAM trust policy that lets one AWS service assume the role. */
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

/** EKS access policies, by the access they grant. */
export const ACCESS_POLICIES = {
    admin: "AmazonEKSClusterAdminPolicy",
    view: "AmazonEKSViewPolicy",
} as const;

/** The ARN of an EKS cluster access policy in a partition. */
export function accessPolicyArn(partition: string, policy: string): string {
    return `arn:${partition}:eks::aws:cluster-access-policy/${policy}`;
}

/** The access a principal gets. */
export type Access = keyof typeof ACCESS_POLICIES;

/**
 * The key of a principal's access entry: its account and path, such as
 * `123456789012-role-ops`. Keyed by principal, never by access, so moving a
 * principal between admins and viewers updates its one entry (EKS allows one
 * per principal) and swaps only the policy association.
 */
export function principalKey(arn: string): string {
    return arn
        .split(":")
        .slice(4)
        .join("-")
        .replace(/[^A-Za-z0-9-]/g, "-");
}

/** Every principal with its access, admins first. */
function principalAccess(admins: string[], viewers: string[]): Array<[string, Access]> {
    return [
        ...admins.map((arn) => [arn, "admin"] as [string, Access]),
        ...viewers.map((arn) => [arn, "view"] as [string, Access]),
    ];
}

/**
 * Access entries for `@pulumi/eks`: one per principal, keyed by principal
 * (stable when the lists are reordered or a principal changes lists), with one
 * cluster-wide policy association named by its access.
 * `policyArn` turns a policy name into its ARN (the partition is known late).
 */
export function accessEntries<T>(
    admins: string[],
    viewers: string[],
    policyArn: (policy: string) => T,
) {
    return Object.fromEntries(
        principalAccess(admins, viewers).map(([arn, access]) => [
            principalKey(arn),
            {
                principalArn: arn,
                accessPolicies: {
                    [access]: {
                        policyArn: policyArn(ACCESS_POLICIES[access]),
                        accessScope: { type: "cluster" },
                    },
                },
            },
        ]),
    );
}

/**
 * The names 0.1.0 gave the access entries of `eks.Cluster` `name` (keyed by
 * access, then principal) and their policy associations, by today's names.
 * As aliases they let an upgrade keep each entry instead of creating a second
 * one for the same principal, which EKS refuses. Assumes each principal has
 * the access it had under 0.1.0: upgrade first, then move principals.
 */
export function accessEntryAliases(
    name: string,
    admins: string[],
    viewers: string[],
): Record<string, ChildAlias> {
    const aliases: Record<string, ChildAlias> = {};
    for (const [arn, access] of principalAccess(admins, viewers)) {
        const entry = `${name}-${principalKey(arn)}`;
        const was = `${name}-${access}-${principalKey(arn)}`;
        aliases[entry] = { name: was };
        aliases[`${entry}-${access}`] = {
            name: `${was}-${access}`,
            parent: { name: entry, was },
        };
    }
    return aliases;
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
