import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EksClusterArgs } from "./eksClusterArgs";
import {
    accessEntries,
    accessPolicyArn,
    CLUSTER_ROLE,
    managedPolicyArn,
    NODE_ROLE,
    resolveEksCluster,
    ResolvedEksCluster,
    serviceTrustPolicy,
    SUBNET_TAGS,
} from "./eksClusterConfig";

/** The component's type token. */
export const EKS_CLUSTER_TYPE = "orchestration:index:EksCluster";

/**
 * An EKS cluster ready for ScalableService: its own IAM roles (exactly the
 * seed's four policies), a dedicated VPC with nodes in private subnets, a
 * managed node group with IMDSv2 required, Secrets encrypted with a KMS key,
 * metrics-server (which HPAs read) and CoreDNS as EKS add-ons, access entries
 * for the listed admins and viewers, and a Kubernetes provider whose objects
 * wait for the node group.
 *
 * Defaults are deliberate: STANDARD support (EXTENDED costs 6× as much),
 * access entries (`authenticationMode: API`), a public endpoint only for the
 * listed CIDRs with private access always on, and an IAM OIDC provider.
 */
export class EksCluster extends pulumi.ComponentResource {
    /** The resolved settings, defaults applied. */
    readonly settings: ResolvedEksCluster;
    /** The dedicated VPC. */
    readonly vpc: awsx.ec2.Vpc;
    /** The EKS control plane's service role. */
    readonly clusterRole: aws.iam.Role;
    /** The managed node group's instance role. */
    readonly nodeRole: aws.iam.Role;
    /** The KMS key that envelope-encrypts Kubernetes Secrets. */
    readonly secretsKey: aws.kms.Key;
    /** The `@pulumi/eks` cluster. */
    readonly cluster: eks.Cluster;
    /** The node launch template: IMDSv2 required, encrypted gp3 root volume. */
    readonly launchTemplate: aws.ec2.LaunchTemplate;
    /** The managed node group, in the private subnets. */
    readonly nodeGroup: eks.ManagedNodeGroup;
    /** metrics-server, as the EKS community add-on. HPAs should depend on it. */
    readonly metricsServer: aws.eks.Addon;
    /** CoreDNS, as the EKS add-on, so it is upgraded with the cluster. */
    readonly coreDns: aws.eks.Addon;
    /** The EKS Pod Identity agent, which hands pods the IAM roles `PodIdentityRole` associates. */
    readonly podIdentityAgent: aws.eks.Addon;
    /** A Kubernetes provider for this cluster; pass it to every Kubernetes resource. */
    readonly provider: k8s.Provider;
    /** The cluster's name in AWS. */
    readonly clusterName: pulumi.Output<string>;
    /** The kubeconfig, as a secret JSON string. */
    readonly kubeconfig: pulumi.Output<string>;
    /** The IAM OIDC provider's ARN, for IAM roles for service accounts. */
    readonly oidcProviderArn: pulumi.Output<string>;

    constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        const settings = resolveEksCluster(name, args);
        super(EKS_CLUSTER_TYPE, name, {}, opts);
        this.settings = settings;
        const parent = { parent: this };
        const protect = { parent: this, protect: settings.protect };
        const tags = settings.tags;
        const partition = aws.getPartitionOutput({}, parent).partition;

        // IAM: exactly the seed's roles and policies.
        const attachRole = (suffix: string, spec: typeof CLUSTER_ROLE | typeof NODE_ROLE) => {
            const role = new aws.iam.Role(
                `${name}-${suffix}`,
                { assumeRolePolicy: serviceTrustPolicy(spec.service, [...spec.actions]), tags },
                parent,
            );
            for (const policy of spec.policies) {
                new aws.iam.RolePolicyAttachment(
                    `${name}-${suffix}-${policy}`,
                    {
                        role: role.name,
                        policyArn: partition.apply((p) => managedPolicyArn(p, policy)),
                    },
                    parent,
                );
            }
            return role;
        };
        this.clusterRole = attachRole("cluster-role", CLUSTER_ROLE);
        this.nodeRole = attachRole("node-role", NODE_ROLE);

        this.secretsKey = new aws.kms.Key(
            `${name}-secrets`,
            {
                description: `Envelope encryption of Kubernetes Secrets in EKS cluster ${settings.clusterName}`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                tags,
            },
            protect,
        );

        // Network: a dedicated VPC, never the account's default one.
        this.vpc = new awsx.ec2.Vpc(
            `${name}-vpc`,
            {
                cidrBlock: settings.vpcCidr,
                numberOfAvailabilityZones: settings.availabilityZones,
                natGateways: { strategy: settings.natGateways },
                subnetStrategy: "Auto",
                subnetSpecs: [
                    { type: "Public", tags: { ...tags, ...SUBNET_TAGS.public } },
                    { type: "Private", tags: { ...tags, ...SUBNET_TAGS.private } },
                ],
                enableDnsHostnames: true,
                enableDnsSupport: true,
                tags,
            },
            parent,
        );

