import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import { ResolvedEksCluster } from "./config";

/**
 * The EKS add-ons of `EksCluster` that run on its nodes. Each registers as a
 * child of `parent` after the node group.
 */

/** What an add-on is installed into, and its tags. */
export interface AddonDeps {
    cluster: eks.Cluster;
    nodeGroup: eks.ManagedNodeGroup;
    tags: Record<string, string>;
}

/** The add-ons `createNodeAddons` installs. */
export interface NodeAddons {
    metricsServer: aws.eks.Addon;
    coreDns: aws.eks.Addon;
    podIdentityAgent: aws.eks.Addon;
}

/**
 * Add-ons that need nodes to run on, in this order: metrics-server (at
 * `metricsServerVersion` if pinned), CoreDNS and the EKS Pod Identity agent.
 */
export function createNodeAddons(
    parent: pulumi.Resource,
    name: string,
    s: ResolvedEksCluster,
    nodes: { cluster: eks.Cluster; nodeGroup: eks.ManagedNodeGroup },
): NodeAddons {
    const deps: AddonDeps = { cluster: nodes.cluster, nodeGroup: nodes.nodeGroup, tags: s.tags };
    // metrics-server: EKS ships none, and without it every HPA shows <unknown>.
    // CoreDNS: without the default node group, @pulumi/eks leaves the bootstrap
    // copy unmanaged.
    const metricsServer = createAddon(parent, name, "metrics-server", s.metricsServerVersion, deps);
    const coreDns = createAddon(parent, name, "coredns", undefined, deps);
    // Pod Identity: a DaemonSet that serves each pod the credentials of its association.
    const podIdentityAgent = createAddon(parent, name, "eks-pod-identity-agent", undefined, deps);
    return { metricsServer, coreDns, podIdentityAgent };
}

/**
 * An EKS add-on that runs on the nodes, so it waits for the node group. Its
 * version is `pinned`, or the one EKS marks as default for the cluster's
 * Kubernetes version, so it moves with a Kubernetes upgrade.
 */
export function createAddon(
    parent: pulumi.Resource,
    name: string,
    addonName: string,
    pinned: string | undefined,
    deps: AddonDeps,
): aws.eks.Addon {
    const { cluster } = deps;
    const addonVersion =
        pinned ??
        aws.eks.getAddonVersionOutput(
            { addonName, kubernetesVersion: cluster.eksCluster.version, mostRecent: false },
            { parent },
        ).version;
    return new aws.eks.Addon(
        `${name}-${addonName}`,
        {
            // The name as the cluster's output: the add-on follows the cluster it reads it from.
            clusterName: cluster.eksCluster.name,
            addonName,
            addonVersion,
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "PRESERVE",
            tags: deps.tags,
        },
        {
            parent,
            dependsOn: [cluster, deps.nodeGroup],
            // The add-on's ID (`cluster:addon`) survives a replacement: the old one
            // must be deleted before the new one is created, not after.
            deleteBeforeReplace: true,
            // A replaced cluster keeps its name; its OIDC issuer is new, and
            // recreates the add-on in it.
            replacementTrigger: cluster.oidcIssuer,
        },
    );
}
