import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ScalableServiceArgs } from "./scalableServiceArgs";
import { resolveScalableService } from "./scalableServiceConfig";
import { buildEnvSecretData, envSecretChecksum, needsEnvSecret } from "./scalableServiceEnv";
import { buildIngressMetadata, buildIngressSpec } from "./scalableServiceIngress";
import {
    buildDeploymentSpec,
    buildHpaSpec,
    buildMetadata,
    DEPLOYMENT_ANNOTATIONS,
    buildNetworkPolicySpec,
    buildPdbSpec,
    buildServiceAccountMetadata,
    buildServiceMetadata,
    buildServiceSpec,
    clusterUrl,
    PodWiring,
} from "./scalableServiceSpecs";

/** The component's type token. */
export const SCALABLE_SERVICE_TYPE = "orchestration:index:ScalableService";

/**
 * A containerized HTTP service that stays up, reachable and scaled: a
 * Deployment, a Service with a stable name, probes on the container, an
 * `autoscaling/v2` HPA, a PodDisruptionBudget, a NetworkPolicy and a dedicated
 * ServiceAccount.
 *
 * Correct by construction: one label set feeds every selector, probes default
 * to the container port, the Deployment starts at the HPA's minimum and then
 * leaves `replicas` to the HPA, and bad input throws before any Kubernetes
 * object is registered.
 *
 * The Kubernetes provider comes through resource options (`{ provider }`).
 */
export class ScalableService extends pulumi.ComponentResource {
    /** The Deployment that runs the pods. */
    readonly deployment: k8s.apps.v1.Deployment;
    /** The Service, named `serviceName`, with no random suffix. */
    readonly service: k8s.core.v1.Service;
    /** The HPA; undefined when `autoscaling` is false. */
    readonly hpa?: k8s.autoscaling.v2.HorizontalPodAutoscaler;
    /** The PDB; created only when the service runs at least two replicas. */
    readonly pdb?: k8s.policy.v1.PodDisruptionBudget;
    /** The Ingress; undefined without `ingress`. */
    readonly ingress?: k8s.networking.v1.Ingress;
    /** The NetworkPolicy that isolates the pods; undefined when `networkPolicy` is false. */
    readonly networkPolicy?: k8s.networking.v1.NetworkPolicy;
    /** The dedicated ServiceAccount; undefined when `serviceAccountName` names an existing one. */
    readonly serviceAccount?: k8s.core.v1.ServiceAccount;
    /** The ConfigMap holding `config.files`; undefined without `config`. */
    readonly configMap?: k8s.core.v1.ConfigMap;
    /**
     * The Secret holding the secret `env` values (auto-named `<name>-env-<suffix>`);
     * undefined when every variable is a plain string or a reference.
     */
    readonly envSecret?: k8s.core.v1.Secret;
    /** The Service's name: other pods in the namespace reach it as `http://<serviceName>:<servicePort>`. */
    readonly serviceName: pulumi.Output<string>;
    /** Exactly `http://<serviceName>.<namespace>.svc.cluster.local:<servicePort>`. */
    readonly url: pulumi.Output<string>;

