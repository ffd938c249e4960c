import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { EKS_DEFAULTS, EksClusterArgs } from "../components/eks-cluster/args";
import {
    accessEntries,
    accessEntryAliases,
    accessPolicyArn,
} from "../components/eks-cluster/access";
import {
    launchTemplateTagSpecifications,
    managedPolicyArn,
    resolveEksCluster,
    serviceTrustPolicy,
} from "../components/eks-cluster/config";
import { amiReleaseParameter, PINNED_ADDON_VERSIONS } from "../components/eks-cluster/versions";
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
            architecture: "x86_64",
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
                { nodeGroup: { instanceTypes: ["t3.medium", "t4g.medium"] } },
                `'nodeGroup.instanceTypes' (["t3.medium","t4g.medium"]) mix x86_64 and arm64: t3.medium is x86_64 and t4g.medium is arm64`,
            ],
            [
                { nodeGroup: { instanceTypes: ["g5.xlarge"] } },
                `'nodeGroup.instanceTypes[0]' ("g5.xlarge") is an accelerated family (GPUs)`,
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
            "123456789012-role-platform-admins": {
                principalArn: "arn:aws:iam::123456789012:role/platform-admins",
                accessPolicies: {
                    admin: {
                        policyArn:
                            "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
                        accessScope: { type: "cluster" },
                    },
                },
            },
            "123456789012-role-gh-preview": {
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

describe("EKS day-2 settings (pure)", () => {
    const ops = "arn:aws:iam::123456789012:role/ops";
    const refused = (extra: EksClusterArgs, fragment: string) =>
        assert.throws(
            () => resolveEksCluster("platform", { ...ok, ...extra }),
            (err: Error) => err.message.includes(fragment),
            fragment,
        );

    it("refuses a principal in both lists or twice in one, and two whose entry keys collide", () => {
        refused(
            { clusterAdmins: [ops], clusterViewers: [ops] },
            `'clusterViewers' ("${ops}") is also in 'clusterAdmins'; a principal has one access entry`,
        );
        refused({ clusterViewers: [ops, ops] }, `'clusterViewers[1]' ("${ops}") is listed twice`);
        refused({ clusterAdmins: [ops, ops] }, `'clusterAdmins[1]' ("${ops}") is listed twice`);
        refused(
            {
                clusterAdmins: [
                    "arn:aws:iam::123456789012:role/team.ops",
                    "arn:aws:iam::123456789012:role/team_ops",
                ],
            },
            `'clusterAdmins[1]' ("arn:aws:iam::123456789012:role/team_ops") has the same access entry key ("123456789012-role-team-ops") as "arn:aws:iam::123456789012:role/team.ops"`,
        );
    });

    it("names each entry and association's 0.1.0 name, keyed then by access", () => {
        assert.deepEqual(accessEntryAliases("platform", [ops], []), {
            "platform-123456789012-role-ops": { name: "platform-admin-123456789012-role-ops" },
            "platform-123456789012-role-ops-admin": {
                name: "platform-admin-123456789012-role-ops-admin",
                parent: {
                    name: "platform-123456789012-role-ops",
                    was: "platform-admin-123456789012-role-ops",
                },
            },
        });
    });

    it("pins the VPC CNI and kube-proxy from the table, and refuses a version the table lacks or a mismatched kube-proxy", () => {
        assert.deepEqual(
            resolveEksCluster("platform", ok).addonVersions,
            PINNED_ADDON_VERSIONS["1.35"],
        );
        refused(
            { kubernetesVersion: "1.36" },
            `'kubernetesVersion' ("1.36") has no pinned VPC CNI and kube-proxy versions (pinned: 1.34, 1.35); set 'addonVersions.vpcCni' and 'addonVersions.kubeProxy'`,
        );
        refused(
            { addonVersions: { kubeProxy: "v1.34.6-eksbuild.2" } },
            `'addonVersions.kubeProxy' ("v1.34.6-eksbuild.2") must be a kube-proxy for the cluster's Kubernetes version ('kubernetesVersion' is "1.35")`,
        );
        refused(
            { addonVersions: { vpcCni: "latest" } },
            `'addonVersions.vpcCni' ("latest") must be an EKS add-on version`,
        );
        const v136 = resolveEksCluster("platform", {
            ...ok,
            kubernetesVersion: "1.36",
            addonVersions: { vpcCni: "v1.22.4-eksbuild.3", kubeProxy: "v1.36.0-eksbuild.1" },
        });
        assert.deepEqual(v136.addonVersions, {
            vpcCni: "v1.22.4-eksbuild.3",
            kubeProxy: "v1.36.0-eksbuild.1",
        });
    });

    it("refuses a pinned AMI release of another Kubernetes version", () => {
        refused(
            { nodeGroup: { amiReleaseVersion: "1.34.6-20260601" } },
            `'nodeGroup.amiReleaseVersion' ("1.34.6-20260601") must be a release for the cluster's Kubernetes version ('kubernetesVersion' is "1.35")`,
        );
        refused(
            { nodeGroup: { amiReleaseVersion: "latest" } },
            `'nodeGroup.amiReleaseVersion' ("latest") must be an EKS AMI release version`,
        );
        assert.equal(
            resolveEksCluster("platform", {
                ...ok,
                nodeGroup: { amiReleaseVersion: "1.35.3-20260601" },
            }).nodeGroup.amiReleaseVersion,
            "1.35.3-20260601",
        );
        assert.equal(
            amiReleaseParameter("1.35"),
            "/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/standard/recommended/release_version",
        );
        assert.equal(
            amiReleaseParameter("1.35", "arm64"),
            "/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/arm64/standard/recommended/release_version",
        );
    });

    it("tags instances, volumes and network interfaces, and sends nothing without tags", () => {
        assert.deepEqual(launchTemplateTagSpecifications({ stack: "prod" }), [
            { resourceType: "instance", tags: { stack: "prod" } },
            { resourceType: "volume", tags: { stack: "prod" } },
            { resourceType: "network-interface", tags: { stack: "prod" } },
        ]);
        assert.equal(launchTemplateTagSpecifications({}), undefined);
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
            proxyServiceType: "", // the platform decides: PROXY_SERVICE_TYPE_DEFAULTS
            kubeContext: "",
            proxyIngressHost: "",
            imagePullPolicy: "", // ScalableService's default (Always)
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
