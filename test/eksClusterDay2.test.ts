import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { EksCluster } from "../components/eks-cluster/component";
import { EksClusterArgs } from "../components/eks-cluster/args";
import { childUrn } from "../components/eks-cluster/childOptions";
import { PINNED_ADDON_VERSIONS } from "../components/eks-cluster/versions";
import {
    installMocks,
    RecordedResource,
    registerMockCall,
    ResourceRecorder,
    settleRegistrations,
    State,
    valueOf,
} from "../components/testing";

/**
 * Day 2 of the platform: upgrades, add-on versions, access changes,
 * protection and teardown. Each test asserts what the program sends: inputs,
 * invoke arguments and resource options, not values the mocks invent.
 */

const args = (extra: Partial<EksClusterArgs> = {}): EksClusterArgs => ({
    publicAccessCidrs: ["203.0.113.7/32"],
    ...extra,
});

/** A child's registration as the SDK saw it: its props and options before any RPC. */
interface Registration {
    type: string;
    props: Record<string, unknown>;
    opts: pulumi.CustomResourceOptions;
}

/** The children pulumi-eks 4.3.0 registers inside eks.Cluster for this configuration (nodejs/eks/cluster). */
const CLUSTER_CHILDREN: Array<[string, string]> = [
    ["aws:ec2/securityGroup:SecurityGroup", "platform-eksClusterSecurityGroup"],
    ["aws:ec2/securityGroupRule:SecurityGroupRule", "platform-eksClusterInternetEgressRule"],
    ["aws:eks/cluster:Cluster", "platform-eksCluster"],
    ["aws:eks/addon:Addon", "platform-kube-proxy"],
    ["pulumi:providers:kubernetes", "platform-eks-k8s"],
    ["eks:index:VpcCniAddon", "platform-vpc-cni"],
    ["aws:eks/addon:Addon", "platform-vpc-cni"],
    ["aws:iam/openIdConnectProvider:OpenIdConnectProvider", "platform-oidcProvider"],
    ["aws:eks/accessEntry:AccessEntry", "platform-123456789012-role-ops"],
    [
        "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
        "platform-123456789012-role-ops-admin",
    ],
];
/** The children of eks.ManagedNodeGroup (nodejs/eks/nodes/nodegroup.ts, createManagedNodeGroup). */
const NODE_GROUP_CHILDREN: Array<[string, string]> = [
    ["aws:eks/nodeGroup:NodeGroup", "platform-nodes"],
];

const OPS = "arn:aws:iam::123456789012:role/ops";
const PREVIEW = "arn:aws:iam::123456789012:role/gh/preview";
const TAGS = { project: "orchestration", stack: "prod" };
/** The configurations the tests look at; each is created once. */
const DEFAULT: Partial<EksClusterArgs> = {};
const V134: Partial<EksClusterArgs> = { kubernetesVersion: "1.34" };
const GRAVITON: Partial<EksClusterArgs> = {
    nodeGroup: { instanceTypes: ["m7g.large", "t4g.large"] },
};
const PINNED: Partial<EksClusterArgs> = {
    nodeGroup: { amiReleaseVersion: "1.35.3-20260601" },
    metricsServerVersion: "v0.8.0-eksbuild.1",
    addonVersions: { vpcCni: "v1.21.1-eksbuild.1", kubeProxy: "v1.35.0-eksbuild.2" },
};
const PROD: Partial<EksClusterArgs> = {
    protect: true,
    clusterAdmins: [OPS],
    clusterViewers: [PREVIEW],
    tags: TAGS,
};
/** PROD after the preview role moved from viewers to admins. */
const MOVED: Partial<EksClusterArgs> = {
    ...PROD,
    clusterAdmins: [OPS, PREVIEW],
    clusterViewers: [],
};

const ADDON_VERSION = "aws:eks/getAddonVersion:getAddonVersion";
const SSM_PARAMETER = "aws:ssm/getParameter:getParameter";

/** What one creation registered and invoked. */
interface Run {
    cluster: EksCluster;
    resources: RecordedResource[];
    calls: Record<string, State[]>;
    one(type: string, name?: string): RecordedResource;
    ofType(type: string): RecordedResource[];
    registered(type: string, name: string): Registration;
}

