import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import {
    POD_IDENTITY_ROLE_TYPE,
    PodIdentityRole,
    podIdentityTrustPolicy,
    resolvePodIdentityRole,
} from "../components/eks";
import { PodIdentityRoleArgs } from "../components/eks";
import { ScalableService, ValidationError } from "../components";
import {
    installMocks,
    ResourceRecorder,
    settleRegistrations,
    valueOf,
} from "../components/testing";

const S3_READ = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
const QUEUE = "arn:aws:iam::123456789012:policy/orders/queue-consumer";

const args = (extra: Partial<PodIdentityRoleArgs> = {}): PodIdentityRoleArgs => ({
    clusterName: "platform",
    namespace: "shop",
    serviceAccountName: "orders",
    policyArns: [S3_READ, QUEUE],
    ...extra,
});

describe("PodIdentityRole: trust policy and validation (pure)", () => {
    it("trusts EKS Pod Identity with AssumeRole and TagSession for one cluster, namespace and ServiceAccount, and nothing else", () => {
        const policy = podIdentityTrustPolicy({
            clusterName: "platform",
            namespace: "shop",
            serviceAccount: "orders",
        });
        assert.equal(
            policy,
            JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { Service: "pods.eks.amazonaws.com" },
                        Action: ["sts:AssumeRole", "sts:TagSession"],
                        Condition: {
                            StringEquals: {
                                "aws:RequestTag/eks-cluster-name": "platform",
                                "aws:RequestTag/kubernetes-namespace": "shop",
                                "aws:RequestTag/kubernetes-service-account": "orders",
                            },
                        },
                    },
                ],
            }),
        );
    });

    it("keeps the policies in order and defaults tags to none", () => {
        const r = resolvePodIdentityRole("orders", args());
        assert.deepEqual(r.policyArns, [S3_READ, QUEUE]);
        assert.deepEqual(r.tags, {});
    });

    it("rejects no policy, malformed or repeated ARNs, and bad names, naming each field", () => {
        assert.throws(
            () =>
                resolvePodIdentityRole(
                    "orders",
                    args({
                        namespace: "Shop",
                        serviceAccountName: "orders_sa",
                        policyArns: ["AmazonS3ReadOnlyAccess", S3_READ, S3_READ],
                    }),
                ),
            (err: unknown) =>
                err instanceof ValidationError &&
                err.message.startsWith(`PodIdentityRole "orders": invalid input:`) &&
                err.message.includes(`'namespace' ("Shop") must be a namespace name`) &&
                err.message.includes(
                    `'serviceAccountName' ("orders_sa") must be a ServiceAccount name`,
                ) &&
                err.message.includes(
                    `'policyArns[0]' ("AmazonS3ReadOnlyAccess") must be a managed policy ARN`,
                ) &&
                err.message.includes(`'policyArns[2]' ("${S3_READ}") is listed twice`),
        );
        assert.throws(
            () => resolvePodIdentityRole("orders", args({ policyArns: [] })),
            /'policyArns' \(\[\]\) must list at least one managed policy ARN/,
        );
    });
});

describe("PodIdentityRole (under mocks)", () => {
    let mocks: ResourceRecorder;

    before(async () => {
        mocks = await installMocks({ project: "orchestration", stack: "test" });
    });
    beforeEach(() => mocks.reset());

    async function create(extra: Partial<PodIdentityRoleArgs> = {}) {
        const r = new PodIdentityRole("orders", args(extra));
        await valueOf(r.roleArn);
        await settleRegistrations();
        return r;
    }

    it("registers exactly a role, one attachment per policy and the association, parented to it", async () => {
        const r = await create();
        assert.deepEqual(mocks.typeCounts(), {
            "aws:eks/podIdentityAssociation:PodIdentityAssociation": 1,
            "aws:iam/role:Role": 1,
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 2,
            [POD_IDENTITY_ROLE_TYPE]: 1,
        });
        const urn = await valueOf(r.urn);
        assert.equal(urn, `urn:pulumi:test::orchestration::${POD_IDENTITY_ROLE_TYPE}::orders`);
        const children = mocks.resources.filter((x) => x.type !== POD_IDENTITY_ROLE_TYPE);
        assert.deepEqual(mocks.childrenOf(POD_IDENTITY_ROLE_TYPE, "orders"), children);
    });

    it("trusts Pod Identity, attaches the named policies and binds the role to the ServiceAccount", async () => {
        const r = await create({ tags: { team: "orders" } });
        const role = mocks.one("aws:iam/role:Role");
        assert.equal(role.name, "orders-role");
        assert.equal(
            role.inputs.assumeRolePolicy,
            podIdentityTrustPolicy({
                clusterName: "platform",
                namespace: "shop",
                serviceAccount: "orders",
            }),
        );
        assert.deepEqual(role.inputs.tags, { team: "orders" });
        assert.deepEqual(
            mocks
                .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                .map((a) => [a.name, a.inputs.role, a.inputs.policyArn]),
            [
                ["orders-policy-0", "orders-role-mock", S3_READ],
                ["orders-policy-1", "orders-role-mock", QUEUE],
            ],
        );
        const assoc = mocks.one("aws:eks/podIdentityAssociation:PodIdentityAssociation");
        assert.deepEqual(assoc.inputs, {
            clusterName: "platform",
            namespace: "shop",
            serviceAccount: "orders",
            roleArn: await valueOf(r.roleArn),
            tags: { team: "orders" },
        });
        for (const a of r.attachments) {
            assert.ok(assoc.dependencies.includes((await valueOf(a.urn))!));
        }
    });

    it("is created before the ScalableService's pods when passed in its dependsOn", async () => {
        const r = await create();
        const svc = new ScalableService(
            "orders",
            { image: "ghcr.io/acme/orders:1.0.0", port: 8080, namespace: "shop" },
            { dependsOn: [r] },
        );
        await valueOf(svc.url);
        await settleRegistrations();
        const d = mocks.one("kubernetes:apps/v1:Deployment");
        assert.equal(d.inputs.spec.template.spec.serviceAccountName, "orders");
        const assocUrn = await valueOf(r.association.urn);
        assert.ok(d.dependencies.includes(assocUrn!), "the Deployment waits for the association");
        assert.equal(pulumi.Output.isInstance(r.roleArn), true);
    });

    it("scopes the trust policy to a cluster name given as an Output", async () => {
        await create({ clusterName: pulumi.output("platform-b") });
        const policy = JSON.parse(mocks.one("aws:iam/role:Role").inputs.assumeRolePolicy);
        assert.equal(
            policy.Statement[0].Condition.StringEquals["aws:RequestTag/eks-cluster-name"],
            "platform-b",
        );
    });

    it("throws before registering anything when input is invalid", async () => {
        assert.throws(() => new PodIdentityRole("bad", args({ policyArns: [] })), ValidationError);
        await settleRegistrations();
        assert.equal(mocks.resources.length, 0);
    });
});
