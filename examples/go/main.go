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
			Image:       pulumi.String("stefanprodan/podinfo:6.7.1"),
			Port:        pulumi.Int(9898),
			ServicePort: pulumi.Int(80),
			// The namespace must exist; `kubectl create namespace <name>` first.
			Namespace: pulumi.String(cfg.Require("namespace")),
			Probes: orchestration.ProbesArgs{
				Readiness: orchestration.HttpProbeArgs{Path: pulumi.String("/readyz")},
				Liveness:  orchestration.HttpProbeArgs{Path: pulumi.String("/healthz")},
			},
			// A union in the schema (settings, or false for a fixed count), so an untyped input.
			Autoscaling: orchestration.AutoscalingArgs{
				MinReplicas:          pulumi.Int(minReplicas),
				MaxReplicas:          pulumi.Int(4),
				TargetCpuUtilization: pulumi.Int(50),
			},
			Env: pulumi.Map{"LOG_LEVEL": pulumi.String("info")},
		})
		if err != nil {
			return err
		}
		ctx.Export("serviceName", podinfo.ServiceName)
		ctx.Export("url", podinfo.Url)
		return nil
	})
}
