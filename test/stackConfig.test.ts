import { strict as assert } from "assert";
import { APP_DEFAULTS, eksConfigKey, loadStackConfig } from "../program/config";
import { OPERATOR_CONFIG, stackConfig } from "./stacks";

/** A lookup over a stack's config as the engine would serialize it (JSON for non-strings). */
function lookup(config: Record<string, unknown>) {
    return (key: string) => {
        const v = config[key];
        return v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
    };
}

describe("stack config (pure)", () => {
    it("reads dev as typed config with every default applied", () => {
        const cfg = loadStackConfig(
            "dev",
            "orchestration",
            lookup({ ...stackConfig("dev"), ...OPERATOR_CONFIG }),
        );
        assert.equal(cfg.platform, "eks");
        assert.deepEqual(cfg.app, {
            namespace: "apps",
            minReplicas: 1,
            maxReplicas: 3,
            targetCpuUtilization: 70,
            proxyServiceType: "LoadBalancer",
            backendImage: "stefanprodan/podinfo:6.7.1",
            proxyImage: "nginxinc/nginx-unprivileged:1.28-alpine",
            progressDeadlineSeconds: 600,
        });
        assert.deepEqual(cfg.eks, {
            clusterName: "orchestration-dev",
            kubernetesVersion: "1.35",
            publicAccessCidrs: ["203.0.113.7/32"],
            endpointPublicAccess: true,
            availabilityZones: 2,
            natGateways: "Single",
            vpcCidr: "10.0.0.0/16",
            nodeGroup: {
                instanceTypes: ["t3.small"],
                architecture: "x86_64",
                minSize: 1,
                desiredSize: 2,
                maxSize: 3,
                diskSizeGb: 20,
            },
            addonVersions: { vpcCni: "v1.22.4-eksbuild.3", kubeProxy: "v1.35.3-eksbuild.29" },
            clusterLogTypes: [],
            protect: false,
            metricsServerVersion: undefined,
            clusterAdmins: [],
            clusterViewers: [],
            tags: {},
            region: "us-west-2",
        });
        assert.deepEqual(cfg.warnings, []);
    });

    it("runs the proxy on nginx's stable line by default, and takes an image pinned by digest", () => {
        // 1.27 has ended; 1.28 is the stable line (1.29 the mainline).
        assert.equal(APP_DEFAULTS.proxyImage, "nginxinc/nginx-unprivileged:1.28-alpine");
        const pinned = `nginxinc/nginx-unprivileged:1.28-alpine@sha256:${"0".repeat(64)}`;
        const cfg = loadStackConfig(
            "local",
            "orchestration",
            lookup({ ...stackConfig("local"), "orchestration:proxyImage": pinned }),
        );
        assert.equal(cfg.app.proxyImage, pinned);
    });

    it("reads local without any AWS settings, and an empty kubeContext as the current context", () => {
        const cfg = loadStackConfig("local", "orchestration", lookup(stackConfig("local")));
        assert.equal(cfg.platform, "local");
        assert.equal(cfg.eks, undefined);
        assert.equal(cfg.kubeContext, undefined);
        assert.equal(cfg.app.proxyServiceType, "ClusterIP");
        const named = loadStackConfig(
            "local",
            "orchestration",
            lookup({ ...stackConfig("local"), "orchestration:kubeContext": "kind-kind" }),
        );
        assert.equal(named.kubeContext, "kind-kind");
    });

    it("defaults the proxy's Service type by platform, and warns about a LoadBalancer on local", () => {
        const load = (stack: string, extra: Record<string, unknown> = {}) =>
            loadStackConfig(
                stack,
                "orchestration",
                lookup({ ...stackConfig(stack), ...OPERATOR_CONFIG, ...extra }),
            );
        assert.equal(load("dev").app.proxyServiceType, "LoadBalancer");
        assert.equal(load("local").app.proxyServiceType, "ClusterIP");
        const nodePort = load("local", { "orchestration:proxyServiceType": "NodePort" });
        assert.equal(nodePort.app.proxyServiceType, "NodePort");
        assert.deepEqual(nodePort.warnings, []);
        const lb = load("local", { "orchestration:proxyServiceType": "LoadBalancer" });
        assert.equal(lb.app.proxyServiceType, "LoadBalancer");
        assert.equal(lb.warnings.length, 1);
        assert.match(
            lb.warnings[0],
            /^'orchestration:proxyServiceType' \("LoadBalancer"\) on the local platform/,
        );
        assert.deepEqual(
            load("dev", { "orchestration:proxyServiceType": "LoadBalancer" }).warnings,
            [],
        );
        assert.throws(
            () => load("local", { "orchestration:proxyServiceType": "Ingress" }),
            /'orchestration:proxyServiceType' \("Ingress"\) must be one of "ClusterIP", "LoadBalancer", "NodePort"/,
        );
    });

    it("allows a private-only endpoint without CIDRs", () => {
        const cfg = loadStackConfig(
            "dev",
            "orchestration",
            lookup({ ...stackConfig("dev"), "orchestration:endpointPublicAccess": false }),
        );
        assert.equal(cfg.eks?.endpointPublicAccess, false);
        assert.deepEqual(cfg.eks?.publicAccessCidrs, []);
    });

    it("takes maxPodsPerNode for instance types outside the table, and asks for it otherwise", () => {
        const base = {
            ...stackConfig("dev"),
            ...OPERATOR_CONFIG,
            "orchestration:nodeInstanceTypes": ["x9.huge"],
        };
        assert.throws(
            () => loadStackConfig("dev", "orchestration", lookup(base)),
            /'orchestration:nodeInstanceTypes' \(\["x9.huge"\]\) has no known pod limit for x9.huge; set 'orchestration:maxPodsPerNode'/,
        );
        const cfg = loadStackConfig(
            "dev",
            "orchestration",
            lookup({ ...base, "orchestration:maxPodsPerNode": 110 }),
        );
        assert.deepEqual(cfg.eks?.nodeGroup.instanceTypes, ["x9.huge"]);
    });

    it("names the config key of node types that mix architectures, and asks for a Graviton type's pod limit", () => {
        const base = { ...stackConfig("dev"), ...OPERATOR_CONFIG };
        assert.throws(
            () =>
                loadStackConfig(
                    "dev",
                    "orchestration",
                    lookup({
                        ...base,
                        "orchestration:nodeInstanceTypes": ["t3.small", "t4g.small"],
                    }),
                ),
            /'orchestration:nodeInstanceTypes' \(\["t3.small","t4g.small"\]\) mix x86_64 and arm64: t3.small is x86_64 and t4g.small is arm64/,
        );
        // The max-pods table has no Graviton type yet: the capacity check asks for the number.
        assert.throws(
            () =>
                loadStackConfig(
                    "dev",
                    "orchestration",
                    lookup({ ...base, "orchestration:nodeInstanceTypes": ["t4g.medium"] }),
                ),
            /'orchestration:nodeInstanceTypes' \(\["t4g.medium"\]\) has no known pod limit for t4g.medium; set 'orchestration:maxPodsPerNode'/,
        );
        const cfg = loadStackConfig(
            "dev",
            "orchestration",
            lookup({
                ...base,
                "orchestration:nodeInstanceTypes": ["t4g.medium"],
                "orchestration:maxPodsPerNode": 17,
            }),
        );
        assert.equal(cfg.eks?.nodeGroup.architecture, "arm64");
    });

    it("warns, without failing, when only the max node count fits the services at max replicas", () => {
        const cfg = loadStackConfig(
            "dev",
            "orchestration",
            lookup({
                ...stackConfig("dev"),
                ...OPERATOR_CONFIG,
                "orchestration:nodeDesiredSize": 1,
                "orchestration:maxReplicas": 5,
            }),
        );
        assert.equal(cfg.warnings.length, 1);
        assert.match(
            cfg.warnings[0],
            /^'orchestration:nodeDesiredSize' \(1\) nodes fit 8 pods, but the services at 'orchestration:maxReplicas' need 19\. No cluster autoscaler is installed/,
        );
        for (const stack of ["dev", "staging", "prod"]) {
            const shipped = loadStackConfig(
                stack,
                "orchestration",
                lookup({ ...stackConfig(stack), ...OPERATOR_CONFIG }),
            );
            assert.deepEqual(shipped.warnings, [], `${stack} fits at its desired size`);
        }
    });

    it("names the config key of an empty image", () => {
        assert.throws(
            () =>
                loadStackConfig(
                    "local",
                    "orchestration",
                    lookup({ ...stackConfig("local"), "orchestration:proxyImage": "" }),
                ),
            /'orchestration:proxyImage' \(""\) must be an image reference/,
        );
    });

    it("takes a rollout progress deadline, and names the config key of one out of range", () => {
        const load = (value: unknown) =>
            loadStackConfig(
                "local",
                "orchestration",
                lookup({ ...stackConfig("local"), "orchestration:progressDeadlineSeconds": value }),
            );
        assert.equal(load(120).app.progressDeadlineSeconds, 120);
        assert.throws(
            () => load(0),
            /'orchestration:progressDeadlineSeconds' \(0\) must be an integer number of seconds from 1 to 86400/,
        );
    });

    it("refuses a namespace the cluster creates itself, which destroy would delete", () => {
        for (const namespace of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
            assert.throws(
                () =>
                    loadStackConfig(
                        "local",
                        "orchestration",
                        lookup({ ...stackConfig("local"), "orchestration:namespace": namespace }),
                    ),
                new RegExp(
                    `'orchestration:namespace' \\("${namespace}"\\) must be a DNS-1123 label and not a namespace the cluster creates itself`,
                ),
            );
        }
    });

    it("maps EksCluster argument paths to config keys", () => {
        assert.equal(eksConfigKey("nodeGroup.maxSize"), "orchestration:nodeMaxSize");
        assert.equal(eksConfigKey("publicAccessCidrs[2]"), "orchestration:publicAccessCidrs[2]");
        assert.equal(
            eksConfigKey("nodeGroup.instanceTypes[0]"),
            "orchestration:nodeInstanceTypes[0]",
        );
    });
});
