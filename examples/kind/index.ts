// A Pulumi program that uses the published package on any kubeconfig cluster
// (kind, minikube, k3d, Docker Desktop, or EKS).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ScalableService } from "pulumi-k8s-orchestration";

const config = new pulumi.Config();
// Empty means the current kubeconfig context.
const context = config.get("kubeContext");
const provider = new k8s.Provider("cluster", context ? { context } : {});

const namespace = new k8s.core.v1.Namespace(
    "demo",
    {
        metadata: {
            name: "demo",
            labels: { "pod-security.kubernetes.io/enforce": "restricted" },
        },
    },
    { provider },
);

const podinfo = new ScalableService(
    "podinfo",
    {
        image: "stefanprodan/podinfo:6.7.1",
        port: 9898,
        servicePort: 80,
        namespace: "demo",
        autoscaling: { minReplicas: 2, maxReplicas: 4, targetCpuUtilization: 70 },
        probes: { readiness: { path: "/readyz" }, liveness: { path: "/healthz" } },
        resources: { requests: { cpu: "50m", memory: "64Mi" } },
        env: { PODINFO_UI_MESSAGE: "Deployed with ScalableService" },
    },
    { provider, dependsOn: [namespace] },
);

export const serviceName = podinfo.serviceName;
export const url = podinfo.url;
export const tryIt = pulumi.interpolate`kubectl -n demo port-forward svc/${podinfo.serviceName} 8080:80`;
