import type {
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
} from "@pulumi/policy";

/**
 * The EKS guardrails of the policy pack, from the CIS EKS Benchmark and the
 * EKS best-practices guide. Pure: each policy reads a resource's type and
 * properties, so tests evaluate them on resources recorded under mocks.
 *
 * Rules cover both the `@pulumi/eks` components (what the program declares)
 * and the `aws` resources they create (what `pulumi preview` sees inside them).
 */

type Props = Record<string, any>;

/** What a rule needs of a resource; `ResourceValidationArgs` provides it. */
export type RuleArgs = Pick<ResourceValidationArgs, "type" | "name" | "props" | "getConfig">;

/** The policy pack's configuration, with its defaults. Each policy reads its own keys. */
export interface GuardrailsConfig {
    /** Stacks, by the EKS cluster's `stack` tag, that must send control-plane logs. */
    productionStacks: string[];
    /** Allow `upgradePolicy.supportType: EXTENDED` (6× the control-plane price). */
    allowExtendedSupport: boolean;
}

/** Defaults of the policy config. */
export const CONFIG_DEFAULTS: GuardrailsConfig = {
    productionStacks: ["prod"],
    allowExtendedSupport: false,
};

/** The control-plane log types production clusters must enable. */
export const REQUIRED_LOG_TYPES = ["api", "audit", "authenticator"];

const EKS_COMPONENT = "eks:index:Cluster";
const EKS_CLUSTER = "aws:eks/cluster:Cluster";
const WORLD = ["0.0.0.0/0", "::/0"];

function config(args: RuleArgs): GuardrailsConfig {
    let given: Partial<GuardrailsConfig> = {};
    try {
        given = args.getConfig<Partial<GuardrailsConfig>>() ?? {};
    } catch {
        // No config was passed: the defaults apply.
    }
    return { ...CONFIG_DEFAULTS, ...given };
}

function isWorld(cidr: unknown): boolean {
    return typeof cidr === "string" && WORLD.includes(cidr);
}

/** The shortest prefix a public endpoint may allow: 0.0.0.0/1 twice is the internet too. */
const MIN_ENDPOINT_PREFIX = 8;

function isTooBroad(cidr: unknown): boolean {
    return (
        isWorld(cidr) ||
        (typeof cidr === "string" && Number(cidr.split("/")[1]) < MIN_ENDPOINT_PREFIX)
    );
}

function coversSsh(from: unknown, to: unknown, protocol: unknown): boolean {
    if (protocol === "-1" || protocol === "all") {
        return true;
    }
    const lo = Number(from ?? 0);
    const hi = Number(to ?? from ?? 0);
    return (
        (protocol === undefined || protocol === "tcp" || protocol === "6") && lo <= 22 && 22 <= hi
    );
}

/** A policy of this pack: a ResourceValidationPolicy with one validation function. */
export interface GuardrailPolicy extends ResourceValidationPolicy {
    validateResource: (args: RuleArgs, reportViolation: ReportViolation) => void;
}

const noDefaultVpc: GuardrailPolicy = {
    name: "eks-no-default-vpc",
    description:
        "EKS clusters run in a dedicated VPC with explicit subnets, never the account's default VPC.",
    enforcementLevel: "mandatory",
    validateResource: ({ type, props }, report) => {
        if (
            type === "aws:ec2/defaultVpc:DefaultVpc" ||
            type === "aws:ec2/defaultSubnet:DefaultSubnet"
        ) {
            report("Don't adopt the account's default VPC or subnets: create a dedicated VPC.");
        }
        if (
            type === EKS_COMPONENT &&
            (!props.vpcId || !(props.privateSubnetIds?.length || props.subnetIds?.length))
        ) {
            report(
                "Set 'vpcId' and the subnet IDs: without them @pulumi/eks uses the account's default VPC.",
            );
        }
        if (type === EKS_CLUSTER && !(props.vpcConfig?.subnetIds?.length > 0)) {
            report(
                "'vpcConfig.subnetIds' is empty: give the cluster the subnets of a dedicated VPC.",
            );
        }
    },
};

const endpointNotWorld: GuardrailPolicy = {
    name: "eks-endpoint-not-open-to-world",
    description:
        "The public API endpoint is private, or limited to listed CIDRs other than 0.0.0.0/0 (CIS EKS 5.4.2).",
    enforcementLevel: "mandatory",
    validateResource: ({ type, props }, report) => {
        const check = (publicAccess: unknown, cidrs: unknown, field: string) => {
            if (publicAccess === false) {
                return;
            }
            if (!Array.isArray(cidrs) || cidrs.length === 0) {
                report(
                    `The public endpoint is open to 0.0.0.0/0 by default: set '${field}' to the networks that need it, or turn public access off.`,
                );
            } else if (cidrs.some(isTooBroad)) {
                report(
                    `'${field}' (${JSON.stringify(cidrs)}) opens the API endpoint to the whole internet, or a large part of it (a prefix shorter than /${MIN_ENDPOINT_PREFIX}).`,
                );
            }
        };
        if (type === EKS_COMPONENT) {
            check(props.endpointPublicAccess, props.publicAccessCidrs, "publicAccessCidrs");
        }
        if (type === EKS_CLUSTER) {
            check(
                props.vpcConfig?.endpointPublicAccess,
                props.vpcConfig?.publicAccessCidrs,
                "vpcConfig.publicAccessCidrs",
            );
        }
    },
};

