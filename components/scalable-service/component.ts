import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { currentStackOwner } from "../shared/ownership";
import { ScalableServiceArgs } from "./args";
import { ResolvedService, resolveScalableService } from "./config";
import { buildEnvSecretData, needsEnvSecret } from "./env";
import { buildIngressMetadata, buildIngressSpec } from "./ingress";
import { rolloutTimeouts } from "./rollout";
import {
    buildDeploymentMetadata,
    buildDeploymentSpec,
    buildHpaSpec,
    buildMetadata,
    buildNetworkPolicySpec,
    buildPdbSpec,
    buildServiceAccountMetadata,
    buildServiceMetadata,
    buildServiceSpec,
    clusterUrl,
    PodWiring,
} from "./specs";

import Input = k8s.types.input;

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
        const { resolved, warnings } = resolveScalableService(name, args, currentStackOwner());
        super(SCALABLE_SERVICE_TYPE, name, {}, opts);
        for (const warning of warnings) {
            void pulumi.log.warn(warning, this);
        }

        // Children don't inherit the component's dependsOn; forward it, so a
        // user's `dependsOn` holds back every object this component creates.
        const child: ChildInputs = {
            name,
            resolved,
            metadata: buildMetadata(resolved),
            dependsOn: opts?.dependsOn,
        };

        const prerequisites = createPodPrerequisites(this, child);
        this.serviceAccount = prerequisites.serviceAccount;
        this.configMap = prerequisites.configMap;
        this.envSecret = prerequisites.envSecret;
        this.deployment = createDeployment(this, child, prerequisites);
        this.service = createService(this, child);
        this.hpa = createHpa(this, child, this.deployment, args.autoscaling);
        this.pdb = createPdb(this, child);
        this.networkPolicy = createNetworkPolicy(this, child);
        this.ingress = createIngress(this, child, this.service);

        this.serviceName = this.service.metadata.name;
        this.url = pulumi
            .all([this.service.metadata.name, this.service.metadata.namespace])
            .apply(([svcName, namespace]) => clusterUrl(svcName, namespace, resolved.servicePort));
        this.registerOutputs({ serviceName: this.serviceName, url: this.url });
    }
}

/** What every child of one component is built from, besides the component itself. */
interface ChildInputs {
    /** The component's name; each child's name derives from it. */
    name: string;
    resolved: ResolvedService;
    /** The namespace and labels every child shares. */
    metadata: Input.meta.v1.ObjectMeta;
    /** The component's own `dependsOn`, forwarded to every child. */
    dependsOn: pulumi.ResourceOptions["dependsOn"];
}

/** The objects the pods need before they start, and how the pod template refers to them. */
interface PodPrerequisites {
    serviceAccount?: k8s.core.v1.ServiceAccount;
    configMap?: k8s.core.v1.ConfigMap;
    envSecret?: k8s.core.v1.Secret;
    wiring: PodWiring;
}

/** The ServiceAccount, the ConfigMap and the env Secret, each only when the service needs it. */
function createPodPrerequisites(parent: pulumi.Resource, child: ChildInputs): PodPrerequisites {
    const { name, resolved, metadata } = child;
    const opts: pulumi.CustomResourceOptions = { parent, dependsOn: child.dependsOn };
    let serviceAccount: k8s.core.v1.ServiceAccount | undefined;
    if (resolved.serviceAccount.create) {
        serviceAccount = new k8s.core.v1.ServiceAccount(
            `${name}-sa`,
            {
                metadata: buildServiceAccountMetadata(resolved),
                automountServiceAccountToken: false,
            },
            opts,
        );
    }
    let configMap: k8s.core.v1.ConfigMap | undefined;
    if (resolved.config) {
        configMap = new k8s.core.v1.ConfigMap(
            `${name}-config`,
            {
                metadata: { ...metadata, name: resolved.config.configMapName },
                data: resolved.config.files,
            },
            opts,
        );
    }
    const env = needsEnvSecret(resolved.env) ? createEnvSecret(child, opts) : undefined;
    return { serviceAccount, configMap, envSecret: env?.secret, wiring: env?.wiring ?? {} };
}

/**
 * The Secret holding the secret env values, and the pod wiring that reads it.
 *
 * A change to its data replaces it (`replaceOnChanges`, whatever the
 * provider's `enableSecretMutable` says), and it is auto-named, so the
 * replacement is a create-before-delete under a new name. The pod template
 * references that name and carries the Secret's UID (`env-secret/uid`), so
 * the change rolls the pods, even where the stack's `pulumi:autonaming`
 * keeps the name; nothing derived from the values (no checksum, no hash)
 * appears in the Deployment. Nothing fails without the UID: at the first
 * preview it is unknown, and under plain mocks the annotation is left out.
 * `immutable` makes the API server refuse any other path to changing the
 * data in place.
 */
