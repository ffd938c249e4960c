import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/**
 * The Kubernetes resource classes the benchmarks register bare (without
 * ScalableService), by type token: every type the program or the component
 * can create.
 */

/** Registers one object of a type, as `new k8s.<group>.<version>.<Kind>(name, args, opts)`. */
export type Constructor = (
    name: string,
    args: Record<string, unknown>,
    opts: pulumi.CustomResourceOptions,
) => pulumi.CustomResource;

/** The type token of a Deployment. */
export const DEPLOYMENT_TYPE = "kubernetes:apps/v1:Deployment";
/** The type token of an HPA. */
export const HPA_TYPE = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";

/** A constructor per type token. */
export const CONSTRUCTORS: Record<string, Constructor> = {
    "kubernetes:core/v1:Namespace": (n, a, o) => new k8s.core.v1.Namespace(n, a, o),
    "kubernetes:core/v1:ServiceAccount": (n, a, o) => new k8s.core.v1.ServiceAccount(n, a, o),
    "kubernetes:core/v1:ConfigMap": (n, a, o) => new k8s.core.v1.ConfigMap(n, a, o),
    "kubernetes:core/v1:Secret": (n, a, o) => new k8s.core.v1.Secret(n, a, o),
    [DEPLOYMENT_TYPE]: (n, a, o) =>
        new k8s.apps.v1.Deployment(n, a as unknown as k8s.apps.v1.DeploymentArgs, o),
    "kubernetes:core/v1:Service": (n, a, o) => new k8s.core.v1.Service(n, a, o),
    [HPA_TYPE]: (n, a, o) =>
        new k8s.autoscaling.v2.HorizontalPodAutoscaler(
            n,
            a as unknown as k8s.autoscaling.v2.HorizontalPodAutoscalerArgs,
            o,
        ),
    "kubernetes:policy/v1:PodDisruptionBudget": (n, a, o) =>
        new k8s.policy.v1.PodDisruptionBudget(n, a, o),
    "kubernetes:networking.k8s.io/v1:NetworkPolicy": (n, a, o) =>
        new k8s.networking.v1.NetworkPolicy(n, a, o),
    "kubernetes:networking.k8s.io/v1:Ingress": (n, a, o) => new k8s.networking.v1.Ingress(n, a, o),
};
