import { IngressArgs } from "../components/scalable-service/args";
import { PROXY_HEALTH } from "./proxyConfig";

/**
 * The proxy's Ingress on EKS, for the AWS Load Balancer Controller: an
 * internet-facing ALB that sends traffic straight to the pod IPs (`ip` target
 * type, so the Service can stay ClusterIP) and health-checks nginx's readiness
 * path. The program does not install the controller; docs/eks-platform.md lists what
 * the operator must install before setting `orchestration:proxyIngressHost`.
 */

/** The IngressClass the AWS Load Balancer Controller's chart creates. */
export const ALB_INGRESS_CLASS = "alb";

/** The proxy's `ingress` argument for `host`. */
export function proxyIngress(host: string): IngressArgs {
    return {
        host,
        className: ALB_INGRESS_CLASS,
        annotations: {
            "alb.ingress.kubernetes.io/scheme": "internet-facing",
            "alb.ingress.kubernetes.io/target-type": "ip",
            "alb.ingress.kubernetes.io/healthcheck-path": PROXY_HEALTH.readiness,
        },
    };
}