        this.cluster = new eks.Cluster(
            name,
            {
                name: settings.clusterName,
                version: settings.kubernetesVersion,
                upgradePolicy: { supportType: "STANDARD" },
                authenticationMode: eks.AuthenticationMode.Api,
                serviceRole: this.clusterRole,
                skipDefaultNodeGroup: true,
                vpcId: this.vpc.vpcId,
                publicSubnetIds: this.vpc.publicSubnetIds,
                privateSubnetIds: this.vpc.privateSubnetIds,
                nodeAssociatePublicIpAddress: false,
                endpointPrivateAccess: true,
                endpointPublicAccess: settings.endpointPublicAccess,
                ...(settings.endpointPublicAccess
                    ? { publicAccessCidrs: settings.publicAccessCidrs }
                    : {}),
                encryptionConfigKeyArn: this.secretsKey.arn,
                enabledClusterLogTypes: settings.clusterLogTypes,
                createOidcProvider: true,
                accessEntries: accessEntries(
                    settings.clusterAdmins,
                    settings.clusterViewers,
                    (policy) => partition.apply((p) => accessPolicyArn(p, policy)),
                ),
                // Enforce the NetworkPolicies every ScalableService creates.
                vpcCniOptions: { enableNetworkPolicy: true },
                deletionProtection: settings.protect,
                tags,
            },
            protect,
        );

        // Nodes: IMDSv2 only, with a hop limit of 1 so pods can't borrow the
        // node's credentials (they get their own through IRSA).
        this.launchTemplate = new aws.ec2.LaunchTemplate(
            `${name}-nodes`,
            {
                description: `Nodes of EKS cluster ${settings.clusterName}`,
                updateDefaultVersion: true,
                metadataOptions: {
                    httpEndpoint: "enabled",
                    httpTokens: "required",
                    httpPutResponseHopLimit: 1,
                },
                blockDeviceMappings: [
                    {
                        deviceName: "/dev/xvda",
                        ebs: {
                            volumeSize: settings.nodeGroup.diskSizeGb,
                            volumeType: "gp3",
                            encrypted: "true",
                            deleteOnTermination: "true",
                        },
                    },
                ],
                tags,
            },
            parent,
        );
        this.nodeGroup = new eks.ManagedNodeGroup(
            `${name}-nodes`,
            {
                cluster: this.cluster,
                nodeRole: this.nodeRole,
                subnetIds: this.vpc.privateSubnetIds,
                instanceTypes: settings.nodeGroup.instanceTypes,
                scalingConfig: {
                    minSize: settings.nodeGroup.minSize,
                    desiredSize: settings.nodeGroup.desiredSize,
                    maxSize: settings.nodeGroup.maxSize,
                },
                launchTemplate: {
                    id: this.launchTemplate.id,
                    version: this.launchTemplate.latestVersion.apply(String),
                },
                tags,
            },
            protect,
        );

        // Add-ons that need nodes to run on, so they wait for the node group.
        // metrics-server: EKS ships none, and without it every HPA shows <unknown>.
        // CoreDNS: without the default node group, @pulumi/eks leaves the bootstrap
        // copy unmanaged; as an add-on it is upgraded with the cluster.
        const addon = (addonName: string, addonVersion: string | undefined) =>
            new aws.eks.Addon(
                `${name}-${addonName}`,
                {
                    clusterName: settings.clusterName,
                    addonName,
                    ...(addonVersion ? { addonVersion } : {}),
                    resolveConflictsOnCreate: "OVERWRITE",
                    resolveConflictsOnUpdate: "PRESERVE",
                    tags,
                },
                {
                    parent: this,
                    dependsOn: [this.cluster, this.nodeGroup],
                    // The cluster's name is a plain value, so a replaced cluster would
                    // leave the add-on's state pointing at the old one. Its OIDC
                    // issuer is unique per cluster: a new one recreates the add-on.
                    replacementTrigger: this.cluster.oidcIssuer,
                },
            );
        this.metricsServer = addon("metrics-server", settings.metricsServerVersion);
        this.coreDns = addon("coredns", undefined);
        // Pod Identity: a DaemonSet that serves each pod the credentials of its association.
        this.podIdentityAgent = addon("eks-pod-identity-agent", undefined);

        this.kubeconfig = pulumi.secret(this.cluster.kubeconfigJson);
        // Objects deployed through the provider wait for nodes to run on.
        this.provider = new k8s.Provider(
            `${name}-k8s`,
            { kubeconfig: this.kubeconfig, enableServerSideApply: true },
            { parent: this, dependsOn: [this.nodeGroup] },
        );
        this.clusterName = pulumi.output(settings.clusterName);
        this.oidcProviderArn = this.cluster.oidcProviderArn;

        this.registerOutputs({
            clusterName: this.clusterName,
            kubeconfig: this.kubeconfig,
            oidcProviderArn: this.oidcProviderArn,
        });
    }
}
