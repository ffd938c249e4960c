/**
 * Realistic mock state: what a provider would return for a resource, so code
 * that reads computed outputs (a Service's load balancer hostname, an EKS
 * cluster's kubeconfig, a VPC's subnet IDs) works under mocks.
 *
 * Everything here is deterministic: the same inputs give the same state.
 */

/** A resource's inputs or state: plain JSON. */
export type State = Record<string, any>;
/** Computes a resource's mock state from its logical name and inputs. */
export type StateFn = (name: string, inputs: State) => State;

/** The AWS region the mocks pretend to run in. */
export const MOCK_REGION = "us-west-2";
/** The AWS account ID the mocks pretend to run in. */
export const MOCK_ACCOUNT = "123456789012";

function kubernetesObject(name: string, inputs: State): State {
    const metadata = inputs.metadata ?? {};
    return {
        ...inputs,
        metadata: {
            ...metadata,
            // Auto-naming: Pulumi appends a random suffix; the mock uses a fixed one.
            name: metadata.name ?? `${name}-mock`,
            namespace: metadata.namespace ?? "default",
            uid: `${name}-uid`,
        },
    };
}

function kubernetesService(name: string, inputs: State): State {
    const state = kubernetesObject(name, inputs);
    const type = inputs.spec?.type ?? "ClusterIP";
    const ingress =
        type === "LoadBalancer"
            ? [{ hostname: `${state.metadata.name}-0123456789.${MOCK_REGION}.elb.amazonaws.com` }]
            : [];
    return {
        ...state,
        spec: { ...inputs.spec, clusterIP: "10.100.0.10" },
        status: { loadBalancer: { ingress } },
    };
}

function zones(count: number): string[] {
    return Array.from({ length: count }, (_, i) => `${MOCK_REGION}${"abcdef"[i]}`);
}

/** awsx.ec2.Vpc: one public and one private subnet per AZ, as the Auto strategy lays them out. */
function awsxVpc(name: string, inputs: State): State {
    const azs = zones(inputs.numberOfAvailabilityZones ?? 3);
    const types: string[] = (inputs.subnetSpecs ?? [{ type: "Public" }, { type: "Private" }]).map(
        (s: State) => s.type,
    );
    const ids = (type: string) =>
        types.includes(type) ? azs.map((az) => `subnet-${type.toLowerCase()}-${az}`) : [];
    return {
        ...inputs,
        vpcId: `vpc-${name}`,
        publicSubnetIds: ids("Public"),
        privateSubnetIds: ids("Private"),
        isolatedSubnetIds: ids("Isolated"),
    };
}

/** A kubeconfig shaped like the one @pulumi/eks generates (exec auth through the AWS CLI). */
export function mockKubeconfig(clusterName: string): State {
    return {
        apiVersion: "v1",
        kind: "Config",
        clusters: [
            {
                name: "kubernetes",
                cluster: {
                    server: `https://${clusterName.toUpperCase()}0123456789.gr7.${MOCK_REGION}.eks.amazonaws.com`,
                    "certificate-authority-data": "bW9jay1jYQ==",
                },
            },
        ],
        contexts: [{ name: "aws", context: { cluster: "kubernetes", user: "aws" } }],
        "current-context": "aws",
        users: [
            {
                name: "aws",
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "aws",
                        args: [
                            "--region",
                            MOCK_REGION,
                            "eks",
                            "get-token",
                            "--cluster-name",
                            clusterName,
                            "--output",
                            "json",
                        ],
                    },
                },
            },
        ],
    };
}

