import { AutoscalingArgs, DEFAULTS, ScalableServiceArgs, ScalingPolicy } from "./args";
import { IssueCollector, isIntInRange } from "../shared/validation";

/**
 * Scaling: a fixed replica count, or an HPA with its bounds, targets and
 * scale-up and scale-down behaviour. Pure.
 */

/** Scaling is either an HPA or a fixed count, never both. */
export type ResolvedScaling =
    | {
          kind: "hpa";
          minReplicas: number;
          maxReplicas: number;
          targetCpuUtilization?: number;
          targetMemoryUtilization?: number;
          scaleDownStabilizationSeconds: number;
          scaleUp: { stabilizationWindowSeconds: number; policies: ScalingPolicy[] };
      }
    | { kind: "fixed"; replicas: number };

const MAX_REPLICAS = 1000;

/** The HPA's utilization targets: percentages, and at least one of them. */
function checkTargets(
    issues: IssueCollector,
    cpu: number | false,
    memory: number | undefined,
): void {
    if (cpu !== false) {
        issues.check(
            isIntInRange(cpu, 1, 1000),
            "autoscaling.targetCpuUtilization",
            cpu,
            "must be an integer percentage from 1 to 1000",
        );
    }
    if (memory !== undefined) {
        issues.check(
            isIntInRange(memory, 1, 1000),
            "autoscaling.targetMemoryUtilization",
            memory,
            "must be an integer percentage from 1 to 1000",
        );
    }
    if (cpu === false && memory === undefined) {
        issues.add(
            "autoscaling.targetCpuUtilization",
            cpu,
            "can only be false when 'autoscaling.targetMemoryUtilization' is set: the HPA needs a metric",
        );
    }
}

/** Resolves `autoscaling` (or a fixed `replicas`), warning about a `replicas` the HPA overrides. */
export function resolveScaling(
    issues: IssueCollector,
    args: ScalableServiceArgs,
    warnings: string[],
): ResolvedScaling {
    if (args.autoscaling === false) {
        return resolveFixedReplicas(issues, args.replicas);
    }
    const a = args.autoscaling ?? {};
    const d = DEFAULTS.autoscaling;
    const minReplicas = a.minReplicas ?? d.minReplicas;
    const maxReplicas = a.maxReplicas ?? d.maxReplicas;
    const cpu =
        a.targetCpuUtilization === undefined ? d.targetCpuUtilization : a.targetCpuUtilization;
    const memory = a.targetMemoryUtilization;
    const stabilization = a.scaleDownStabilizationSeconds ?? d.scaleDownStabilizationSeconds;

    checkReplicaBounds(issues, minReplicas, maxReplicas);
    checkTargets(issues, cpu, memory);
    issues.check(
        isIntInRange(stabilization, 0, 3600),
        "autoscaling.scaleDownStabilizationSeconds",
        stabilization,
        "must be an integer from 0 to 3600",
    );
    if (args.replicas !== undefined) {
        warnings.push(
            `'replicas' (${args.replicas}) is ignored while autoscaling is on: the HPA owns the replica count between ${minReplicas} and ${maxReplicas}. Set 'autoscaling: false' to use a fixed count.`,
        );
    }
    return {
        kind: "hpa",
        minReplicas,
        maxReplicas,
        targetCpuUtilization: cpu === false ? undefined : cpu,
        targetMemoryUtilization: memory,
        scaleDownStabilizationSeconds: stabilization,
        scaleUp: resolveScaleUp(issues, a),
    };
}

/** A fixed replica count, for `autoscaling: false`: `replicas` or its default, within bounds. */
function resolveFixedReplicas(issues: IssueCollector, given: number | undefined): ResolvedScaling {
    const replicas = given ?? DEFAULTS.replicas;
    issues.check(
        isIntInRange(replicas, 1, MAX_REPLICAS),
        "replicas",
        replicas,
        `must be an integer from 1 to ${MAX_REPLICAS}`,
    );
    return { kind: "fixed", replicas };
}

/** The HPA's replica bounds: each within range, and the minimum no higher than the maximum. */
function checkReplicaBounds(
    issues: IssueCollector,
    minReplicas: number,
    maxReplicas: number,
): void {
    const minOk = issues.check(
        isIntInRange(minReplicas, 1, MAX_REPLICAS),
        "autoscaling.minReplicas",
        minReplicas,
        `must be an integer from 1 to ${MAX_REPLICAS}`,
    );
    const maxOk = issues.check(
        isIntInRange(maxReplicas, 1, MAX_REPLICAS),
        "autoscaling.maxReplicas",
        maxReplicas,
        `must be an integer from 1 to ${MAX_REPLICAS}`,
    );
    if (minOk && maxOk && minReplicas > maxReplicas) {
        issues.add(
            "autoscaling.minReplicas",
            minReplicas,
            `must be <= 'autoscaling.maxReplicas' (${maxReplicas})`,
        );
    }
}

/** How fast the HPA adds pods: a stabilization window and at least one policy. */
function resolveScaleUp(
    issues: IssueCollector,
    a: AutoscalingArgs,
): Extract<ResolvedScaling, { kind: "hpa" }>["scaleUp"] {
    const d = DEFAULTS.autoscaling;
    const stabilizationWindowSeconds =
        a.scaleUpStabilizationSeconds ?? d.scaleUpStabilizationSeconds;
    issues.check(
        isIntInRange(stabilizationWindowSeconds, 0, 3600),
        "autoscaling.scaleUpStabilizationSeconds",
        stabilizationWindowSeconds,
        "must be an integer from 0 to 3600",
    );
    const policies = a.scaleUpPolicies ?? d.scaleUpPolicies;
    if (!Array.isArray(policies) || policies.length === 0) {
        issues.add("autoscaling.scaleUpPolicies", policies, "must list at least one policy");
        return { stabilizationWindowSeconds, policies: [] };
    }
    policies.forEach((p, i) => {
        const field = `autoscaling.scaleUpPolicies[${i}]`;
        issues.check(
            p?.type === "Pods" || p?.type === "Percent",
            `${field}.type`,
            p?.type,
            `must be "Pods" or "Percent"`,
        );
        issues.check(
            isIntInRange(p?.value, 1, 10000),
            `${field}.value`,
            p?.value,
            "must be an integer from 1 to 10000",
        );
        issues.check(
            isIntInRange(p?.periodSeconds, 1, 1800),
            `${field}.periodSeconds`,
            p?.periodSeconds,
            "must be an integer from 1 to 1800",
        );
    });
    return { stabilizationWindowSeconds, policies: policies.map((p) => ({ ...p })) };
}
