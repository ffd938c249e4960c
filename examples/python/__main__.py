"""ScalableService from Python, through the generated pulumi_orchestration SDK."""

import pulumi
import pulumi_kubernetes as k8s
import pulumi_orchestration as orchestration

config = pulumi.Config()
namespace = config.require("namespace")

# A Secret the app reads by reference; auto-named, so its name is an output.
db_credentials = k8s.core.v1.Secret(
    "db-credentials",
    metadata={"namespace": namespace},
    string_data={"password": config.require_secret("dbPassword")},
)
# Annotations for the app's ServiceAccount, given to the component as one output map.
sa_annotations = k8s.core.v1.ConfigMap(
    "sa-annotations",
    metadata={"namespace": namespace},
    data={"team": "podinfo", "tier": "backend"},
)

podinfo = orchestration.ScalableService(
    "podinfo",
    image="stefanprodan/podinfo:6.7.1",
    port=9898,
    service_port=80,
    # The namespace must exist; `kubectl create namespace <name>` first.
    namespace=namespace,
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
        # A key of a Secret whose name is another resource's output.
        "DB_PASSWORD": orchestration.SecretKeyRefEnvValueArgs(
            secret_key_ref=orchestration.KeyRefArgs(
                name=db_credentials.metadata.name, key="password"
            )
        ),
        # Kubernetes expands $(DB_PASSWORD): the component lists DB_PASSWORD first.
        "DATABASE_URL": "postgres://app:$(DB_PASSWORD)@db/app",
    },
    service_account_annotations=sa_annotations.data,
)

pulumi.export("serviceName", podinfo.service_name)
pulumi.export("url", podinfo.url)