function createEnvSecret(
    child: ChildInputs,
    opts: pulumi.CustomResourceOptions,
): { secret: k8s.core.v1.Secret; wiring: PodWiring } {
    const { name, resolved, metadata } = child;
    const secret = new k8s.core.v1.Secret(
        `${name}-env`,
        {
            metadata: { namespace: metadata.namespace, labels: metadata.labels },
            type: "Opaque",
            immutable: true,
            data: buildEnvSecretData(resolved.env),
        },
        { ...opts, replaceOnChanges: ["data"] },
    );
    const wiring = { envSecretName: secret.metadata.name, envSecretUid: secret.metadata.uid };
    return { secret, wiring };
}

/**
 * The Deployment, after its prerequisites; with an HPA it leaves `spec.replicas`
 * alone after creation. Its create and update fail once the progress deadline
 * (plus a margin) has passed, not after the provider's 10 minutes.
 */
function createDeployment(
    parent: pulumi.Resource,
    child: ChildInputs,
    prerequisites: PodPrerequisites,
): k8s.apps.v1.Deployment {
    const { name, resolved, metadata } = child;
    const podDependencies: pulumi.Resource[] = [
        prerequisites.serviceAccount,
        prerequisites.configMap,
        prerequisites.envSecret,
    ].filter((r) => r !== undefined);
    return new k8s.apps.v1.Deployment(
        name,
        {
            metadata: buildDeploymentMetadata(resolved, metadata),
            spec: buildDeploymentSpec(resolved, {
                ...prerequisites.wiring,
                warn: (message) => void pulumi.log.warn(message, parent),
            }),
        },
        {
            parent,
            dependsOn: withDependencies(child.dependsOn, podDependencies),
            // With an HPA, spec.replicas is declared at creation only: the provider then
            // leaves the field to the HPA controller, so no `up` resets or fights its count.
            ignoreChanges: resolved.scaling.kind === "hpa" ? ["spec.replicas"] : [],
            customTimeouts: rolloutTimeouts(resolved.progressDeadlineSeconds),
        },
    );
}

/** The Service, named `serviceName`, that selects the pods. */
function createService(parent: pulumi.Resource, child: ChildInputs): k8s.core.v1.Service {
    const { name, resolved } = child;
    return new k8s.core.v1.Service(
        name,
        { metadata: buildServiceMetadata(resolved), spec: buildServiceSpec(resolved) },
        { parent, dependsOn: child.dependsOn },
    );
}

/** The HPA on the Deployment, after `autoscaling.dependsOn`; undefined without autoscaling. */
function createHpa(
    parent: pulumi.Resource,
    child: ChildInputs,
    deployment: k8s.apps.v1.Deployment,
    autoscaling: ScalableServiceArgs["autoscaling"],
): k8s.autoscaling.v2.HorizontalPodAutoscaler | undefined {
    const hpaSpec = buildHpaSpec(child.resolved, deployment.metadata.name);
    if (!hpaSpec) {
        return undefined;
    }
    const metricsDependencies = autoscaling ? (autoscaling.dependsOn ?? []) : [];
    return new k8s.autoscaling.v2.HorizontalPodAutoscaler(
        `${child.name}-hpa`,
        { metadata: child.metadata, spec: hpaSpec },
        { parent, dependsOn: withDependencies(child.dependsOn, metricsDependencies) },
    );
}

/** The PodDisruptionBudget; undefined for a fixed single replica. */
function createPdb(
    parent: pulumi.Resource,
    child: ChildInputs,
): k8s.policy.v1.PodDisruptionBudget | undefined {
    const pdbSpec = buildPdbSpec(child.resolved);
    if (!pdbSpec) {
        return undefined;
    }
    return new k8s.policy.v1.PodDisruptionBudget(
        `${child.name}-pdb`,
        { metadata: child.metadata, spec: pdbSpec },
        { parent, dependsOn: child.dependsOn },
    );
}

/** The NetworkPolicy that isolates the pods; undefined when `networkPolicy` is false. */
function createNetworkPolicy(
    parent: pulumi.Resource,
    child: ChildInputs,
): k8s.networking.v1.NetworkPolicy | undefined {
    const networkPolicySpec = buildNetworkPolicySpec(child.resolved);
    if (!networkPolicySpec) {
        return undefined;
    }
    return new k8s.networking.v1.NetworkPolicy(
        `${child.name}-netpol`,
        { metadata: child.metadata, spec: networkPolicySpec },
        { parent, dependsOn: child.dependsOn },
    );
}

/** The Ingress to the Service, after the Service; undefined without `ingress`. */
function createIngress(
    parent: pulumi.Resource,
    child: ChildInputs,
    service: k8s.core.v1.Service,
): k8s.networking.v1.Ingress | undefined {
    const { name, resolved, metadata } = child;
    if (!resolved.ingress) {
        return undefined;
    }
    return new k8s.networking.v1.Ingress(
        `${name}-ingress`,
        {
            metadata: buildIngressMetadata(resolved.ingress, metadata),
            spec: buildIngressSpec(resolved.ingress, resolved.serviceName, resolved.servicePort),
        },
        // Pulumi's readiness check for an Ingress looks up the Service it routes to.
        { parent, dependsOn: withDependencies(child.dependsOn, [service]) },
    );
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
