import { strict as assert } from "assert";
import {
    deployConfig,
    evaluateProgram,
    evaluateCapturingWarnings,
    evaluateStack,
    Evaluation,
    projectDefaults,
    runProgram,
    stackConfig,
    STACKS,
} from "./stacks";
import { proxyRoutes } from "../program/app";
import { renderProxyConfig } from "../program/proxyConfig";

const K8S_PROVIDER = "pulumi:providers:kubernetes";
const T = {
    deployment: "kubernetes:apps/v1:Deployment",
    service: "kubernetes:core/v1:Service",
    hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
    namespace: "kubernetes:core/v1:Namespace",
};

describe("the program, evaluated per stack (under mocks)", function () {
    const results: Record<string, Evaluation> = {};

    before(async function () {
        // Evaluated once each, in a fresh module state; the tests below read the results.
        for (const stack of STACKS) {
            results[stack] = await evaluateStack(stack);
        }
    });

    for (const stack of ["dev", "staging", "prod"]) {
        describe(`${stack} (EKS)`, () => {
            const r = () => results[stack];

            it("registers the platform and three services, each Kubernetes object through the cluster's provider", () => {
                const { mocks } = r();
                const counts = mocks.typeCounts();
                assert.equal(counts["orchestration:index:EksCluster"], 1);
                assert.equal(counts["eks:index:Cluster"], 1);
                assert.equal(counts["eks:index:ManagedNodeGroup"], 1);
                assert.equal(counts["awsx:ec2:Vpc"], 1);
                assert.equal(
                    counts["aws:eks/addon:Addon"],
                    3,
                    "metrics-server, CoreDNS and the Pod Identity agent",
                );
                assert.equal(counts[K8S_PROVIDER], 1);
                assert.equal(counts["orchestration:index:ScalableService"], 3);
                assert.equal(counts[T.deployment], 3);
                assert.equal(counts[T.hpa], 3, "every Deployment has an HPA");
                assert.equal(counts[T.namespace], 1);
                const provider = mocks.one(K8S_PROVIDER);
                assert.equal(provider.name, `${stack}-k8s`);
                const k8sObjects = mocks.resources.filter((x) => x.type.startsWith("kubernetes:"));
                assert.ok(k8sObjects.length >= 13);
                for (const obj of k8sObjects) {
                    assert.match(
                        obj.provider ?? "",
                        new RegExp(`::${stack}-k8s::${provider.id}$`),
                        `${obj.type} ${obj.name}`,
                    );
                }
            });

            it("creates exactly the seed's IAM roles and policy ARNs", () => {
                const { mocks } = r();
                const attachments = mocks
                    .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                    .map((a) => `${a.inputs.role} ${a.inputs.policyArn}`)
                    .sort();
                assert.deepEqual(attachments, [
                    `${stack}-cluster-role-mock arn:aws:iam::aws:policy/AmazonEKSClusterPolicy`,
                    `${stack}-node-role-mock arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly`,
                    `${stack}-node-role-mock arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy`,
                    `${stack}-node-role-mock arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy`,
                ]);
            });

            it("pins the cluster: version, STANDARD support, API auth, restricted endpoint, KMS, OIDC", () => {
                const cluster = r().mocks.one("eks:index:Cluster").inputs;
                assert.equal(cluster.name, `orchestration-${stack}`);
                assert.equal(cluster.version, "1.35");
                assert.deepEqual(cluster.upgradePolicy, { supportType: "STANDARD" });
                assert.equal(cluster.authenticationMode, "API");
                assert.equal(cluster.skipDefaultNodeGroup, true);
                assert.deepEqual(cluster.publicAccessCidrs, ["203.0.113.7/32"]);
                assert.equal(cluster.endpointPrivateAccess, true);
                assert.match(cluster.encryptionConfigKeyArn, /^arn:aws:kms:/);
                assert.equal(cluster.createOidcProvider, true);
                assert.ok(cluster.vpcId.startsWith("vpc-"), "never the default VPC");
            });

            it("makes every HPA wait for metrics-server", () => {
                const { mocks } = r();
                const addon = mocks.one("aws:eks/addon:Addon", `${stack}-metrics-server`);
                assert.equal(addon.inputs.addonName, "metrics-server");
                const addonUrn = `urn:pulumi:${stack}::orchestration::orchestration:index:EksCluster$aws:eks/addon:Addon::${stack}-metrics-server`;
                for (const hpa of mocks.ofType(T.hpa)) {
                    assert.ok(
                        hpa.dependencies.includes(addonUrn),
                        `${hpa.name} does not wait for metrics-server: ${JSON.stringify(hpa.dependencies)}`,
                    );
                }
            });

            it("exports the kubeconfig, cluster name, public hostname, internal URLs and kubectl commands", () => {
                const { outputs } = r();
                assert.equal(outputs.platform, "eks");
                assert.equal(outputs.clusterName, `orchestration-${stack}`);
                assert.equal(JSON.parse(outputs.kubeconfig).kind, "Config");
                // The program asks for a load balancer and exports whatever address the
                // Service reports; the hostname itself is the mock's.
                const proxy = r()
                    .mocks.ofType(T.service)
                    .find((s) => s.inputs.metadata.name === "reverseproxy-svc")!;
                assert.equal(proxy.inputs.spec.type, "LoadBalancer");
                const hostname = proxy.state.status.loadBalancer.ingress[0].hostname;
                assert.equal(outputs.proxyAddress, hostname);
                assert.equal(outputs.proxyUrl, `http://${hostname}:8080/api/health`);
                assert.deepEqual(outputs.internalUrls, {
                    "reverseproxy-svc": "http://reverseproxy-svc.apps.svc.cluster.local:8080",
                    "backend-user": "http://backend-user.apps.svc.cluster.local:80",
                    "backend-feed": "http://backend-feed.apps.svc.cluster.local:80",
                });
                assert.equal(
                    outputs.updateKubeconfig,
                    `aws eks update-kubeconfig --region us-west-2 --name orchestration-${stack}`,
                );
                assert.deepEqual(Object.keys(outputs.kubectl).sort(), [
                    "deletePodToWatchItHeal",
                    "describeHpa",
                    "describeServices",
                    "exec",
                    "generateLoad",
                    "getPods",
                    "internalRequest",
                    "logs",
                    "watchHpa",
                ]);
                assert.equal(
                    outputs.kubectl.internalRequest,
                    "kubectl -n apps exec deploy/backend-user -- wget -qO- http://reverseproxy-svc:8080/api/health",
                );
            });
        });
    }

    it("keeps the kubeconfig output secret", async () => {
        const pulumi = await import("@pulumi/pulumi");
        const { mocks } = await evaluateProgram("dev", deployConfig("dev"));
        assert.deepEqual(mocks.one(K8S_PROVIDER).secretInputs, ["kubeconfig"]);
        // The stack output itself: re-run and check the raw Output's secretness.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const raw = await (require("../index") as () => Promise<Record<string, any>>)();
        assert.equal(await pulumi.isSecret(raw.kubeconfig), true);
    });

    describe("differences between environments", () => {
        const cluster = (s: string) => results[s].mocks.one("eks:index:Cluster").inputs;
        const nodes = (s: string) => results[s].mocks.one("eks:index:ManagedNodeGroup").inputs;
        const vpc = (s: string) => results[s].mocks.one("awsx:ec2:Vpc").inputs;
        const hpaMins = (s: string) =>
            results[s].mocks.ofType(T.hpa).map((h) => h.inputs.spec.minReplicas);

        it("dev is cheap: one NAT gateway, 2 AZs, small nodes, minReplicas 1 (with PDBs for its scale-ups)", () => {
            assert.deepEqual(vpc("dev").natGateways, { strategy: "Single" });
            assert.equal(vpc("dev").numberOfAvailabilityZones, 2);
            assert.deepEqual(nodes("dev").instanceTypes, ["t3.small"]);
            assert.deepEqual(nodes("dev").scalingConfig, {
                minSize: 1,
                desiredSize: 2,
                maxSize: 3,
            });
            assert.deepEqual(hpaMins("dev"), [1, 1, 1]);
            assert.equal(results.dev.mocks.ofType(T.pdb).length, 3);
            assert.deepEqual(cluster("dev").enabledClusterLogTypes, []);
            assert.equal(
                results.dev.mocks.resources.some((x) => x.protect),
                false,
            );
        });

        it("staging sits between: 2 replicas with PDBs, API/audit logs, one NAT gateway", () => {
            assert.deepEqual(vpc("staging").natGateways, { strategy: "Single" });
            assert.deepEqual(hpaMins("staging"), [2, 2, 2]);
            assert.equal(results.staging.mocks.ofType(T.pdb).length, 3);
            assert.deepEqual(cluster("staging").enabledClusterLogTypes, [
                "api",
                "audit",
                "authenticator",
            ]);
            assert.equal(cluster("staging").deletionProtection, false);
        });

        it("prod is highly available: 3 AZs with NAT each, 3+ nodes and replicas, PDBs, all logs, protected", () => {
            assert.deepEqual(vpc("prod").natGateways, { strategy: "OnePerAz" });
            assert.equal(vpc("prod").numberOfAvailabilityZones, 3);
            assert.ok(nodes("prod").scalingConfig.minSize >= 2);
            assert.deepEqual(nodes("prod").instanceTypes, ["m5.large"]);
            assert.deepEqual(hpaMins("prod"), [3, 3, 3]);
            assert.equal(results.prod.mocks.ofType(T.pdb).length, 3);
            assert.deepEqual(cluster("prod").enabledClusterLogTypes, [
                "api",
                "audit",
                "authenticator",
                "controllerManager",
                "scheduler",
            ]);
            assert.equal(cluster("prod").deletionProtection, true);
            assert.ok(
                results.prod.mocks.one("eks:index:Cluster").protect,
                "protect on the cluster",
            );
            assert.match(cluster("prod").encryptionConfigKeyArn, /^arn:aws:kms:/);
        });
    });

    describe("local (any kubeconfig cluster)", () => {
        const r = () => results.local;

        it("registers no aws, eks or awsx resources at all", () => {
            const cloud = r().mocks.resources.filter(
                (x) => /^(aws|eks|awsx)[:]/.test(x.type) || x.type.includes("EksCluster"),
            );
            assert.deepEqual(cloud, []);
        });

        it("deploys the same three services through a provider for the current context", () => {
            const { mocks } = r();
            const provider = mocks.one(K8S_PROVIDER);
            assert.equal(provider.name, "local");
            assert.equal(
                provider.inputs.kubeconfig,
                undefined,
                "reads KUBECONFIG / ~/.kube/config",
            );
            assert.equal(provider.inputs.context, undefined);
            assert.equal(mocks.ofType("orchestration:index:ScalableService").length, 3);
            assert.equal(mocks.ofType(T.hpa).length, 3);
            for (const obj of mocks.resources.filter((x) => x.type.startsWith("kubernetes:"))) {
                assert.match(obj.provider ?? "", /::local::/);
            }
        });

        it("labels every Kubernetes object, the namespace included, with the project and the stack", () => {
            const objects = r().mocks.resources.filter((x) => x.type.startsWith("kubernetes:"));
            assert.ok(objects.some((x) => x.type === T.namespace));
            for (const obj of objects) {
                const labels = obj.inputs.metadata.labels;
                assert.equal(labels["orchestration/project"], "orchestration", obj.name);
                assert.equal(labels["orchestration/stack"], "local", obj.name);
            }
        });

        it("keeps the proxy in-cluster (ClusterIP) and says how to reach it", () => {
            const { mocks, outputs } = r();
            const proxy = mocks
                .ofType(T.service)
                .find((s) => s.inputs.metadata.name === "reverseproxy-svc")!;
            assert.equal(proxy.inputs.spec.type, "ClusterIP");
            assert.equal(outputs.platform, "local");
            assert.match(
                outputs.proxyAddress,
                /kubectl -n apps port-forward svc\/reverseproxy-svc 8080:8080/,
            );
            assert.equal(outputs.kubeconfig, undefined);
        });
    });

    describe("a new local stack (no stack file of its own)", () => {
        const local = { ...projectDefaults(), "orchestration:platform": "local" };
        const proxyService = (e: Evaluation) =>
            e.mocks.ofType(T.service).find((s) => s.inputs.metadata.name === "reverseproxy-svc")!
                .inputs.spec.type;

        it("defaults the proxy to ClusterIP, so pulumi up never waits for a load balancer", async () => {
            const run = await evaluateCapturingWarnings("kind", local);
            assert.equal(proxyService(run), "ClusterIP");
            assert.match(run.outputs.proxyAddress, /^not public \(ClusterIP\); run: kubectl/);
            assert.deepEqual(run.warnings, []);
        });

        it("keeps an explicit LoadBalancer, with a warning that names the key", async () => {
            const run = await evaluateCapturingWarnings("kind", {
                ...local,
                "orchestration:proxyServiceType": "LoadBalancer",
            });
            assert.equal(proxyService(run), "LoadBalancer");
            assert.equal(run.warnings.length, 1);
            assert.match(
                run.warnings[0],
                /^stack "kind": 'orchestration:proxyServiceType' \("LoadBalancer"\) on the local platform: .* waits up to 10 minutes/,
            );
        });

        it("leaves the EKS stacks' proxy on a LoadBalancer by default", () => {
            for (const stack of ["dev", "staging", "prod"]) {
                assert.equal(proxyService(results[stack]), "LoadBalancer", stack);
            }
        });
    });

    describe("the seed's application on every stack", () => {
        for (const stack of STACKS) {
            it(`${stack}: the proxy waits for the backends' Services, not for their pods`, () => {
                const { mocks } = results[stack];
                const proxy = mocks.one(T.deployment, "reverseproxy");
                const urnOf = (type: string, name: string) =>
                    proxy.dependencies.find((d) => d.endsWith(`$${type}::${name}`));
                for (const backend of ["backend-user", "backend-feed"]) {
                    assert.ok(urnOf(T.service, backend), `${backend}'s Service is not awaited`);
                    assert.equal(
                        urnOf(T.deployment, backend),
                        undefined,
                        `${backend}'s pods are awaited`,
                    );
                    assert.equal(
                        proxy.dependencies.some((d) => d.endsWith(`ScalableService::${backend}`)),
                        false,
                        `the whole ${backend} component is awaited`,
                    );
                }
            });

            it(`${stack}: a public proxy that routes /api/ to backends reached by name over ClusterIP`, () => {
                const { mocks } = results[stack];
                const services = Object.fromEntries(
                    mocks.ofType(T.service).map((s) => [s.inputs.metadata.name, s.inputs]),
                );
                assert.deepEqual(Object.keys(services).sort(), [
                    "backend-feed",
                    "backend-user",
                    "reverseproxy-svc",
                ]);
                assert.equal(services["backend-user"].spec.type, "ClusterIP");
                assert.equal(services["backend-feed"].spec.type, "ClusterIP");
                assert.deepEqual(services["reverseproxy-svc"].spec.ports, [
                    { name: "http", port: 8080, targetPort: "http", protocol: "TCP" },
                ]);
                // The proxy's config: the rendered template, completed by the image's entrypoint.
                const cm = mocks.one("kubernetes:core/v1:ConfigMap").inputs;
                assert.deepEqual(Object.keys(cm.data), ["default.conf.template"]);
                assert.equal(
                    cm.data["default.conf.template"],
                    renderProxyConfig(8080, "apps", proxyRoutes()),
                );
                const proxy = mocks
                    .ofType(T.deployment)
                    .find((d) => d.inputs.metadata.name === "reverseproxy-svc")!.inputs.spec
                    .template.spec;
                const container = proxy.containers[0];
                assert.deepEqual(
                    container.env.filter((e: { name: string }) => e.name.startsWith("NGINX_")),
                    [
                        { name: "NGINX_ENTRYPOINT_LOCAL_RESOLVERS", value: "1" },
                        { name: "NGINX_ENVSUBST_FILTER", value: "^NGINX_LOCAL_RESOLVERS$" },
                    ],
                );
                const mounts = Object.fromEntries(
                    container.volumeMounts.map((m: { mountPath: string; readOnly?: boolean }) => [
                        m.mountPath,
                        m.readOnly ?? false,
                    ]),
                );
                assert.deepEqual(mounts, {
                    "/tmp": false,
                    "/etc/nginx/conf.d": false,
                    "/etc/nginx/templates": true,
                });
                assert.equal(container.securityContext.readOnlyRootFilesystem, true);
                const ns = mocks.one(T.namespace).inputs;
                assert.equal(
                    ns.metadata.labels["pod-security.kubernetes.io/enforce"],
                    "restricted",
                );
            });
        }
    });
});

