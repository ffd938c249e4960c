import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
    CLUSTER_PROTECTED_TYPES,
    childOptionsTransform,
    NODE_GROUP_PROTECTED_TYPES,
} from "./childOptions";
import { accessEntries, accessEntryAliases, accessPolicyArn } from "./access";
import {
    CLUSTER_ROLE,
    launchTemplateTagSpecifications,
    managedPolicyArn,
    NODE_ROLE,
    ResolvedEksCluster,
    serviceTrustPolicy,
    SUBNET_TAGS,
} from "./config";
import { amiReleaseParameter, NODE_AMI_TYPES } from "./versions";

/**
 * The steps of `EksCluster`, one function per part of the platform. Each
 * registers its resources as children of `parent` and returns them.
 */

/** An IAM role with its managed-policy attachments. */
export interface RoleWithPolicies {
    role: aws.iam.Role;
    /** What uses the role depends on these, so destroy detaches them last. */
    attachments: aws.iam.RolePolicyAttachment[];
}

/** A role trusted by one AWS service, with exactly the spec's managed policies. */
export function createRole(
    parent: pulumi.Resource,
    name: string,
    spec: typeof CLUSTER_ROLE | typeof NODE_ROLE,
    partition: pulumi.Output<string>,
    tags: Record<string, string>,
): RoleWithPolicies {
    const role = new aws.iam.Role(
        name,
        { assumeRolePolicy: serviceTrustPolicy(spec.service, [...spec.actions]), tags },
        { parent },
    );
    const attachments = spec.policies.map(
        (policy) =>
            new aws.iam.RolePolicyAttachment(
                `${name}-${policy}`,
                {
                    role: role.name,
                    policyArn: partition.apply((p) => managedPolicyArn(p, policy)),
                },
                { parent },
            ),
    );
    return { role, attachments };
}

/**
 * The KMS key that envelope-encrypts the cluster's Kubernetes Secrets, with
 * automatic rotation and a 30-day deletion window.
 */
export function createSecretsKey(
    parent: pulumi.Resource,
    name: string,
    s: ResolvedEksCluster,
): aws.kms.Key {
    return new aws.kms.Key(
        `${name}-secrets`,
        {
            description: `Envelope encryption of Kubernetes Secrets in EKS cluster ${s.clusterName}`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            tags: s.tags,
        },
        { parent, protect: s.protect },
    );
}

/** A dedicated VPC, never the account's default one, with subnets tagged for load balancers. */
export function createVpc(
    parent: pulumi.Resource,
    name: string,
    s: ResolvedEksCluster,
): awsx.ec2.Vpc {
    return new awsx.ec2.Vpc(
        `${name}-vpc`,
        {
            cidrBlock: s.vpcCidr,
            numberOfAvailabilityZones: s.availabilityZones,
            natGateways: { strategy: s.natGateways },
            subnetStrategy: "Auto",
            subnetSpecs: [
                { type: "Public", tags: { ...s.tags, ...SUBNET_TAGS.public } },
                { type: "Private", tags: { ...s.tags, ...SUBNET_TAGS.private } },
            ],
            enableDnsHostnames: true,
            enableDnsSupport: true,
            tags: s.tags,
        },
        { parent },
    );
}

/** What the cluster is built from. */
export interface ClusterInputs {
    vpc: awsx.ec2.Vpc;
    role: RoleWithPolicies;
    secretsKey: aws.kms.Key;
    partition: pulumi.Output<string>;
}

/**
 * The `@pulumi/eks` cluster: API authentication with access entries keyed by
 * principal, the pinned VPC CNI and kube-proxy, and protection narrowed to the
 * control plane (see `childOptionsTransform`).
 */
export function createCluster(
    parent: pulumi.Resource,
    name: string,
    s: ResolvedEksCluster,
    inputs: ClusterInputs,
): eks.Cluster {
    const { vpc, partition } = inputs;
    return new eks.Cluster(
        name,
        {
            name: s.clusterName,
            version: s.kubernetesVersion,
            upgradePolicy: { supportType: "STANDARD" },
            authenticationMode: eks.AuthenticationMode.Api,
            serviceRole: inputs.role.role,
            skipDefaultNodeGroup: true,
            vpcId: vpc.vpcId,
            publicSubnetIds: vpc.publicSubnetIds,
            privateSubnetIds: vpc.privateSubnetIds,
            nodeAssociatePublicIpAddress: false,
            endpointPrivateAccess: true,
            endpointPublicAccess: s.endpointPublicAccess,
            ...(s.endpointPublicAccess ? { publicAccessCidrs: s.publicAccessCidrs } : {}),
            encryptionConfigKeyArn: inputs.secretsKey.arn,
            enabledClusterLogTypes: s.clusterLogTypes,
            createOidcProvider: true,
            accessEntries: accessEntries(s.clusterAdmins, s.clusterViewers, (policy) =>
                partition.apply((p) => accessPolicyArn(p, policy)),
            ),
            // Enforce the NetworkPolicies every ScalableService creates.
            vpcCniOptions: { enableNetworkPolicy: true, addonVersion: s.addonVersions.vpcCni },
            kubeProxyAddonOptions: { version: s.addonVersions.kubeProxy },
            deletionProtection: s.protect,
            tags: s.tags,
        },
        {
            parent,
            protect: s.protect,
            // Destroy deletes the cluster before it detaches the cluster role's policy.
            dependsOn: inputs.role.attachments,
            transforms: [
                childOptionsTransform({
                    protect: s.protect,
                    protectedTypes: CLUSTER_PROTECTED_TYPES,
                    aliases: accessEntryAliases(name, s.clusterAdmins, s.clusterViewers),
                }),
            ],
        },
    );
}