    constructor(name: string, args: ScalableServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything, the component included.
        const { resolved, warnings } = resolveScalableService(name, args);
        super(SCALABLE_SERVICE_TYPE, name, {}, opts);
        for (const warning of warnings) {
            void pulumi.log.warn(warning, this);
        }

        const metadata = buildMetadata(resolved);
        // Children don't inherit the component's dependsOn; forward it, so a
        // user's `dependsOn` holds back every object this component creates.
        const parent: pulumi.CustomResourceOptions = { parent: this, dependsOn: opts?.dependsOn };

        if (resolved.serviceAccount.create) {
            this.serviceAccount = new k8s.core.v1.ServiceAccount(
                `${name}-sa`,
                {
                    metadata: buildServiceAccountMetadata(resolved),
                    automountServiceAccountToken: false,
                },
                parent,
            );
        }
        if (resolved.config) {
            this.configMap = new k8s.core.v1.ConfigMap(
                `${name}-config`,
                {
                    metadata: { ...metadata, name: resolved.config.configMapName },
                    data: resolved.config.files,
                },
                parent,
            );
        }

        let wiring: PodWiring = {};
        if (needsEnvSecret(resolved.env)) {
            // Auto-named: the provider replaces a Secret whose data changes, and a
            // new name makes that a create-before-delete with no gap for new pods.
            const data = buildEnvSecretData(resolved.env);
            this.envSecret = new k8s.core.v1.Secret(
                `${name}-env`,
                {
                    metadata: { namespace: metadata.namespace, labels: metadata.labels },
                    type: "Opaque",
                    data,
                },
                parent,
            );
            wiring = {
                envSecretName: this.envSecret.metadata.name,
                envSecretChecksum: pulumi.secret(
                    pulumi
                        .all([this.envSecret.metadata.uid, data])
                        .apply(([uid, d]) => envSecretChecksum(uid, d)),
                ),
            };
        }

        const podDependencies: pulumi.Resource[] = [
            this.serviceAccount,
            this.configMap,
            this.envSecret,
        ].filter((r) => r !== undefined);
        this.deployment = new k8s.apps.v1.Deployment(
            name,
            {
                metadata: { ...metadata, annotations: { ...DEPLOYMENT_ANNOTATIONS } },
                spec: buildDeploymentSpec(resolved, wiring),
            },
            {
                parent: this,
                dependsOn: withDependencies(opts?.dependsOn, podDependencies),
                // With an HPA, spec.replicas is declared at creation only: the provider then
                // leaves the field to the HPA controller, so no `up` resets or fights its count.
                ignoreChanges: resolved.scaling.kind === "hpa" ? ["spec.replicas"] : [],
            },
        );
        this.service = new k8s.core.v1.Service(
            name,
            { metadata: buildServiceMetadata(resolved), spec: buildServiceSpec(resolved) },
            parent,
        );

        const hpaSpec = buildHpaSpec(resolved, this.deployment.metadata.name);
        if (hpaSpec) {
            const metricsDependencies = args.autoscaling ? (args.autoscaling.dependsOn ?? []) : [];
            this.hpa = new k8s.autoscaling.v2.HorizontalPodAutoscaler(
                `${name}-hpa`,
                { metadata, spec: hpaSpec },
                { parent: this, dependsOn: withDependencies(opts?.dependsOn, metricsDependencies) },
            );
        }
        const pdbSpec = buildPdbSpec(resolved);
        if (pdbSpec) {
            this.pdb = new k8s.policy.v1.PodDisruptionBudget(
                `${name}-pdb`,
                { metadata, spec: pdbSpec },
                parent,
            );
        }

        const networkPolicySpec = buildNetworkPolicySpec(resolved);
        if (networkPolicySpec) {
            this.networkPolicy = new k8s.networking.v1.NetworkPolicy(
                `${name}-netpol`,
                { metadata, spec: networkPolicySpec },
                parent,
            );
        }

        if (resolved.ingress) {
            this.ingress = new k8s.networking.v1.Ingress(
                `${name}-ingress`,
                {
                    metadata: buildIngressMetadata(resolved.ingress, metadata),
                    spec: buildIngressSpec(
                        resolved.ingress,
                        resolved.serviceName,
                        resolved.servicePort,
                    ),
                },
                // Pulumi's readiness check for an Ingress looks up the Service it routes to.
                { parent: this, dependsOn: withDependencies(opts?.dependsOn, [this.service]) },
            );
        }

        this.serviceName = this.service.metadata.name;
        this.url = pulumi
            .all([this.service.metadata.name, this.service.metadata.namespace])
            .apply(([svcName, namespace]) => clusterUrl(svcName, namespace, resolved.servicePort));
        this.registerOutputs({ serviceName: this.serviceName, url: this.url });
    }
}

/** The component's own `dependsOn` (a resource, a list, or an Input of either) plus `extra`. */
function withDependencies(
    inherited: pulumi.ResourceOptions["dependsOn"],
    extra: pulumi.Input<pulumi.Resource>[],
): pulumi.Input<pulumi.Input<pulumi.Resource>[]> {
    if (inherited === undefined) {
        return extra;
    }
    return pulumi
        .output(inherited)
        .apply((deps) => [...(Array.isArray(deps) ? deps : [deps]), ...extra]);
}