describe("the proxy's ALB Ingress (under mocks)", () => {
    it("gives the proxy an Ingress of class alb for orchestration:proxyIngressHost, and none without it", async () => {
        const { mocks } = await evaluateProgram("staging", {
            ...deployConfig("staging"),
            "orchestration:proxyIngressHost": "shop.example.com",
        });
        const ingress = mocks.one("kubernetes:networking.k8s.io/v1:Ingress");
        assert.equal(ingress.name, "reverseproxy-ingress");
        assert.match(ingress.parent ?? "", /::orchestration:index:ScalableService::reverseproxy$/);
        assert.deepEqual(ingress.inputs.metadata.annotations, {
            "alb.ingress.kubernetes.io/scheme": "internet-facing",
            "alb.ingress.kubernetes.io/target-type": "ip",
            "alb.ingress.kubernetes.io/healthcheck-path": "/healthz",
        });
        assert.equal(ingress.inputs.spec.ingressClassName, "alb");
        assert.deepEqual(ingress.inputs.spec.rules[0].host, "shop.example.com");
        assert.deepEqual(ingress.inputs.spec.rules[0].http.paths[0].backend, {
            service: { name: "reverseproxy-svc", port: { number: 8080 } },
        });
        const staging = await evaluateStack("staging");
        assert.equal(staging.mocks.ofType("kubernetes:networking.k8s.io/v1:Ingress").length, 0);
    });
});