/** The nodes' launch template: IMDSv2 with a hop limit of 1, an encrypted gp3 root volume, tags on what it launches. */
export function createLaunchTemplate(
    parent: pulumi.Resource,
    name: string,
    s: ResolvedEksCluster,
): aws.ec2.LaunchTemplate {
    return new aws.ec2.LaunchTemplate(
        `${name}-nodes`,
        {
            description: `Nodes of EKS cluster ${s.clusterName}`,
            updateDefaultVersion: true,
            // Pods can't borrow the node's credentials (they get their own through IRSA).
            metadataOptions: {
                httpEndpoint: "enabled",
                httpTokens: "required",
                httpPutResponseHopLimit: 1,
            },
            blockDeviceMappings: [
                {
                    deviceName: "/dev/xvda",
                    ebs: {
                        volumeSize: s.nodeGroup.diskSizeGb,
                        volumeType: "gp3",
                        encrypted: "true",
                        deleteOnTermination: "true",
                    },
                },
            ],
            // `tags` tags the template; instances, volumes and ENIs need these.
            tagSpecifications: launchTemplateTagSpecifications(s.tags),
            tags: s.tags,
        },
        { parent },
    );
}

/** What the node group is built from. */
export interface NodeGroupInputs {
    cluster: eks.Cluster;
    vpc: awsx.ec2.Vpc;
    role: RoleWithPolicies;
    launchTemplate: aws.ec2.LaunchTemplate;
}

/**
 * The managed node group: it follows the cluster's Kubernetes version (with a
 * launch template, `@pulumi/eks` doesn't copy it) and runs the AL2023 AMI type
 * of its instance types' architecture, at the pinned release or the latest one
 * for that version.
 */
export function createNodeGroup(
    parent: pulumi.Resource,
    name: string,
    s: ResolvedEksCluster,
    inputs: NodeGroupInputs,
): eks.ManagedNodeGroup {
    const { cluster, launchTemplate } = inputs;
    const version = cluster.eksCluster.version;
    const { architecture } = s.nodeGroup;
    return new eks.ManagedNodeGroup(
        `${name}-nodes`,
        {
            cluster,
            nodeRole: inputs.role.role,
            subnetIds: inputs.vpc.privateSubnetIds,
            instanceTypes: s.nodeGroup.instanceTypes,
            scalingConfig: {
                minSize: s.nodeGroup.minSize,
                desiredSize: s.nodeGroup.desiredSize,
                maxSize: s.nodeGroup.maxSize,
            },
            launchTemplate: {
                id: launchTemplate.id,
                version: launchTemplate.latestVersion.apply(String),
            },
            version,
            // The instance types' architecture's AMI type: x86_64 kept the one it always had.
            amiType: NODE_AMI_TYPES[architecture],
            releaseVersion: nodeReleaseVersion(parent, s, version),
            tags: s.tags,
        },
        {
            parent,
            protect: s.protect,
            // Destroy deletes the nodes before it detaches the node role's policies.
            dependsOn: inputs.role.attachments,
            transforms: [
                childOptionsTransform({
                    protect: s.protect,
                    protectedTypes: NODE_GROUP_PROTECTED_TYPES,
                }),
            ],
        },
    );
}

/** The pinned AMI release, or the latest for the cluster's version and the nodes' architecture. */
function nodeReleaseVersion(
    parent: pulumi.Resource,
    s: ResolvedEksCluster,
    version: pulumi.Output<string>,
): pulumi.Input<string> {
    const { amiReleaseVersion, architecture } = s.nodeGroup;
    return (
        amiReleaseVersion ??
        aws.ssm.getParameterOutput(
            { name: version.apply((v) => amiReleaseParameter(v, architecture)) },
            { parent },
        ).insecureValue
    );
}

/** What every object deployed through the cluster's Kubernetes provider waits for. */
export interface ProviderPrerequisites {
    /** Nodes to run on. */
    nodeGroup: eks.ManagedNodeGroup;
    /**
     * The EKS Pod Identity agent: a pod started before it gets no credentials
     * from its ServiceAccount's association.
     */
    podIdentityAgent: aws.eks.Addon;
}

/**
 * A Kubernetes provider for the cluster, with server-side apply. It is
 * created after the node group and the Pod Identity agent add-on, so every
 * object deployed through it waits for both, whatever its own `dependsOn`.
 */
export function createKubernetesProvider(
    parent: pulumi.Resource,
    name: string,
    kubeconfig: pulumi.Output<string>,
    waitFor: ProviderPrerequisites,
): k8s.Provider {
    return new k8s.Provider(
        `${name}-k8s`,
        { kubeconfig, enableServerSideApply: true },
        { parent, dependsOn: [waitFor.nodeGroup, waitFor.podIdentityAgent] },
    );
}
