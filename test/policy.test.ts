import { strict as assert } from "assert";
import { GuardrailPolicy, POLICIES, RuleArgs } from "../policy/rules";
import { evaluateStack, STACKS } from "./stacks";

/** Runs one policy on one resource, with optional policy config; returns the violations. */
function violations(
    policy: GuardrailPolicy,
    type: string,
    props: Record<string, any>,
    config: object = {},
): string[] {
    const found: string[] = [];
    const args: RuleArgs = {
        type,
        name: "r",
        props,
        getConfig: <T extends object>() => config as T,
    };
    policy.validateResource(args, (message) => found.push(message ?? ""));
    return found;
}

const policy = (name: string): GuardrailPolicy => {
    const p = POLICIES.find((x) => x.name === name);
    assert.ok(p, `no policy ${name}`);
    return p;
};

/** A compliant eks:index:Cluster, as the program declares it. */
const goodCluster = (extra: Record<string, any> = {}) => ({
    vpcId: "vpc-1",
    privateSubnetIds: ["subnet-a", "subnet-b"],
    endpointPublicAccess: true,
    publicAccessCidrs: ["203.0.113.7/32"],
    encryptionConfigKeyArn: "arn:aws:kms:us-west-2:1:key/k",
    upgradePolicy: { supportType: "STANDARD" },
    enabledClusterLogTypes: ["api", "audit", "authenticator"],
    tags: { stack: "prod" },
    ...extra,
});

/** The same cluster as the aws resource @pulumi/eks creates inside the component. */
const goodAwsCluster = (extra: Record<string, any> = {}) => ({
    vpcConfig: {
        subnetIds: ["subnet-a"],
        endpointPublicAccess: true,
        publicAccessCidrs: ["203.0.113.7/32"],
    },
    encryptionConfig: {
        resources: ["secrets"],
        provider: { keyArn: "arn:aws:kms:us-west-2:1:key/k" },
    },
    upgradePolicy: { supportType: "STANDARD" },
    enabledClusterLogTypes: ["api", "audit", "authenticator"],
    tags: { stack: "prod" },
    ...extra,
});