describe("the containers' pull policy (under mocks)", () => {
    it("gives every container orchestration:imagePullPolicy when set, and the component's Always when not", async () => {
        const policies = async (config: Record<string, unknown>) => {
            const { mocks } = await evaluateProgram("local", config);
            return mocks
                .ofType("kubernetes:apps/v1:Deployment")
                .flatMap((d) =>
                    d.inputs.spec.template.spec.containers.map((c: any) => c.imagePullPolicy),
                );
        };
        const local = stackConfig("local");
        const set = await policies({ ...local, "orchestration:imagePullPolicy": "IfNotPresent" });
        assert.deepEqual(set, ["IfNotPresent", "IfNotPresent", "IfNotPresent"]);
        assert.deepEqual(await policies(local), ["Always", "Always", "Always"]);
    });
});

describe("the program's registration order (under mocks)", () => {
    it("sends the Kubernetes provider's registration before it builds the app, so the engine starts the plugin meanwhile", async () => {
        const events: string[] = [];
        const { error } = await runProgram("local", stackConfig("local"), (mocks) => {
            const newResource = mocks.newResource.bind(mocks);
            mocks.newResource = (args) => {
                events.push(`registered ${args.type}::${args.name}`);
                return newResource(args);
            };
            // The fresh module index.ts is about to load: count when it builds the app.
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const app = require("../program/app") as typeof import("../program/app");
            const deployApp = app.deployApp;
            app.deployApp = (...args) => {
                events.push("deployApp");
                return deployApp(...args);
            };
        });
        assert.equal(error, undefined);
        const provider = events.indexOf(`registered ${K8S_PROVIDER}::local`);
        assert.ok(provider >= 0, events.join("\n"));
        assert.ok(provider < events.indexOf("deployApp"), events.join("\n"));
    });
});

