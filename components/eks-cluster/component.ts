import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EksClusterArgs } from "./args";
import { createNodeAddons } from "./addons";
import {
    createCluster,
    createKubernetesProvider,
    createLaunchTemplate,
    createNodeGroup,
    createRole,
    createSecretsKey,
    createVpc,
} from "./parts";
import { CLUSTER_ROLE, NODE_ROLE, resolveEksCluster, ResolvedEksCluster } from "./config";

/** The component's type token. */
export const EKS_CLUSTER_TYPE = "orchestration:index:EksCluster";

/**
 * An EKS cluster ready for ScalableService: its own IAM roles (exactly the
 * seed's four policies), a dedicated VPC with nodes in private subnets, a
 * managed node group with IMDSv2 required that follows the cluster's
 * Kubernetes version, Secrets encrypted with a KMS key, metrics-server (which
 * HPAs read) and CoreDNS as EKS add-ons, the VPC CNI and kube-proxy at pinned
 * versions, access entries for the listed admins and viewers, and a
 * Kubernetes provider whose objects wait for the node group and the Pod
 * Identity agent.
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
    /** The node launch template: IMDSv2 required, encrypted gp3 root volume, tagged instances and volumes. */
    readonly launchTemplate: aws.ec2.LaunchTemplate;
    /** The managed node group, in the private subnets, on the cluster's Kubernetes version. */
    readonly nodeGroup: eks.ManagedNodeGroup;
    /** metrics-server, as the EKS community add-on. HPAs should depend on it. */
    readonly metricsServer: aws.eks.Addon;
    /** CoreDNS, as the EKS add-on, at the default version for the cluster's Kubernetes version. */
    readonly coreDns: aws.eks.Addon;
    /** The EKS Pod Identity agent, which hands pods the IAM roles `PodIdentityRole` associates. */
    readonly podIdentityAgent: aws.eks.Addon;
    /**
     * A Kubernetes provider for this cluster; pass it to every Kubernetes
     * resource. It is created after the node group and the Pod Identity agent,
     * so what it deploys has nodes, and pods get their association's credentials.
     */
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
        const { tags } = settings;
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        // IAM: exactly the seed's roles and policies.
        const clusterRole = createRole(this, `${name}-cluster-role`, CLUSTER_ROLE, partition, tags);
        const nodeRole = createRole(this, `${name}-node-role`, NODE_ROLE, partition, tags);
        this.clusterRole = clusterRole.role;
        this.nodeRole = nodeRole.role;

        this.secretsKey = createSecretsKey(this, name, settings);
        this.vpc = createVpc(this, name, settings);
        this.cluster = createCluster(this, name, settings, {
            vpc: this.vpc,
            role: clusterRole,
            secretsKey: this.secretsKey,
            partition,
        });
        this.launchTemplate = createLaunchTemplate(this, name, settings);
        this.nodeGroup = createNodeGroup(this, name, settings, {
            cluster: this.cluster,
            vpc: this.vpc,
            role: nodeRole,
            launchTemplate: this.launchTemplate,
        });

        const addons = createNodeAddons(this, name, settings, {
            cluster: this.cluster,
            nodeGroup: this.nodeGroup,
        });
        this.metricsServer = addons.metricsServer;
        this.coreDns = addons.coreDns;
        this.podIdentityAgent = addons.podIdentityAgent;

        this.kubeconfig = pulumi.secret(this.cluster.kubeconfigJson);
        this.provider = createKubernetesProvider(this, name, this.kubeconfig, {
            nodeGroup: this.nodeGroup,
            podIdentityAgent: this.podIdentityAgent,
        });
        this.clusterName = pulumi.output(settings.clusterName);
        this.oidcProviderArn = this.cluster.oidcProviderArn;

        this.registerOutputs({
            clusterName: this.clusterName,
            kubeconfig: this.kubeconfig,
            oidcProviderArn: this.oidcProviderArn,
        });
    }
}
