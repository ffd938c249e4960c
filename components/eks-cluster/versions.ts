import type { CpuArchitecture } from "./instanceArchitecture";
import type { Check } from "../shared/validation";

/**
 * What decides the software on an EKS cluster's nodes, in one place: the
 * pinned VPC CNI and kube-proxy add-on versions, the nodes' AMI type, and the
 * public SSM parameter that names the latest AMI release. Pure: the
 * component reads these; nothing here talks to AWS.
 */

/** Pinned versions of the add-ons that run on every node. */
export interface NodeAddonVersions {
    /** The `vpc-cni` add-on (aws-node DaemonSet), for example `v1.22.4-eksbuild.3`. */
    vpcCni: string;
    /** The `kube-proxy` add-on; its minor version must be the cluster's, for example `v1.35.3-eksbuild.29`. */
    kubeProxy: string;
}

/**
 * The VPC CNI and kube-proxy versions, per Kubernetes minor version: the one
 * place they are pinned. Both run as DaemonSets on every node, so a new version
 * rolls every node's networking; pinning them means that happens only when
 * this table (or `addonVersions`) changes, never because AWS shipped a build.
 *
 * To add a Kubernetes version, or move to newer builds, take the versions from
 * `aws eks describe-addon-versions --kubernetes-version <v> --addon-name vpc-cni`
 * (and `kube-proxy`), and review the release notes first.
 */
export const PINNED_ADDON_VERSIONS: Readonly<Record<string, Readonly<NodeAddonVersions>>> = {
    "1.34": { vpcCni: "v1.22.4-eksbuild.3", kubeProxy: "v1.34.6-eksbuild.2" },
    "1.35": { vpcCni: "v1.22.4-eksbuild.3", kubeProxy: "v1.35.3-eksbuild.29" },
};

/**
 * The nodes' AMI type per processor architecture: the standard Amazon Linux
 * 2023 AMI for the instance types' architecture (`instanceArchitecture`).
 * An x86_64 node group keeps the AMI type it always had.
 */
export const NODE_AMI_TYPES: Readonly<Record<CpuArchitecture, string>> = {
    x86_64: "AL2023_x86_64_STANDARD",
    arm64: "AL2023_ARM_64_STANDARD",
};

/**
 * The public SSM parameter holding the latest EKS-optimized AMI release for
 * `kubernetesVersion` and the `NODE_AMI_TYPES` entry of `architecture`, for
 * example `1.35.3-20260601`.
 * @param kubernetesVersion The cluster's Kubernetes minor version, such as `1.35`.
 * @param architecture The nodes' processor architecture. @default "x86_64"
 */
export function amiReleaseParameter(
    kubernetesVersion: string,
    architecture: CpuArchitecture = "x86_64",
): string {
    return `/aws/service/eks/optimized-ami/${kubernetesVersion}/amazon-linux-2023/${architecture}/standard/recommended/release_version`;
}

/** An EKS add-on version, such as `v1.22.4-eksbuild.3`. */
export const ADDON_VERSION = /^v\d+\.\d+\.\d+-eksbuild\.\d+$/;
/** An EKS AMI release version, such as `1.35.3-20260601`; the first group is the Kubernetes minor. */
export const AMI_RELEASE_VERSION = /^(\d+\.\d+)\.\d+-\d{8}$/;

/**
 * The node add-on versions for `kubernetesVersion`: the overrides where given,
 * else the pinned table. Records an issue when the table has no entry and no
 * override is given, or when an override is malformed or kube-proxy's minor
 * version isn't the cluster's. `name` maps an argument path to what the user
 * wrote, for messages that point at another field.
 */
export function resolveNodeAddonVersions(
    kubernetesVersion: string,
    overrides: Partial<NodeAddonVersions>,
    check: Check,
    name: (path: string) => string = (p) => p,
): NodeAddonVersions | undefined {
    const pinned = PINNED_ADDON_VERSIONS[kubernetesVersion];
    const vpcCni = overrides.vpcCni ?? pinned?.vpcCni;
    const kubeProxy = overrides.kubeProxy ?? pinned?.kubeProxy;
    if (vpcCni === undefined || kubeProxy === undefined) {
        check(
            false,
            "kubernetesVersion",
            kubernetesVersion,
            `has no pinned VPC CNI and kube-proxy versions (pinned: ${Object.keys(PINNED_ADDON_VERSIONS).join(", ")}); ` +
                `set '${name("addonVersions.vpcCni")}' and '${name("addonVersions.kubeProxy")}', or add it to PINNED_ADDON_VERSIONS`,
        );
        return undefined;
    }
    const vpcCniOk = check(
        ADDON_VERSION.test(vpcCni),
        "addonVersions.vpcCni",
        vpcCni,
        "must be an EKS add-on version such as v1.22.4-eksbuild.3",
    );
    const kubeProxyOk =
        check(
            ADDON_VERSION.test(kubeProxy),
            "addonVersions.kubeProxy",
            kubeProxy,
            "must be an EKS add-on version such as v1.35.3-eksbuild.29",
        ) &&
        check(
            kubeProxy.startsWith(`v${kubernetesVersion}.`),
            "addonVersions.kubeProxy",
            kubeProxy,
            `must be a kube-proxy for the cluster's Kubernetes version ('${name("kubernetesVersion")}' is "${kubernetesVersion}")`,
        );
    return vpcCniOk && kubeProxyOk ? { vpcCni, kubeProxy } : undefined;
}

/**
 * Checks a pinned AMI release against the cluster's version: a release of
 * another Kubernetes minor would fail the node group's update.
 */
export function checkAmiReleaseVersion(
    release: string,
    kubernetesVersion: string,
    check: Check,
    name: (path: string) => string = (p) => p,
): boolean {
    const match = AMI_RELEASE_VERSION.exec(release);
    return (
        check(
            match !== null,
            "nodeGroup.amiReleaseVersion",
            release,
            "must be an EKS AMI release version such as 1.35.3-20260601",
        ) &&
        check(
            match![1] === kubernetesVersion,
            "nodeGroup.amiReleaseVersion",
            release,
            `must be a release for the cluster's Kubernetes version ('${name("kubernetesVersion")}' is "${kubernetesVersion}")`,
        )
    );
}
