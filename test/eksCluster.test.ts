import { strict as assert } from "assert";
import { ScalableService } from "../components";
import { EKS_CLUSTER_TYPE, EksCluster } from "../components/eks-cluster/component";
import { EksClusterArgs } from "../components/eks-cluster/args";
import {
    installMocks,
    ResourceRecorder,
    settleRegistrations,
    valueOf,
} from "../components/testing";

const args = (extra: Partial<EksClusterArgs> = {}): EksClusterArgs => ({
    publicAccessCidrs: ["203.0.113.7/32"],
    ...extra,
});

describe("EksCluster (under mocks)", () => {
    let mocks: ResourceRecorder;

    before(async () => {
        mocks = await installMocks({ project: "orchestration", stack: "test" });
    });
    beforeEach(() => mocks.reset());

    async function create(extra: Partial<EksClusterArgs> = {}) {
        const c = new EksCluster("platform", args(extra));
        await valueOf(c.kubeconfig);
        await valueOf(c.provider.urn);
        await settleRegistrations();
        return c;
    }

    it("registers exactly the roles, attachments, key, VPC, cluster, node group, add-on and provider", async () => {
        await create();
        assert.deepEqual(mocks.typeCounts(), {
            "aws:ec2/launchTemplate:LaunchTemplate": 1,
            "aws:eks/addon:Addon": 3,
            "aws:iam/role:Role": 2,
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 4,
            "aws:kms/key:Key": 1,
            "awsx:ec2:Vpc": 1,
            "eks:index:Cluster": 1,
            "eks:index:ManagedNodeGroup": 1,
            [EKS_CLUSTER_TYPE]: 1,
            "pulumi:providers:kubernetes": 1,
        });
    });

    it("parents every child to the component", async () => {
        const c = await create();
        const urn = await valueOf(c.urn);
        const children = mocks.resources.filter((r) => r.type !== EKS_CLUSTER_TYPE);
        assert.equal(children.length, 15);
        for (const r of children) {
            assert.equal(r.parent, urn, `${r.type} ${r.name}`);
        }
    });

    it("gives the cluster role to EKS with exactly AmazonEKSClusterPolicy", async () => {
        await create();
        const role = mocks.one("aws:iam/role:Role", "platform-cluster-role");
        assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy), {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Service: "eks.amazonaws.com" },
                    Action: ["sts:AssumeRole", "sts:TagSession"],
                },
            ],
        });
        const attached = mocks
            .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            .filter((a) => a.name.startsWith("platform-cluster-role-"))
            .map((a) => [a.inputs.role, a.inputs.policyArn]);
        assert.deepEqual(attached, [
            ["platform-cluster-role-mock", "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"],
        ]);
    });

    it("gives the node role to EC2 with exactly the three worker policies", async () => {
        await create();
        const role = mocks.one("aws:iam/role:Role", "platform-node-role");
        assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal, {
            Service: "ec2.amazonaws.com",
        });
        const arns = mocks
            .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            .filter((a) => a.name.startsWith("platform-node-role-"))
            .map((a) => a.inputs.policyArn)
            .sort();
        assert.deepEqual(arns, [
            "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
            "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
            "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
        ]);
    });

    it("builds a dedicated VPC with tagged public and private subnets and one NAT gateway by default", async () => {
        await create();
        const vpc = mocks.one("awsx:ec2:Vpc").inputs;
        assert.equal(vpc.cidrBlock, "10.0.0.0/16");
        assert.equal(vpc.numberOfAvailabilityZones, 2);
        assert.deepEqual(vpc.natGateways, { strategy: "Single" });
        assert.deepEqual(vpc.subnetSpecs, [
            { type: "Public", tags: { "kubernetes.io/role/elb": "1" } },
            { type: "Private", tags: { "kubernetes.io/role/internal-elb": "1" } },
        ]);
    });

    it("configures the cluster: VPC, roles, API auth, pinned version, STANDARD support, restricted endpoint, KMS, OIDC", async () => {
        await create();
        const cluster = mocks.one("eks:index:Cluster").inputs;
        assert.equal(cluster.name, "platform");
        assert.equal(cluster.vpcId, "vpc-platform-vpc");
        assert.deepEqual(cluster.privateSubnetIds, [
            "subnet-private-us-west-2a",
            "subnet-private-us-west-2b",
        ]);
        assert.deepEqual(cluster.publicSubnetIds, [
            "subnet-public-us-west-2a",
            "subnet-public-us-west-2b",
        ]);
        assert.equal(cluster.skipDefaultNodeGroup, true);
        assert.equal(cluster.authenticationMode, "API");
        assert.equal(cluster.version, "1.35");
        assert.deepEqual(cluster.upgradePolicy, { supportType: "STANDARD" });
        assert.equal(cluster.endpointPrivateAccess, true);
        assert.equal(cluster.endpointPublicAccess, true);
        assert.deepEqual(cluster.publicAccessCidrs, ["203.0.113.7/32"]);
        assert.equal(
            cluster.encryptionConfigKeyArn,
            "arn:aws:kms:us-west-2:123456789012:key/platform-secrets-key-id",
        );
        assert.equal(cluster.createOidcProvider, true);
        assert.equal(cluster.vpcCniOptions.enableNetworkPolicy, true);
        assert.deepEqual(cluster.enabledClusterLogTypes, []);
        assert.equal(cluster.deletionProtection, false);
        assert.deepEqual(
            mocks.resources.filter((r) => r.protect),
            [],
        );
        // The service role is passed as a resource reference to the cluster role.
        assert.ok(
            JSON.stringify(cluster.serviceRole).includes("platform-cluster-role"),
            JSON.stringify(cluster.serviceRole),
        );
        const key = mocks.one("aws:kms/key:Key").inputs;
        assert.equal(key.enableKeyRotation, true);
    });

    it("runs nodes in private subnets with IMDSv2 required and sizes from args", async () => {
        await create({
            nodeGroup: {
                instanceTypes: ["m5.large"],
                minSize: 3,
                desiredSize: 4,
                maxSize: 6,
                diskSizeGb: 50,
            },
        });
        const ng = mocks.one("eks:index:ManagedNodeGroup").inputs;
        assert.deepEqual(ng.subnetIds, ["subnet-private-us-west-2a", "subnet-private-us-west-2b"]);
        assert.deepEqual(ng.instanceTypes, ["m5.large"]);
        assert.deepEqual(ng.scalingConfig, { minSize: 3, desiredSize: 4, maxSize: 6 });
        // No cluster autoscaler is installed, so Pulumi keeps owning the desired size.
        assert.equal(ng.ignoreScalingChanges, undefined);
        assert.deepEqual(ng.launchTemplate, { id: "platform-nodes-id", version: "1" });
        assert.ok(JSON.stringify(ng.nodeRole).includes("platform-node-role"));
        const lt = mocks.one("aws:ec2/launchTemplate:LaunchTemplate").inputs;
        assert.deepEqual(lt.metadataOptions, {
            httpEndpoint: "enabled",
            httpTokens: "required",
            httpPutResponseHopLimit: 1,
        });
        assert.equal(lt.blockDeviceMappings[0].ebs.volumeSize, 50);
        assert.equal(lt.blockDeviceMappings[0].ebs.encrypted, "true");
    });

    it("grants the listed admins and viewers access through EKS access entries", async () => {
        await create({
            clusterAdmins: ["arn:aws:iam::123456789012:role/ops"],
            clusterViewers: ["arn:aws:iam::123456789012:role/preview"],
        });
        const entries = mocks.one("eks:index:Cluster").inputs.accessEntries;
        // Keyed by principal, so moving one between the lists keeps its entry.
        assert.deepEqual(Object.keys(entries), [
            "123456789012-role-ops",
            "123456789012-role-preview",
        ]);
        assert.equal(
            entries["123456789012-role-ops"].accessPolicies.admin.policyArn,
            "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
        );
        assert.equal(
            entries["123456789012-role-preview"].principalArn,
            "arn:aws:iam::123456789012:role/preview",
        );
        mocks.reset();
        await create();
        assert.deepEqual(mocks.one("eks:index:Cluster").inputs.accessEntries, {});
    });

    it("installs metrics-server, CoreDNS and the Pod Identity agent as EKS add-ons, after the node group", async () => {
        const c = await create({ metricsServerVersion: "v0.8.0-eksbuild.1" });
        const addons = mocks.ofType("aws:eks/addon:Addon");
        // CoreDNS's version is looked up for the cluster's version (eksClusterDay2.test.ts).
        assert.deepEqual(addons.map((a) => [a.name, a.inputs.addonName]).sort(), [
            ["platform-coredns", "coredns"],
            ["platform-eks-pod-identity-agent", "eks-pod-identity-agent"],
            ["platform-metrics-server", "metrics-server"],
        ]);
        assert.equal(
            mocks.one("aws:eks/addon:Addon", "platform-metrics-server").inputs.addonVersion,
            "v0.8.0-eksbuild.1",
        );
        const agent = mocks.one("aws:eks/addon:Addon", "platform-eks-pod-identity-agent");
        assert.equal(agent.parent, await valueOf(c.urn));
        assert.ok(
            (await valueOf(c.podIdentityAgent.urn))!.endsWith("::platform-eks-pod-identity-agent"),
        );
        for (const addon of addons) {
            assert.equal(addon.inputs.clusterName, "platform");
            // A replaced cluster (a new OIDC issuer) recreates the add-on in it: the trigger
            // is the cluster's issuer output, whatever value the cluster reports.
            assert.equal(addon.replacementTrigger, mocks.one("eks:index:Cluster").state.oidcIssuer);
            assert.ok(addon.dependencies.includes((await valueOf(c.nodeGroup.urn))!));
            assert.ok(addon.dependencies.includes((await valueOf(c.cluster.urn))!));
        }
    });

    it("builds the Kubernetes provider from the cluster's kubeconfig, kept secret", async () => {
        const c = await create();
        const provider = mocks.one("pulumi:providers:kubernetes");
        assert.deepEqual(provider.secretInputs, ["kubeconfig"]);
        // Every object deployed through it waits for nodes to run on.
        assert.ok(provider.dependencies.includes((await valueOf(c.nodeGroup.urn))!));
        // Exactly the kubeconfig the cluster reports (its exec args are @pulumi/eks's own).
        assert.equal(
            provider.inputs.kubeconfig,
            mocks.one("eks:index:Cluster").state.kubeconfigJson,
        );
        // Provider inputs travel as strings.
        assert.equal(provider.inputs.enableServerSideApply, "true");
        assert.equal(await pulumiIsSecret(c.kubeconfig), true);
    });

    it("creates the Kubernetes provider after the Pod Identity agent, so a ScalableService deployed through it starts after the agent", async () => {
        const c = await create();
        const agentUrn = (await valueOf(c.podIdentityAgent.urn))!;
        const provider = mocks.one("pulumi:providers:kubernetes");
        assert.ok(provider.dependencies.includes(agentUrn), JSON.stringify(provider.dependencies));
        const svc = new ScalableService(
            "orders",
            { image: "ghcr.io/acme/orders:1.0.0", port: 8080, namespace: "shop" },
            { provider: c.provider },
        );
        await valueOf(svc.url);
        await settleRegistrations();
        const deployment = mocks.one("kubernetes:apps/v1:Deployment");
        // The Deployment goes through that provider (registered as `urn::id`).
        assert.equal(deployment.provider, `${await valueOf(c.provider.urn)}::${provider.id}`);
    });

    it("protects the cluster, key and node group (and turns on EKS deletion protection) when asked", async () => {
        await create({
            protect: true,
            clusterLogTypes: ["api", "audit"],
            natGateways: "OnePerAz",
            availabilityZones: 3,
        });
        const cluster = mocks.one("eks:index:Cluster").inputs;
        assert.equal(cluster.deletionProtection, true);
        const protectedTypes = mocks.resources
            .filter((r) => r.protect)
            .map((r) => r.type)
            .sort();
        assert.deepEqual(protectedTypes, [
            "aws:kms/key:Key",
            "eks:index:Cluster",
            "eks:index:ManagedNodeGroup",
        ]);
        assert.deepEqual(cluster.enabledClusterLogTypes, ["api", "audit"]);
        assert.deepEqual(mocks.one("awsx:ec2:Vpc").inputs.natGateways, { strategy: "OnePerAz" });
        assert.equal(mocks.one("eks:index:Cluster").inputs.privateSubnetIds.length, 3);
    });

    it("refuses instance types of two architectures, or a GPU family, before registering anything", async () => {
        assert.throws(
            () =>
                new EksCluster(
                    "bad",
                    args({ nodeGroup: { instanceTypes: ["t3.medium", "t4g.medium"] } }),
                ),
            /'nodeGroup.instanceTypes' \(\["t3.medium","t4g.medium"\]\) mix x86_64 and arm64: t3.medium is x86_64 and t4g.medium is arm64/,
        );
        assert.throws(
            () => new EksCluster("bad", args({ nodeGroup: { instanceTypes: ["g4dn.xlarge"] } })),
            /'nodeGroup.instanceTypes\[0\]' \("g4dn.xlarge"\) is an accelerated family \(GPUs\)/,
        );
        await settleRegistrations();
        assert.equal(mocks.resources.length, 0);
    });

    it("refuses a world-open endpoint before registering anything", async () => {
        assert.throws(
            () => new EksCluster("bad", args({ publicAccessCidrs: ["0.0.0.0/0"] })),
            /'publicAccessCidrs\[0\]' \("0.0.0.0\/0"\) opens the API endpoint/,
        );
        await settleRegistrations();
        assert.equal(mocks.resources.length, 0);
    });
});

async function pulumiIsSecret(o: import("@pulumi/pulumi").Output<unknown>): Promise<boolean> {
    const pulumi = await import("@pulumi/pulumi");
    return pulumi.isSecret(o);
}
