import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ScalableService } from "../../components/scalable-service/component";
import { appAutoscaling, backendArgs, NAMESPACE_LABELS } from "../../program/app";
import { CONFIG_NAMESPACE, loadStackConfig } from "../../program/config";

/**
 * The e2e benchmark's N services: the app's namespace and N ScalableServices
 * with the app's backend settings (the stack's `orchestration:*` config, read
 * as the program reads it), all in that one namespace.
 */

/** The name of service `i`. */
export const scaleServiceName = (i: number): string => `svc-${i}`;

/** Registers the namespace and the N services; returns the N. */
export function deployServices(n: number, provider: k8s.Provider): number {
    const config = new pulumi.Config(CONFIG_NAMESPACE);
    const cfg = loadStackConfig(pulumi.getStack(), pulumi.getProject(), (fullKey) =>
        config.get(fullKey.split(":")[1]),
    );
    const settings = cfg.app;
    const namespace = new k8s.core.v1.Namespace(
        settings.namespace,
        { metadata: { name: settings.namespace, labels: { ...NAMESPACE_LABELS } } },
        { provider },
    );
    const autoscaling = appAutoscaling(settings);
    for (let i = 0; i < n; i++) {
        const name = scaleServiceName(i);
        new ScalableService(name, backendArgs(settings, autoscaling, `Hello from ${name}`), {
            provider,
            dependsOn: [namespace],
        });
    }
    return n;
}