describe("the program rejects bad stack config before registering anything (under mocks)", () => {
    async function rejects(stack: string, config: Record<string, unknown>, ...fragments: string[]) {
        const { mocks, error } = await runProgram(stack, config);
        // index.ts was loaded afresh, so compare by name rather than by class.
        assert.ok(
            error instanceof Error && error.name === "ValidationError",
            `expected a ValidationError, got ${String(error)}`,
        );
        assert.ok(error.message.startsWith(`stack "${stack}": invalid input:`), error.message);
        for (const f of fragments) {
            assert.ok(
                error.message.includes(f),
                `message lacks ${JSON.stringify(f)}:\n${error.message}`,
            );
        }
        assert.deepEqual(mocks.resources, [], "nothing may be registered");
    }

    it("requires the API endpoint CIDRs on EKS stacks", async () => {
        await rejects(
            "dev",
            stackConfig("dev"),
            `'orchestration:publicAccessCidrs' ([]) must list the CIDRs`,
            `'orchestration:endpointPublicAccess'`,
        );
    });

    it("refuses an API endpoint open to the world", async () => {
        await rejects(
            "prod",
            { ...stackConfig("prod"), "orchestration:publicAccessCidrs": ["0.0.0.0/0"] },
            `'orchestration:publicAccessCidrs[0]' ("0.0.0.0/0") opens the API endpoint`,
        );
    });

    it("refuses the seed's t3.micro nodes: 4 pods each, and the system pods take them", async () => {
        await rejects(
            "dev",
            { ...deployConfig("dev"), "orchestration:nodeInstanceTypes": ["t3.micro"] },
            `'orchestration:nodeMaxSize' (3) nodes of t3.micro hold 4 pods each, 1 after aws-node, kube-proxy and the Pod Identity agent, so the node group fits 3 pods`,
            `the stack needs 13: 3 services × 'orchestration:maxReplicas' (3) = 9, plus 4 system pods (CoreDNS 2, metrics-server 2)`,
            `Raise 'orchestration:nodeMaxSize' to 13`,
        );
    });

    it("refuses maxReplicas the node group can't hold at its max size", async () => {
        await rejects(
            "prod",
            {
                ...deployConfig("prod"),
                "orchestration:maxReplicas": 100,
                "orchestration:nodeMaxSize": 3,
            },
            `so the node group fits 78 pods; the stack needs 304`,
        );
    });

    it("names the stack, key and value for malformed and out-of-range values", async () => {
        await rejects(
            "staging",
            {
                ...deployConfig("staging"),
                "orchestration:nodeMinSize": "two",
                "orchestration:minReplicas": 6,
                "orchestration:natGateways": "None",
                "orchestration:kubernetesVersion": "latest",
                "orchestration:clusterLogTypes": ["api", "everything"],
                "aws:region": "",
            },
            `'orchestration:nodeMinSize' ("two") must be an integer`,
            `'orchestration:minReplicas' (6) must be <= 'orchestration:maxReplicas' (5)`,
            `'orchestration:natGateways' ("None") must be one of "Single", "OnePerAz"`,
            `'orchestration:kubernetesVersion' ("latest") must be a pinned minor version`,
            `'orchestration:clusterLogTypes[1]' ("everything")`,
            `'aws:region' ("") must be set to an AWS region`,
        );
    });

    it("refuses a proxyIngressHost that is not a DNS name, and any on the local platform", async () => {
        await rejects(
            "dev",
            { ...deployConfig("dev"), "orchestration:proxyIngressHost": "10.0.0.1" },
            `'orchestration:proxyIngressHost' ("10.0.0.1") must be a lowercase DNS name`,
        );
        await rejects(
            "local",
            { ...stackConfig("local"), "orchestration:proxyIngressHost": "shop.example.com" },
            `'orchestration:proxyIngressHost' ("shop.example.com") is EKS only`,
        );
    });

    it("refuses an imagePullPolicy Kubernetes doesn't know", async () => {
        await rejects(
            "local",
            { ...stackConfig("local"), "orchestration:imagePullPolicy": "Sometimes" },
            `'orchestration:imagePullPolicy' ("Sometimes") must be one of "Always", "IfNotPresent", "Never"`,
        );
    });

    it("rejects an unknown platform", async () => {
        await rejects(
            "local",
            { ...stackConfig("local"), "orchestration:platform": "gke" },
            `'orchestration:platform' ("gke") must be one of "eks", "local"`,
        );
    });
});
