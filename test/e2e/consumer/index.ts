// A consumer project: the packed package, installed as a user installs it,
// deploying one ScalableService to the current kubeconfig cluster.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ScalableService } from "pulumi-k8s-orchestration";

const config = new pulumi.Config();
const namespaceName = config.require("namespace");
// Set: a fixed replica count and no HPA. Unset: an HPA between minReplicas and maxReplicas.
const replicas = config.getNumber("replicas");
// A Pulumi secret: the component must keep it out of the Deployment.
const apiToken = config.requireSecret("apiToken");

const namespace = new k8s.core.v1.Namespace(namespaceName, {
    metadata: { name: namespaceName },
});

const podinfo = new ScalableService(
    "podinfo",
    {
        image: "stefanprodan/podinfo:6.7.1",
        port: 9898,
        servicePort: 80,
        namespace: namespaceName,
        probes: { readiness: { path: "/readyz" }, liveness: { path: "/healthz" } },
        env: { LOG_LEVEL: "info", API_TOKEN: apiToken },
        podLabels: { team: "e2e" },
        podAnnotations: { "prometheus.io/scrape": "true" },
        zoneSpread: "hard",
        ingress: {
            host: "podinfo.example.test",
            className: "alb",
            // No ingress controller runs here to give it an address.
            annotations: { "pulumi.com/skipAwait": "true" },
        },
        autoscaling:
            replicas === undefined
                ? {
                      minReplicas: config.getNumber("minReplicas") ?? 2,
                      maxReplicas: config.getNumber("maxReplicas") ?? 4,
                      targetCpuUtilization: 50,
                      scaleDownStabilizationSeconds: 0,
                  }
                : false,
        ...(replicas === undefined ? {} : { replicas }),
    },
    { dependsOn: [namespace] },
);

export const serviceName = podinfo.serviceName;
export const url = podinfo.url;