describe("the eks-guardrails policy pack (pure rules)", () => {
    it("has seven mandatory policies, each named and described", () => {
        assert.deepEqual(
            POLICIES.map((p) => p.name),
            [
                "eks-no-default-vpc",
                "eks-endpoint-not-open-to-world",
                "eks-secrets-encrypted-with-kms",
                "eks-nodes-require-imdsv2",
                "eks-control-plane-logging-in-production",
                "no-ssh-open-to-world",
                "eks-standard-support",
            ],
        );
        for (const p of POLICIES) {
            assert.equal(p.enforcementLevel, "mandatory");
            assert.ok(p.description.length > 30, p.name);
        }
    });

    describe("passes on every resource each stack registers (under mocks)", function () {
        for (const stack of STACKS) {
            it(stack, async function () {
                const { mocks } = await evaluateStack(stack);
                const found: string[] = [];
                for (const r of mocks.resources) {
                    for (const p of POLICIES) {
                        found.push(
                            ...violations(p, r.type, r.inputs).map(
                                (v) => `${p.name} on ${r.type} ${r.name}: ${v}`,
                            ),
                        );
                    }
                }
                assert.deepEqual(found, []);
                if (stack !== "local") {
                    assert.equal(
                        mocks.ofType("eks:index:Cluster").length,
                        1,
                        "the rules saw the cluster",
                    );
                }
            });
        }
    });

    it("eks-no-default-vpc: fails a cluster without a VPC, and any default VPC", () => {
        const p = policy("eks-no-default-vpc");
        assert.deepEqual(violations(p, "eks:index:Cluster", goodCluster()), []);
        assert.match(
            violations(p, "eks:index:Cluster", goodCluster({ vpcId: undefined }))[0],
            /without them @pulumi\/eks uses the account's default VPC/,
        );
        assert.equal(violations(p, "aws:ec2/defaultVpc:DefaultVpc", {}).length, 1);
        assert.deepEqual(violations(p, "aws:eks/cluster:Cluster", goodAwsCluster()), []);
        assert.equal(
            violations(
                p,
                "aws:eks/cluster:Cluster",
                goodAwsCluster({ vpcConfig: { subnetIds: [] } }),
            ).length,
            1,
        );
    });

    it("eks-endpoint-not-open-to-world: fails 0.0.0.0/0 and the open default; passes a private endpoint", () => {
        const p = policy("eks-endpoint-not-open-to-world");
        assert.match(
            violations(
                p,
                "eks:index:Cluster",
                goodCluster({ publicAccessCidrs: ["0.0.0.0/0"] }),
            )[0],
            /opens the API endpoint to the whole internet/,
        );
        assert.match(
            violations(p, "eks:index:Cluster", goodCluster({ publicAccessCidrs: undefined }))[0],
            /open to 0\.0\.0\.0\/0 by default/,
        );
        assert.deepEqual(
            violations(
                p,
                "eks:index:Cluster",
                goodCluster({ endpointPublicAccess: false, publicAccessCidrs: undefined }),
            ),
            [],
        );
        assert.equal(
            violations(
                p,
                "aws:eks/cluster:Cluster",
                goodAwsCluster({
                    vpcConfig: {
                        subnetIds: ["s"],
                        endpointPublicAccess: true,
                        publicAccessCidrs: ["::/0"],
                    },
                }),
            ).length,
            1,
        );
        assert.deepEqual(violations(p, "aws:eks/cluster:Cluster", goodAwsCluster()), []);
    });

    it("eks-secrets-encrypted-with-kms: fails a cluster without a key", () => {
        const p = policy("eks-secrets-encrypted-with-kms");
        assert.deepEqual(violations(p, "eks:index:Cluster", goodCluster()), []);
        assert.equal(
            violations(p, "eks:index:Cluster", goodCluster({ encryptionConfigKeyArn: undefined }))
                .length,
            1,
        );
        assert.deepEqual(violations(p, "aws:eks/cluster:Cluster", goodAwsCluster()), []);
        assert.equal(
            violations(
                p,
                "aws:eks/cluster:Cluster",
                goodAwsCluster({ encryptionConfig: undefined }),
            ).length,
            1,
        );
    });

    it("eks-nodes-require-imdsv2: fails optional tokens and node groups without a launch template", () => {
        const p = policy("eks-nodes-require-imdsv2");
        assert.deepEqual(
            violations(p, "aws:ec2/launchTemplate:LaunchTemplate", {
                metadataOptions: { httpTokens: "required" },
            }),
            [],
        );
        assert.match(
            violations(p, "aws:ec2/launchTemplate:LaunchTemplate", {
                metadataOptions: { httpTokens: "optional" },
            })[0],
            /IMDSv2/,
        );
        assert.equal(violations(p, "aws:ec2/instance:Instance", {}).length, 1);
        assert.equal(violations(p, "eks:index:ManagedNodeGroup", {}).length, 1);
        assert.deepEqual(
            violations(p, "eks:index:ManagedNodeGroup", {
                launchTemplate: { id: "lt", version: "1" },
            }),
            [],
        );
    });

    it("eks-control-plane-logging-in-production: fails a prod cluster without logs, not a dev one", () => {
        const p = policy("eks-control-plane-logging-in-production");
        assert.deepEqual(violations(p, "eks:index:Cluster", goodCluster()), []);
        assert.match(
            violations(p, "eks:index:Cluster", goodCluster({ enabledClusterLogTypes: ["api"] }))[0],
            /Production stack "prod" must enable the audit, authenticator control-plane logs/,
        );
        assert.deepEqual(
            violations(
                p,
                "eks:index:Cluster",
                goodCluster({ enabledClusterLogTypes: [], tags: { stack: "dev" } }),
            ),
            [],
        );
        assert.equal(
            violations(
                p,
                "aws:eks/cluster:Cluster",
                goodAwsCluster({ enabledClusterLogTypes: [], tags: { stack: "staging" } }),
                { productionStacks: ["staging"] },
            ).length,
            1,
        );
    });

    it("no-ssh-open-to-world: fails port 22 open to the world in every form", () => {
        const p = policy("no-ssh-open-to-world");
        const world22 = { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] };
        assert.equal(
            violations(p, "aws:ec2/securityGroup:SecurityGroup", { ingress: [world22] }).length,
            1,
        );
        assert.equal(
            violations(p, "aws:ec2/securityGroup:SecurityGroup", {
                ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"] }],
            }).length,
            1,
        );
        assert.deepEqual(
            violations(p, "aws:ec2/securityGroup:SecurityGroup", {
                ingress: [{ ...world22, fromPort: 443, toPort: 443 }],
            }),
            [],
        );
        assert.deepEqual(
            violations(p, "aws:ec2/securityGroup:SecurityGroup", {
                ingress: [{ ...world22, cidrBlocks: ["10.0.0.0/8"] }],
            }),
            [],
        );
        assert.equal(
            violations(p, "aws:ec2/securityGroupRule:SecurityGroupRule", {
                type: "ingress",
                ...world22,
                fromPort: 0,
                toPort: 65535,
            }).length,
            1,
        );
        assert.deepEqual(
            violations(p, "aws:ec2/securityGroupRule:SecurityGroupRule", {
                type: "egress",
                ...world22,
            }),
            [],
        );
        assert.equal(
            violations(p, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", {
                cidrIpv4: "0.0.0.0/0",
                fromPort: 22,
                toPort: 22,
                ipProtocol: "tcp",
            }).length,
            1,
        );
        assert.equal(
            violations(p, "eks:index:ManagedNodeGroup", {
                launchTemplate: {},
                remoteAccess: { ec2SshKey: "k" },
            }).length,
            1,
        );
        assert.deepEqual(
            violations(p, "eks:index:ManagedNodeGroup", {
                remoteAccess: { ec2SshKey: "k", sourceSecurityGroupIds: ["sg-1"] },
            }),
            [],
        );
    });

    it("eks-standard-support: fails EXTENDED and the unset default, unless allowed", () => {
        const p = policy("eks-standard-support");
        assert.deepEqual(violations(p, "eks:index:Cluster", goodCluster()), []);
        assert.match(
            violations(p, "eks:index:Cluster", goodCluster({ upgradePolicy: undefined }))[0],
            /unset \(EXTENDED by default\)/,
        );
        assert.match(
            violations(
                p,
                "aws:eks/cluster:Cluster",
                goodAwsCluster({ upgradePolicy: { supportType: "EXTENDED" } }),
            )[0],
            /"EXTENDED"/,
        );
        assert.deepEqual(
            violations(
                p,
                "aws:eks/cluster:Cluster",
                goodAwsCluster({ upgradePolicy: { supportType: "EXTENDED" } }),
                { allowExtendedSupport: true },
            ),
            [],
        );
    });
});
