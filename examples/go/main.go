// ScalableService from Go, through the generated SDK in ../../sdk/go.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"pulumi-k8s-orchestration/sdk/go/orchestration"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		minReplicas := 2
		if v, err := cfg.TryInt("minReplicas"); err == nil {
			minReplicas = v
		}
		podinfo, err := orchestration.NewScalableService(ctx, "podinfo", &orchestration.ScalableServiceArgs{
			// Plain values, as in TypeScript: the component validates them before it creates anything.
			Image:       "stefanprodan/podinfo:6.7.1",
			Port:        9898,
			ServicePort: pulumi.IntRef(80),
			// The namespace must exist; `kubectl create namespace <name>` first.
			Namespace: pulumi.StringRef(cfg.Require("namespace")),
			Probes: &orchestration.ProbesArgs{
				Readiness: orchestration.HttpProbeArgs{Path: "/readyz"},
				Liveness:  orchestration.HttpProbeArgs{Path: "/healthz"},
			},
			// A union in the schema (settings, or false for a fixed count), so an untyped value.
			Autoscaling: orchestration.Autoscaling{
				MinReplicas:          pulumi.IntRef(minReplicas),
				MaxReplicas:          pulumi.IntRef(4),
				TargetCpuUtilization: 50,
			},
			// Each value: a string or a pulumi.StringInput (an input, as in TypeScript), or one of
			// the SecretEnvValueArgs, SecretKeyRefEnvValueArgs and ConfigMapKeyRefEnvValueArgs.
			Env: map[string]interface{}{"LOG_LEVEL": "info"},
		})
		if err != nil {
			return err
		}
		ctx.Export("serviceName", podinfo.ServiceName)
		ctx.Export("url", podinfo.Url)
		return nil
	})
}
