/**
 * The program behind `pulumi up --stack <env>`: typed config, then the
 * platform (EKS, or the current kubeconfig context for the local stack), then
 * the seed's application on it, then the stack outputs.
 *
 * It exports an async function; Pulumi awaits it and turns its result into
 * stack outputs, and tests call it directly under mocks.
 */
// First: turns on Node.js's compile cache before the SDKs below load.
import "./program/compileCache";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { deployApp, kubectlCommands, loadBalancerAddress } from "./program/app";
import { PROXY } from "./program/appShape";
import { assertFreshBuild } from "./program/buildStamp";
import { CONFIG_NAMESPACE, loadStackConfig, StackConfig } from "./program/config";
import { estimateMonthlyCost } from "./program/cost";

/** The platform the services run on. */
interface Platform {
    provider: k8s.Provider;
    metricsServer?: pulumi.Resource;
    outputs: Record<string, pulumi.Input<unknown>>;
    contextFlag: string;
}

async function eksPlatform(cfg: StackConfig): Promise<Platform> {
    // Loaded only for EKS stacks, so the local stack never evaluates the AWS SDKs.
    const { EksCluster } = await import("./components/eks-cluster/component");
    const eksCfg = cfg.eks!;
    const cluster = new EksCluster(cfg.stack, {
        clusterName: eksCfg.clusterName,
        kubernetesVersion: eksCfg.kubernetesVersion,
        publicAccessCidrs: eksCfg.publicAccessCidrs,
        endpointPublicAccess: eksCfg.endpointPublicAccess,
        availabilityZones: eksCfg.availabilityZones,
        natGateways: eksCfg.natGateways,
        vpcCidr: eksCfg.vpcCidr,
        nodeGroup: eksCfg.nodeGroup,
        clusterLogTypes: eksCfg.clusterLogTypes,
        protect: eksCfg.protect,
        metricsServerVersion: eksCfg.metricsServerVersion,
        clusterAdmins: eksCfg.clusterAdmins,
        clusterViewers: eksCfg.clusterViewers,
        tags: { project: pulumi.getProject(), stack: cfg.stack, "managed-by": "pulumi" },
    });
    return {
        provider: cluster.provider,
        metricsServer: cluster.metricsServer,
        contextFlag: "",
        outputs: {
            clusterName: cluster.clusterName,
            kubeconfig: cluster.kubeconfig,
            vpcId: cluster.vpc.vpcId,
            oidcProviderArn: cluster.oidcProviderArn,
            updateKubeconfig: `aws eks update-kubeconfig --region ${eksCfg.region} --name ${eksCfg.clusterName}`,
        },
    };
}

function localPlatform(cfg: StackConfig): Platform {
    // The current kubeconfig (KUBECONFIG or ~/.kube/config), optionally a named context.
    const provider = new k8s.Provider("local", cfg.kubeContext ? { context: cfg.kubeContext } : {});
    return {
        provider,
        contextFlag: cfg.kubeContext ? `--context ${cfg.kubeContext}` : "",
        outputs: { clusterName: cfg.kubeContext ?? "(current kubeconfig context)" },
    };
}

/**
 * Yields once to the event loop, so the Kubernetes provider's registration
 * (queued by its constructor) goes out to the engine before the app's
 * resources are built. The engine then starts the provider plugin, which
 * reads the cluster's API discovery, while this process builds and registers
 * the rest, instead of after it: about 0.2 s of every preview and up (docs/performance.md,
 * "Deploy speed on a real engine").
 */
function providerRegistrationSent(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Compiled (bin/index.js): refuses a build older than the sources. Under
 * ts-node (tests, `typescript: true`) the sources are what runs.
 */
function refuseStaleBuild(): void {
    if (__filename.endsWith(".js")) {
        const outDir = __dirname;
        try {
            assertFreshBuild(path.dirname(outDir), outDir);
        } catch (err) {
            throw new pulumi.RunError((err as Error).message);
        }
    }
}

/** The stack's typed, validated config, read from the project's namespace and `aws:`. */
function readStackConfig(): StackConfig {
    const config = new pulumi.Config(CONFIG_NAMESPACE);
    const awsConfig = new pulumi.Config("aws");
    return loadStackConfig(pulumi.getStack(), pulumi.getProject(), (fullKey) => {
        const [namespace, key] = fullKey.split(":");
        return namespace === "aws" ? awsConfig.get(key) : config.get(key);
    });
}

export = async (): Promise<Record<string, unknown>> => {
    refuseStaleBuild();
    const cfg = readStackConfig();

    // Before anything registers: what this stack costs a month, and its expensive choices.
    const cost = estimateMonthlyCost(cfg);
    for (const warning of [...cfg.warnings, ...cost.warnings]) {
        void pulumi.log.warn(`stack "${cfg.stack}": ${warning}`);
    }
    const platform = cfg.platform === "eks" ? await eksPlatform(cfg) : localPlatform(cfg);
    await providerRegistrationSent();
    const app = deployApp(cfg.app, {
        provider: platform.provider,
        metricsServer: platform.metricsServer,
    });

    const internalUrls: Record<string, pulumi.Output<string>> = {};
    for (const [serviceName, svc] of Object.entries(app.services)) {
        internalUrls[serviceName] = svc.url;
    }
    const publicAddress = loadBalancerAddress(app.proxy.service);

    return {
        platform: cfg.platform,
        ...platform.outputs,
        namespace: app.namespace.metadata.name,
        ...(cfg.app.proxyServiceType === "LoadBalancer"
            ? {
                  proxyAddress: publicAddress,
                  proxyUrl: pulumi.interpolate`http://${publicAddress}:${PROXY.port}/api/health`,
              }
            : {
                  proxyAddress: `not public (${cfg.app.proxyServiceType}); run: kubectl -n ${cfg.app.namespace} port-forward svc/${PROXY.serviceName} ${PROXY.port}:${PROXY.port}`,
              }),
        internalUrls,
        kubectl: kubectlCommands(cfg.app.namespace, platform.contextFlag),
        estimatedMonthlyCost: cost,
    };
};
