import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS, ScalableServiceArgs, ZoneSpread } from "./args";
import { ENV_SECRET_UID_ANNOTATION } from "./env";
import { IssueCollector, isDns1123Subdomain, isLabelKey, isLabelValue } from "../shared/validation";

/**
 * Validation of what goes on the pods beyond the container: their own labels
 * and annotations, image pull secrets, zone spread, and the ServiceAccount's
 * annotations. Pure.
 */

/** Pod label keys the user can't set: the selector's, and the Deployment controller's. */
export const RESERVED_POD_LABELS = ["app.kubernetes.io/name", "pod-template-hash"] as const;

/** What the pods carry beyond the shared labels. */
export interface ResolvedPodExtras {
    /** Labels of the pod template only, merged under the selector. */
    podLabels: Record<string, string>;
    podAnnotations: Record<string, string>;
    imagePullSecrets: string[];
    zoneSpread: ZoneSpread;
    serviceAccountAnnotations: Record<string, pulumi.Input<string>>;
}

function checkMap(
    issues: IssueCollector,
    field: string,
    given: unknown,
    value: (v: unknown) => boolean,
    valueReason: string,
): Record<string, string> {
    if (given === undefined) {
        return {};
    }
    if (typeof given !== "object" || given === null || Array.isArray(given)) {
        issues.add(field, given, "must be an object of key to value");
        return {};
    }
    for (const [key, v] of Object.entries(given)) {
        issues.check(isLabelKey(key), `${field}.${key}`, key, "is not a valid key");
        issues.check(value(v), `${field}.${key}`, v, valueReason);
    }
    return { ...(given as Record<string, string>) };
}

/** Pod labels and annotations: valid, and clear of the keys the component owns. */
function resolvePodMetadata(issues: IssueCollector, args: ScalableServiceArgs) {
    const podLabels = checkMap(
        issues,
        "podLabels",
        args.podLabels,
        isLabelValue,
        "is not a valid label value (63 characters at most, alphanumeric at both ends)",
    );
    for (const key of RESERVED_POD_LABELS) {
        if (key in podLabels) {
            issues.add(
                `podLabels.${key}`,
                podLabels[key],
                key === "pod-template-hash"
                    ? "is reserved: the Deployment controller sets it on each ReplicaSet's pods"
                    : "is reserved: the component sets it to 'serviceName' to select its own pods",
            );
        }
    }
    const podAnnotations = checkMap(
        issues,
        "podAnnotations",
        args.podAnnotations,
        (v) => typeof v === "string",
        "must be a string",
    );
    if (ENV_SECRET_UID_ANNOTATION in podAnnotations) {
        issues.add(
            `podAnnotations.${ENV_SECRET_UID_ANNOTATION}`,
            podAnnotations[ENV_SECRET_UID_ANNOTATION],
            "is reserved: the component sets it to roll the pods when the env Secret is replaced",
        );
    }
    return { podLabels, podAnnotations };
}

function resolveImagePullSecrets(issues: IssueCollector, args: ScalableServiceArgs): string[] {
    const given = args.imagePullSecrets;
    if (given === undefined) {
        return [];
    }
    if (!Array.isArray(given)) {
        issues.add("imagePullSecrets", given, "must be a list of Secret names");
        return [];
    }
    given.forEach((name, i) => {
        issues.check(
            isDns1123Subdomain(name),
            `imagePullSecrets[${i}]`,
            name,
            "must be a Secret name (a DNS-1123 subdomain)",
        );
        issues.check(given.indexOf(name) === i, `imagePullSecrets[${i}]`, name, "is listed twice");
    });
    return [...given];
}

function resolveServiceAccountAnnotations(issues: IssueCollector, args: ScalableServiceArgs) {
    const given = args.serviceAccountAnnotations;
    if (given === undefined) {
        return {};
    }
    if (args.serviceAccountName !== undefined) {
        issues.add(
            "serviceAccountAnnotations",
            Object.keys(given ?? {}),
            `can't be set with 'serviceAccountName' (${JSON.stringify(args.serviceAccountName)}): the component annotates only the ServiceAccount it creates`,
        );
        return {};
    }
    const isInput = (v: unknown) => typeof v === "string" || pulumi.Output.isInstance(v);
    checkMap(issues, "serviceAccountAnnotations", given, isInput, "must be a string or an Output");
    return { ...given };
}

/** Validates and defaults the pod extras. */
export function resolvePodExtras(
    issues: IssueCollector,
    args: ScalableServiceArgs,
    lowestReplicas: number,
    warnings: string[],
): ResolvedPodExtras {
    const zoneSpread = args.zoneSpread ?? DEFAULTS.zoneSpread;
    if (
        issues.check(
            zoneSpread === "soft" || zoneSpread === "hard",
            "zoneSpread",
            zoneSpread,
            `must be "soft" or "hard"`,
        ) &&
        zoneSpread === "hard" &&
        lowestReplicas < 2
    ) {
        warnings.push(
            `'zoneSpread' ("hard") with as few as ${lowestReplicas} replica can't survive a zone outage: raise the minimum replica count to at least 2.`,
        );
    }
    return {
        ...resolvePodMetadata(issues, args),
        imagePullSecrets: resolveImagePullSecrets(issues, args),
        zoneSpread,
        serviceAccountAnnotations: resolveServiceAccountAnnotations(issues, args),
    };
}
