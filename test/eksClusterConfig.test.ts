import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { EKS_DEFAULTS, EksClusterArgs } from "../components/eksClusterArgs";
import {
    accessEntries,
    accessPolicyArn,
    managedPolicyArn,
    resolveEksCluster,
    serviceTrustPolicy,
} from "../components/eksClusterConfig";
import { APP_DEFAULTS } from "../program/config";
import { ROOT } from "./stacks";

const ok = { publicAccessCidrs: ["198.51.100.0/24"] };

describe("EksCluster settings (pure)", () => {
    it("applies documented defaults", () => {
        const r = resolveEksCluster("platform", ok);
        assert.equal(r.clusterName, "platform");
        assert.equal(r.kubernetesVersion, "1.35");
        assert.equal(r.availabilityZones, 2);
        assert.equal(r.natGateways, "Single");
        assert.deepEqual(r.nodeGroup, {
            instanceTypes: ["t3.medium"],
            minSize: 2,
            desiredSize: 2,
            maxSize: 4,
            diskSizeGb: 20,
        });
        assert.equal(r.protect, false);
    });

    it("rejects bad sizes, zones, CIDRs and versions with the field and value", () => {
        const bad: Array<[EksClusterArgs, string]> = [
            [{ availabilityZones: 1 }, `'availabilityZones' (1) must be an integer from 2 to 6`],
            [{ vpcCidr: "10.0.0.0/24" }, `'vpcCidr' ("10.0.0.0/24") must be a /16 to /20 block`],
            [{ vpcCidr: "10.0.0/16" }, `'vpcCidr' ("10.0.0/16") must be an IPv4 CIDR`],
            [
                { publicAccessCidrs: ["1.2.3.4"] },
                `'publicAccessCidrs[0]' ("1.2.3.4") must be an IPv4 CIDR`,
            ],
            [
                { nodeGroup: { minSize: 3, maxSize: 2 } },
                `'nodeGroup.desiredSize' (3) must be between 'nodeGroup.minSize' (3) and 'nodeGroup.maxSize' (2)`,
            ],
            [{ nodeGroup: { diskSizeGb: 8 } }, `'nodeGroup.diskSizeGb' (8)`],
            [
                { nodeGroup: { instanceTypes: [] } },
                `'nodeGroup.instanceTypes' ([]) must list at least one instance type`,
            ],
            [
                { kubernetesVersion: "1.33.2" },
                `'kubernetesVersion' ("1.33.2") must be a pinned minor version`,
            ],
            [{ clusterName: "-x" }, `'clusterName' ("-x")`],
            [
                { clusterAdmins: ["admins"] },
                `'clusterAdmins[0]' ("admins") must be an IAM role or user ARN`,
            ],
            [
                {
                    clusterAdmins: ["arn:aws:iam::123456789012:role/ops"],
                    clusterViewers: ["arn:aws:iam::123456789012:role/ops"],
                },
                `'clusterViewers' ("arn:aws:iam::123456789012:role/ops") is also in 'clusterAdmins'`,
            ],
        ];
        for (const [args, fragment] of bad) {
            assert.throws(
                () => resolveEksCluster("platform", { ...ok, ...args }),
                (err: Error) =>
                    err.message.startsWith(`EksCluster "platform": invalid input:`) &&
                    err.message.includes(fragment),
                fragment,
            );
        }
    });

    it("builds trust policies and partition-aware managed policy ARNs", () => {
        assert.deepEqual(JSON.parse(serviceTrustPolicy("ec2.amazonaws.com")), {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Service: "ec2.amazonaws.com" },
                    Action: ["sts:AssumeRole"],
                },
            ],
        });
        assert.equal(
            managedPolicyArn("aws-us-gov", "AmazonEKSClusterPolicy"),
            "arn:aws-us-gov:iam::aws:policy/AmazonEKSClusterPolicy",
        );
    });
});

describe("EKS access entries (pure)", () => {
    it("gives admins the cluster-admin policy and viewers the view policy, cluster-wide, keyed by principal", () => {
        const entries = accessEntries(
            ["arn:aws:iam::123456789012:role/platform-admins"],
            ["arn:aws:iam::123456789012:role/gh/preview"],
            (p) => accessPolicyArn("aws", p),
        );
        assert.deepEqual(entries, {
            "admin-123456789012-role-platform-admins": {
                principalArn: "arn:aws:iam::123456789012:role/platform-admins",
                accessPolicies: {
                    admin: {
                        policyArn:
                            "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
                        accessScope: { type: "cluster" },
                    },
                },
            },
            "view-123456789012-role-gh-preview": {
                principalArn: "arn:aws:iam::123456789012:role/gh/preview",
                accessPolicies: {
                    view: {
                        policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
                        accessScope: { type: "cluster" },
                    },
                },
            },
        });
    });
});

describe("Pulumi.yaml's config schema (pure)", () => {
    const schema = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")).config as Record<
        string,
        any
    >;

    it("declares a type and a description for every key", () => {
        for (const [key, spec] of Object.entries(schema)) {
            assert.ok(
                ["string", "integer", "boolean", "array"].includes(spec.type),
                `${key} has type ${spec.type}`,
            );
            assert.ok(
                typeof spec.description === "string" && spec.description.length > 20,
                `${key} lacks a description`,
            );
            assert.ok(
                "default" in spec,
                `${key} has no default: the CLI would demand it on every stack, local included`,
            );
        }
    });

    it("declares the same defaults as the code", () => {
        const expected: Record<string, unknown> = {
            platform: "eks",
            ...APP_DEFAULTS,
            kubeContext: "",
            proxyIngressHost: "",
            kubernetesVersion: EKS_DEFAULTS.kubernetesVersion,
            publicAccessCidrs: [],
            endpointPublicAccess: EKS_DEFAULTS.endpointPublicAccess,
            availabilityZones: EKS_DEFAULTS.availabilityZones,
            natGateways: EKS_DEFAULTS.natGateways,
            vpcCidr: EKS_DEFAULTS.vpcCidr,
            nodeInstanceTypes: EKS_DEFAULTS.nodeGroup.instanceTypes,
            nodeMinSize: EKS_DEFAULTS.nodeGroup.minSize,
            nodeDesiredSize: EKS_DEFAULTS.nodeGroup.minSize,
            nodeMaxSize: EKS_DEFAULTS.nodeGroup.maxSize,
            nodeDiskSizeGb: EKS_DEFAULTS.nodeGroup.diskSizeGb,
            maxPodsPerNode: 0,
            clusterLogTypes: EKS_DEFAULTS.clusterLogTypes,
            protect: EKS_DEFAULTS.protect,
            clusterAdmins: [],
            clusterViewers: [],
            metricsServerVersion: "",
        };
        const declared = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, v.default]));
        assert.deepEqual(declared, expected);
    });
});