describe("EksCluster on day 2 (under mocks)", () => {
    let mocks: ResourceRecorder;
    let calls: Record<string, State[]> = {};
    const runs = new Map<string, Promise<Run>>();

    before(async () => {
        mocks = await installMocks({ project: "orchestration", stack: "test" });
        registerMockCall(ADDON_VERSION, (inputs) => {
            (calls[ADDON_VERSION] ??= []).push(inputs);
            return { ...inputs, version: `v-${inputs.addonName}-for-${inputs.kubernetesVersion}` };
        });
        registerMockCall(SSM_PARAMETER, (inputs) => {
            (calls[SSM_PARAMETER] ??= []).push(inputs);
            return { ...inputs, value: "1.2.3-ami", insecureValue: "1.2.3-ami", type: "String" };
        });
    });

    /** Creates the cluster, recording every child's props and options as the SDK saw them. */
    async function createOnce(extra: Partial<EksClusterArgs>): Promise<Run> {
        mocks.reset();
        calls = {};
        const registrations = new Map<string, Registration>();
        const capture: pulumi.ResourceTransformation = ({ type, name, props, opts }) => {
            registrations.set(`${type}::${name}`, { type, props, opts });
            return undefined;
        };
        const cluster = new EksCluster("platform", args(extra), { transformations: [capture] });
        await valueOf(cluster.kubeconfig);
        await valueOf(cluster.provider.urn);
        await valueOf(cluster.coreDns.urn);
        await valueOf(cluster.metricsServer.urn);
        await settleRegistrations();
        const resources = [...mocks.resources];
        const ofType = (type: string) => resources.filter((r) => r.type === type);
        return {
            cluster,
            resources,
            calls,
            ofType,
            one(type, name) {
                const found = ofType(type).filter((r) => name === undefined || r.name === name);
                assert.equal(found.length, 1, `${type} ${name ?? ""}`);
                return found[0];
            },
            registered(type, name) {
                const r = registrations.get(`${type}::${name}`);
                assert.ok(r, `${type} ${name} was not registered`);
                return r;
            },
        };
    }
    /** The run of `extra`, created on first use: the program is deterministic. */
    function create(extra: Partial<EksClusterArgs>): Promise<Run> {
        const key = JSON.stringify(extra);
        let run = runs.get(key);
        if (run === undefined) {
            // One at a time: the recorder is shared.
            const previous = Promise.all(runs.values());
            run = previous.then(() => createOnce(extra));
            runs.set(key, run);
        }
        return run;
    }
    /** The options pulumi-eks's children end up with, after the transforms the program gives it. */
    function childOptions(
        component: Registration,
        children: Array<[string, string]>,
        inherited: pulumi.CustomResourceOptions,
    ): Array<{ type: string; name: string; opts: pulumi.CustomResourceOptions }> {
        const transforms = component.opts.transforms ?? [];
        assert.equal(transforms.length, 1);
        return children.map(([type, name]) => {
            const result = transforms[0]({ custom: true, type, name, props: {}, opts: inherited });
            assert.ok(result && !(result instanceof Promise), `${type} ${name}`);
            return { type, name, opts: result.opts };
        });
    }

    describe("1. the node group follows the cluster's version", () => {
        it("takes its Kubernetes version from the cluster and its AMI release from the cluster version's SSM parameter", async () => {
            const run = await create(V134);
            const ng = run.one("eks:index:ManagedNodeGroup").inputs;
            assert.equal(ng.version, "1.34");
            assert.equal(ng.amiType, "AL2023_x86_64_STANDARD");
            assert.deepEqual(run.calls[SSM_PARAMETER], [
                {
                    name: "/aws/service/eks/optimized-ami/1.34/amazon-linux-2023/x86_64/standard/recommended/release_version",
                },
            ]);
            assert.equal(ng.releaseVersion, "1.2.3-ami");
            // The version is the cluster's output, not a copy of the setting.
            const version = run.registered("eks:index:ManagedNodeGroup", "platform-nodes").props
                .version;
            assert.ok(pulumi.Output.isInstance(version));
        });

        it("runs Graviton instance types on the arm64 AL2023 AMI type, its release read from the arm64 parameter", async () => {
            const run = await create(GRAVITON);
            const ng = run.one("eks:index:ManagedNodeGroup").inputs;
            assert.deepEqual(ng.instanceTypes, ["m7g.large", "t4g.large"]);
            assert.equal(ng.amiType, "AL2023_ARM_64_STANDARD");
            assert.deepEqual(run.calls[SSM_PARAMETER], [
                {
                    name: "/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/arm64/standard/recommended/release_version",
                },
            ]);
            assert.equal(ng.releaseVersion, "1.2.3-ami");
        });

        it("runs a pinned AMI release without reading the parameter", async () => {
            const run = await create(PINNED);
            const ng = run.one("eks:index:ManagedNodeGroup").inputs;
            assert.equal(ng.releaseVersion, "1.35.3-20260601");
            assert.equal(ng.version, "1.35");
            assert.equal(run.calls[SSM_PARAMETER], undefined);
        });
    });

    describe("2. add-on versions", () => {
        it("resolves CoreDNS and metrics-server to EKS's default version for the cluster's Kubernetes version", async () => {
            const run = await create(V134);
            assert.deepEqual(
                run.calls[ADDON_VERSION].map((c) => [
                    c.addonName,
                    c.kubernetesVersion,
                    c.mostRecent,
                ]).sort(),
                [
                    ["coredns", "1.34", false],
                    ["eks-pod-identity-agent", "1.34", false],
                    ["metrics-server", "1.34", false],
                ],
            );
            const versions = run
                .ofType("aws:eks/addon:Addon")
                .map((a) => [a.inputs.addonName, a.inputs.addonVersion])
                .sort();
            assert.deepEqual(versions, [
                ["coredns", "v-coredns-for-1.34"],
                ["eks-pod-identity-agent", "v-eks-pod-identity-agent-for-1.34"],
                ["metrics-server", "v-metrics-server-for-1.34"],
            ]);
        });

        it("keeps a pinned metrics-server version without looking one up", async () => {
            const run = await create(PINNED);
            assert.deepEqual(run.calls[ADDON_VERSION].map((c) => c.addonName).sort(), [
                "coredns",
                "eks-pod-identity-agent",
            ]);
            assert.equal(
                run.one("aws:eks/addon:Addon", "platform-metrics-server").inputs.addonVersion,
                "v0.8.0-eksbuild.1",
            );
        });

        it("pins the VPC CNI and kube-proxy from the one table, per Kubernetes version", async () => {
            for (const [extra, version] of [
                [V134, "1.34"],
                [DEFAULT, "1.35"],
            ] as const) {
                const cluster = (await create(extra)).one("eks:index:Cluster").inputs;
                assert.equal(cluster.vpcCniOptions.enableNetworkPolicy, true);
                assert.equal(
                    cluster.vpcCniOptions.addonVersion,
                    PINNED_ADDON_VERSIONS[version].vpcCni,
                );
                assert.equal(
                    cluster.kubeProxyAddonOptions.version,
                    PINNED_ADDON_VERSIONS[version].kubeProxy,
                );
                assert.ok(cluster.kubeProxyAddonOptions.version.startsWith(`v${version}.`));
            }
        });

        it("takes explicit VPC CNI and kube-proxy versions over the table", async () => {
            const cluster = (await create(PINNED)).one("eks:index:Cluster").inputs;
            assert.equal(cluster.vpcCniOptions.addonVersion, "v1.21.1-eksbuild.1");
            assert.equal(cluster.kubeProxyAddonOptions.version, "v1.35.0-eksbuild.2");
        });

        it("replaces its own add-ons delete-first, in the cluster named by the cluster's output", async () => {
            const run = await create(DEFAULT);
            const clusterUrn = (await valueOf(run.cluster.cluster.urn))!;
            for (const addon of ["coredns", "eks-pod-identity-agent", "metrics-server"]) {
                const r = run.registered("aws:eks/addon:Addon", `platform-${addon}`);
                assert.equal(r.opts.deleteBeforeReplace, true, addon);
                assert.ok(pulumi.Output.isInstance(r.props.clusterName), addon);
                const recorded = run.one("aws:eks/addon:Addon", `platform-${addon}`);
                assert.equal(recorded.inputs.clusterName, "platform");
                assert.equal(
                    recorded.deleteBeforeReplace,
                    true,
                    `${addon}, as the engine receives it`,
                );
                assert.ok(recorded.dependencies.includes(clusterUrn));
            }
        });

        it("replaces the add-ons inside eks.Cluster delete-first too", async () => {
            const run = await create(DEFAULT);
            const children = childOptions(
                run.registered("eks:index:Cluster", "platform"),
                CLUSTER_CHILDREN,
                {},
            );
            const deleteFirst = children
                .filter((c) => c.opts.deleteBeforeReplace)
                .map((c) => c.name)
                .sort();
            assert.deepEqual(deleteFirst, ["platform-kube-proxy", "platform-vpc-cni"]);
        });
    });

    describe("3. access entries keyed by principal", () => {
        it("keeps a principal's entry when it moves from viewers to admins, changing only its policy", async () => {
            const before = (await create(PROD)).one("eks:index:Cluster").inputs.accessEntries;
            const after = (await create(MOVED)).one("eks:index:Cluster").inputs.accessEntries;
            assert.deepEqual(Object.keys(after).sort(), Object.keys(before).sort());
            const key = "123456789012-role-gh-preview";
            assert.equal(after[key].principalArn, before[key].principalArn);
            assert.deepEqual(Object.keys(before[key].accessPolicies), ["view"]);
            assert.deepEqual(Object.keys(after[key].accessPolicies), ["admin"]);
            assert.equal(
                after[key].accessPolicies.admin.policyArn,
                "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
            );
        });

        it("aliases each entry and policy association to its 0.1.0 name, so an upgrade keeps them", async () => {
            const run = await create(PROD);
            const parentUrn =
                "urn:pulumi:test::orchestration::orchestration:index:EksCluster$eks:index:Cluster$aws:eks/accessEntry:AccessEntry::platform-123456789012-role-ops";
            const inherited = { parent: new pulumi.DependencyResource(parentUrn) };
            const [entry, association] = childOptions(
                run.registered("eks:index:Cluster", "platform"),
                CLUSTER_CHILDREN.slice(-2),
                inherited,
            );
            assert.deepEqual(entry.opts.aliases, [
                { name: "platform-admin-123456789012-role-ops" },
            ]);
            assert.equal(
                await valueOf(association.opts.aliases![0] as pulumi.Output<string>),
                childUrn(
                    parentUrn.replace(
                        /::platform-123456789012-role-ops$/,
                        "::platform-admin-123456789012-role-ops",
                    ),
                    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
                    "platform-admin-123456789012-role-ops-admin",
                ),
            );
        });
    });

    describe("4. protection reaches only what must survive", () => {
        it("protects the control plane and the node group, and none of the other children of the eks components", async () => {
            const run = await create(PROD);
            // pulumi-eks's provider passes the component's protect to every child.
            const inherited = { protect: true };
            const cluster = childOptions(
                run.registered("eks:index:Cluster", "platform"),
                [["eks:index:Cluster", "platform"], ...CLUSTER_CHILDREN],
                inherited,
            );
            const nodeGroup = childOptions(
                run.registered("eks:index:ManagedNodeGroup", "platform-nodes"),
                [["eks:index:ManagedNodeGroup", "platform-nodes"], ...NODE_GROUP_CHILDREN],
                inherited,
            );
            const protectedChildren = [...cluster, ...nodeGroup]
                .filter((c) => c.opts.protect)
                .map((c) => c.type)
                .sort();
            assert.deepEqual(protectedChildren, [
                "aws:eks/cluster:Cluster",
                "aws:eks/nodeGroup:NodeGroup",
                "eks:index:Cluster",
                "eks:index:ManagedNodeGroup",
            ]);
            // Every other child is explicitly unprotected, overriding what it inherited.
            for (const c of [...cluster, ...nodeGroup].filter((c) => !c.opts.protect)) {
                assert.equal(c.opts.protect, false, `${c.type} ${c.name}`);
            }
        });

        it("protects nothing inside the eks components when protect is off", async () => {
            const run = await create(DEFAULT);
            const children = [
                ...childOptions(
                    run.registered("eks:index:Cluster", "platform"),
                    CLUSTER_CHILDREN,
                    {},
                ),
                ...childOptions(
                    run.registered("eks:index:ManagedNodeGroup", "platform-nodes"),
                    NODE_GROUP_CHILDREN,
                    {},
                ),
            ];
            assert.deepEqual(
                children.filter((c) => c.opts.protect),
                [],
            );
        });
    });

    describe("5. teardown order", () => {
        it("makes the cluster and the node group depend on their roles' policy attachments", async () => {
            const run = await create(DEFAULT);
            const attachmentUrns = (prefix: string) =>
                run
                    .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                    .filter((a) => a.name.startsWith(prefix))
                    .map(
                        (a) =>
                            `urn:pulumi:test::orchestration::orchestration:index:EksCluster$aws:iam/rolePolicyAttachment:RolePolicyAttachment::${a.name}`,
                    );
            const clusterRole = attachmentUrns("platform-cluster-role-");
            const nodeRole = attachmentUrns("platform-node-role-");
            assert.equal(clusterRole.length, 1);
            assert.equal(nodeRole.length, 3);
            const cluster = run.one("eks:index:Cluster");
            const nodeGroup = run.one("eks:index:ManagedNodeGroup");
            for (const urn of clusterRole) {
                assert.ok(cluster.dependencies.includes(urn), urn);
            }
            for (const urn of nodeRole) {
                assert.ok(nodeGroup.dependencies.includes(urn), urn);
            }
        });
    });

    describe("6. tagged instances and volumes", () => {
        it("tags the instances, volumes and network interfaces the launch template starts", async () => {
            const lt = (await create(PROD)).one("aws:ec2/launchTemplate:LaunchTemplate").inputs;
            assert.deepEqual(lt.tagSpecifications, [
                { resourceType: "instance", tags: TAGS },
                { resourceType: "volume", tags: TAGS },
                { resourceType: "network-interface", tags: TAGS },
            ]);
            assert.deepEqual(lt.tags, TAGS);
        });

        it("sends no tag specification without tags (EC2 refuses an empty one)", async () => {
            const lt = (await create(DEFAULT)).one("aws:ec2/launchTemplate:LaunchTemplate").inputs;
            assert.equal(lt.tagSpecifications, undefined);
        });
    });
});
