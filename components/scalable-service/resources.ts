import { isNonNegativeQuantity, parseQuantity } from "../shared/quantity";
import { DEFAULTS, ResourceQuantities, ScalableServiceArgs } from "./args";
import { ResolvedScaling } from "./scaling";
import { IssueCollector } from "../shared/validation";

/**
 * Resources: the container's requests and limits, each a valid quantity, no
 * request above its limit, and no zero request the HPA would scale on. Pure.
 */

/** Quantities (`field` names the argument): the valid ones, the undefined ones left out. */
function resolveQuantities(
    issues: IssueCollector,
    field: string,
    given: ResourceQuantities | undefined,
): Record<string, string> {
    const out: Record<string, string> = {};
    const entries = Object.entries(given ?? {}) as Array<[string, string | undefined]>;
    for (const [key, value] of entries) {
        if (value === undefined) {
            continue;
        }
        if (
            issues.check(
                isNonNegativeQuantity(value),
                `${field}.${key}`,
                value,
                "is not a valid Kubernetes quantity (for example 250m, 0.5, 512Mi, 1Gi)",
            )
        ) {
            out[key] = value;
        }
    }
    return out;
}

/** Requests and limits over their defaults; the memory limit defaults to the memory request. */
export function resolveResources(
    issues: IssueCollector,
    args: ScalableServiceArgs,
): { requests: Record<string, string>; limits: Record<string, string> } {
    const requests = {
        ...DEFAULTS.requests,
        ...resolveQuantities(issues, "resources.requests", args.resources?.requests),
    };
    const limits: Record<string, string> = {
        memory: requests.memory,
        ...DEFAULTS.limits,
        ...resolveQuantities(issues, "resources.limits", args.resources?.limits),
    };
    for (const [key, limit] of Object.entries(limits)) {
        const request = requests[key as keyof typeof requests];
        if (request !== undefined && parseQuantity(request)! > parseQuantity(limit)!) {
            // A default on one side: say so, and name the key the user can change.
            const requestGiven = args.resources?.requests?.[key as keyof ResourceQuantities];
            const limitGiven = args.resources?.limits?.[key as keyof ResourceQuantities];
            const fix =
                requestGiven === undefined
                    ? ` (${JSON.stringify(request)} is the default request: set 'resources.requests.${key}' too)`
                    : limitGiven === undefined
                      ? ` (${JSON.stringify(limit)} is the default limit: set 'resources.limits.${key}' too)`
                      : "";
            issues.add(
                `resources.requests.${key}`,
                request,
                `must be <= 'resources.limits.${key}' (${JSON.stringify(limit)})${fix}`,
            );
        }
    }
    return { requests, limits };
}

/** The HPA measures utilization against the request: a zero request can't be scaled on. */
export function checkScaledRequests(
    issues: IssueCollector,
    scaling: ResolvedScaling,
    requests: Record<string, string>,
): void {
    if (scaling.kind !== "hpa") {
        return;
    }
    const targets: Array<["cpu" | "memory", number | undefined]> = [
        ["cpu", scaling.targetCpuUtilization],
        ["memory", scaling.targetMemoryUtilization],
    ];
    for (const [resource, target] of targets) {
        const request = requests[resource];
        if (
            target !== undefined &&
            isNonNegativeQuantity(request) &&
            parseQuantity(request) === 0
        ) {
            issues.add(
                `resources.requests.${resource}`,
                request,
                `must be greater than 0 while the HPA targets ${resource} utilization`,
            );
        }
    }
}