const secretsEncrypted: GuardrailPolicy = {
    name: "eks-secrets-encrypted-with-kms",
    description: "Kubernetes Secrets are envelope-encrypted with a KMS key (CIS EKS 5.3.1).",
    enforcementLevel: "mandatory",
    validateResource: ({ type, props }, report) => {
        if (type === EKS_COMPONENT && !props.encryptionConfigKeyArn) {
            report("Set 'encryptionConfigKeyArn' to a KMS key, so Secrets are envelope-encrypted.");
        }
        if (type === EKS_CLUSTER) {
            const configs: Props[] = props.encryptionConfig ? [props.encryptionConfig].flat() : [];
            const ok = configs.some((c) => c.resources?.includes("secrets") && c.provider?.keyArn);
            if (!ok) {
                report("'encryptionConfig' must encrypt 'secrets' with a KMS key.");
            }
        }
    },
};

const imdsV2: GuardrailPolicy = {
    name: "eks-nodes-require-imdsv2",
    description:
        "Nodes require IMDSv2 tokens, so a pod can't read instance credentials through a simple SSRF.",
    enforcementLevel: "mandatory",
    validateResource: ({ type, props }, report) => {
        if (
            type === "aws:ec2/launchTemplate:LaunchTemplate" ||
            type === "aws:ec2/instance:Instance"
        ) {
            if (props.metadataOptions?.httpTokens !== "required") {
                report("Set 'metadataOptions.httpTokens' to \"required\" (IMDSv2).");
            }
        }
        if (
            (type === "eks:index:ManagedNodeGroup" || type === "aws:eks/nodeGroup:NodeGroup") &&
            !props.launchTemplate
        ) {
            report(
                "Give the node group a launch template that requires IMDSv2; the default one leaves it to the AMI.",
            );
        }
    },
};

const controlPlaneLogs: GuardrailPolicy = {
    name: "eks-control-plane-logging-in-production",
    description: `Production clusters (by their 'stack' tag) send the ${REQUIRED_LOG_TYPES.join(", ")} control-plane logs (CIS EKS 2.1.1).`,
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            productionStacks: {
                type: "array",
                items: { type: "string" },
                default: CONFIG_DEFAULTS.productionStacks,
            },
        },
    },
    validateResource: (args, report) => {
        const { type, props } = args;
        if (type !== EKS_COMPONENT && type !== EKS_CLUSTER) {
            return;
        }
        const stack = props.tags?.stack as string | undefined;
        if (stack === undefined || !config(args).productionStacks.includes(stack)) {
            return;
        }
        const enabled: string[] = props.enabledClusterLogTypes ?? [];
        const missing = REQUIRED_LOG_TYPES.filter((t) => !enabled.includes(t));
        if (missing.length > 0) {
            report(
                `Production stack "${stack}" must enable the ${missing.join(", ")} control-plane logs ('enabledClusterLogTypes').`,
            );
        }
    },
};

const noWorldSsh: GuardrailPolicy = {
    name: "no-ssh-open-to-world",
    description: "No security group or node group opens SSH (port 22) to 0.0.0.0/0 or ::/0.",
    enforcementLevel: "mandatory",
    validateResource: ({ type, props }, report) => {
        if (type === "aws:ec2/securityGroup:SecurityGroup") {
            for (const rule of (props.ingress ?? []) as Props[]) {
                const world = [...(rule.cidrBlocks ?? []), ...(rule.ipv6CidrBlocks ?? [])].some(
                    isWorld,
                );
                if (world && coversSsh(rule.fromPort, rule.toPort, rule.protocol)) {
                    report("An ingress rule opens SSH (22) to the whole internet.");
                }
            }
        }
        if (type === "aws:ec2/securityGroupRule:SecurityGroupRule" && props.type === "ingress") {
            const world = [...(props.cidrBlocks ?? []), ...(props.ipv6CidrBlocks ?? [])].some(
                isWorld,
            );
            if (world && coversSsh(props.fromPort, props.toPort, props.protocol)) {
                report("This ingress rule opens SSH (22) to the whole internet.");
            }
        }
        if (type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
            if (
                (isWorld(props.cidrIpv4) || isWorld(props.cidrIpv6)) &&
                coversSsh(props.fromPort, props.toPort, props.ipProtocol)
            ) {
                report("This ingress rule opens SSH (22) to the whole internet.");
            }
        }
        if (
            (type === "eks:index:ManagedNodeGroup" || type === "aws:eks/nodeGroup:NodeGroup") &&
            props.remoteAccess?.ec2SshKey
        ) {
            if (!(props.remoteAccess.sourceSecurityGroupIds?.length > 0)) {
                report(
                    "'remoteAccess' with an SSH key and no 'sourceSecurityGroupIds' opens SSH to the whole internet.",
                );
            }
        }
    },
};

const standardSupport: GuardrailPolicy = {
    name: "eks-standard-support",
    description:
        "Clusters use STANDARD support unless EXTENDED is asked for: @pulumi/eks defaults to EXTENDED, at $0.60/h against $0.10/h.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            allowExtendedSupport: {
                type: "boolean",
                default: CONFIG_DEFAULTS.allowExtendedSupport,
            },
        },
    },
    validateResource: (args, report) => {
        const { type, props } = args;
        if (type !== EKS_COMPONENT && type !== EKS_CLUSTER) {
            return;
        }
        const support = props.upgradePolicy?.supportType as string | undefined;
        if (support !== "STANDARD" && !config(args).allowExtendedSupport) {
            report(
                `'upgradePolicy.supportType' is ${support ? JSON.stringify(support) : "unset (EXTENDED by default)"}: set it to "STANDARD", or set 'allowExtendedSupport' in the policy config.`,
            );
        }
    },
};

/** Every policy of the pack. */
export const POLICIES: GuardrailPolicy[] = [
    noDefaultVpc,
    endpointNotWorld,
    secretsEncrypted,
    imdsV2,
    controlPlaneLogs,
    noWorldSsh,
    standardSupport,
];