/** eks.Cluster: the outputs programs read (kubeconfig, OIDC, security groups). */
function eksCluster(name: string, inputs: State): State {
    const clusterName = inputs.name ?? `${name}-eksCluster-mock`;
    const kubeconfig = mockKubeconfig(clusterName);
    const issuer = `oidc.eks.${MOCK_REGION}.amazonaws.com/id/MOCK${name.toUpperCase()}`;
    return {
        ...inputs,
        kubeconfig,
        kubeconfigJson: JSON.stringify(kubeconfig),
        oidcIssuer: issuer,
        oidcProviderUrl: `https://${issuer}`,
        oidcProviderArn: `arn:aws:iam::${MOCK_ACCOUNT}:oidc-provider/${issuer}`,
        clusterSecurityGroupId: `sg-${name}-cluster`,
        nodeSecurityGroupId: `sg-${name}-node`,
        // The underlying aws.eks.Cluster, as the outputs of a resource reference.
        eksCluster: {
            name: clusterName,
            version: inputs.version,
            arn: `arn:aws:eks:${MOCK_REGION}:${MOCK_ACCOUNT}:cluster/${clusterName}`,
            endpoint: kubeconfig.clusters[0].cluster.server,
        },
    };
}

function arnState(service: string, resourcePath: (name: string) => string): StateFn {
    return (name, inputs) => ({
        ...inputs,
        name: inputs.name ?? `${name}-mock`,
        arn: `arn:aws:${service}::${MOCK_ACCOUNT}:${resourcePath(name)}`,
    });
}

const STATES: Record<string, StateFn> = {
    "kubernetes:core/v1:Service": kubernetesService,
    "awsx:ec2:Vpc": awsxVpc,
    "eks:index:Cluster": eksCluster,
    "aws:iam/role:Role": arnState("iam", (n) => `role/${n}-mock`),
    "aws:kms/key:Key": (name, inputs) => ({
        ...inputs,
        keyId: `${name}-key-id`,
        arn: `arn:aws:kms:${MOCK_REGION}:${MOCK_ACCOUNT}:key/${name}-key-id`,
    }),
    "aws:ec2/launchTemplate:LaunchTemplate": (name, inputs) => ({
        ...inputs,
        latestVersion: 1,
        arn: `arn:aws:ec2:${MOCK_REGION}:${MOCK_ACCOUNT}:launch-template/lt-${name}`,
    }),
    "aws:eks/addon:Addon": (name, inputs) => ({
        ...inputs,
        addonVersion: inputs.addonVersion ?? "v0.8.0-eksbuild.1",
        arn: `arn:aws:eks:${MOCK_REGION}:${MOCK_ACCOUNT}:addon/${inputs.clusterName}/${inputs.addonName}/${name}`,
    }),
};

/** The state a provider would return for a resource of `type`. */
export function mockState(type: string, name: string, inputs: State): State {
    const fn =
        STATES[type] ??
        (type.startsWith("kubernetes:") && type !== "pulumi:providers:kubernetes"
            ? kubernetesObject
            : undefined);
    return fn ? fn(name, inputs) : { ...inputs };
}

/** Register or replace the state function for a type (for types this kit doesn't know). */
export function registerMockState(type: string, fn: StateFn): void {
    STATES[type] = fn;
}

/** Computes an invoke's mock result from its inputs. */
export type CallFn = (inputs: State) => State;
const CALLS: Record<string, CallFn> = {
    "aws:index/getPartition:getPartition": () => ({
        partition: "aws",
        dnsSuffix: "amazonaws.com",
        id: "aws",
    }),
    "aws:index/getRegion:getRegion": () => ({
        name: MOCK_REGION,
        region: MOCK_REGION,
        id: MOCK_REGION,
    }),
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({
        accountId: MOCK_ACCOUNT,
        arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/mock`,
        userId: "AIDAMOCK",
        id: MOCK_ACCOUNT,
    }),
    "aws:index/getAvailabilityZones:getAvailabilityZones": () => ({
        names: zones(6),
        zoneIds: zones(6).map((z) => `${z}-id`),
        id: MOCK_REGION,
    }),
};

/** The result of a provider function (invoke) under mocks. */
export function mockCall(token: string, inputs: State): State {
    const fn = CALLS[token];
    return fn ? fn(inputs) : {};
}

/** Register or replace the result of an invoke, keyed by its token. */
export function registerMockCall(token: string, fn: CallFn): void {
    CALLS[token] = fn;
}
