"""ScalableService from Python, through the generated pulumi_orchestration SDK."""

import pulumi
import pulumi_orchestration as orchestration

config = pulumi.Config()

podinfo = orchestration.ScalableService(
    "podinfo",
    image="stefanprodan/podinfo:6.7.1",
    port=9898,
    service_port=80,
    # The namespace must exist; `kubectl create namespace <name>` first.
    namespace=config.require("namespace"),
    probes=orchestration.ProbesArgs(
        readiness=orchestration.HttpProbeArgs(path="/readyz"),
        liveness=orchestration.HttpProbeArgs(path="/healthz"),
    ),
    autoscaling=orchestration.AutoscalingArgs(
        min_replicas=config.get_int("minReplicas") or 2,
        max_replicas=config.get_int("maxReplicas") or 4,
        target_cpu_utilization=50,
    ),
    env={
        "LOG_LEVEL": "info",
        # A Pulumi secret: the component stores it in a Secret it owns and
        # references it with secretKeyRef, so it never appears in the Deployment.
        "API_TOKEN": config.require_secret("apiToken"),
    },
)

pulumi.export("serviceName", podinfo.service_name)
pulumi.export("url", podinfo.url)
