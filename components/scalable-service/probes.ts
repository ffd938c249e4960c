import { DEFAULTS, HttpProbe, ScalableServiceArgs } from "./args";
import { IssueCollector, isIntInRange } from "../shared/validation";

/**
 * Probes: readiness (on by default), liveness and startup, each an HTTP GET
 * that defaults to the container port. Pure.
 */

/** A probe with every default filled in. */
export interface ResolvedProbe {
    path: string;
    port: number;
    initialDelaySeconds: number;
    periodSeconds: number;
    timeoutSeconds: number;
    failureThreshold: number;
}

/** The container's probes; undefined for a probe that is off. */
export interface ResolvedProbes {
    readiness?: ResolvedProbe;
    liveness?: ResolvedProbe;
    startup?: ResolvedProbe;
}

/** One probe (`field` names the argument): defaults applied, path, port and timings checked. */
function resolveProbe(
    issues: IssueCollector,
    field: string,
    probe: HttpProbe,
    containerPort: number,
    defaults: { periodSeconds: number; timeoutSeconds: number; failureThreshold: number },
): ResolvedProbe {
    const resolved: ResolvedProbe = {
        path: probe.path,
        port: probe.port ?? containerPort,
        initialDelaySeconds: probe.initialDelaySeconds ?? 0,
        periodSeconds: probe.periodSeconds ?? defaults.periodSeconds,
        timeoutSeconds: probe.timeoutSeconds ?? defaults.timeoutSeconds,
        failureThreshold: probe.failureThreshold ?? defaults.failureThreshold,
    };
    issues.check(
        typeof probe.path === "string" && probe.path.startsWith("/"),
        `${field}.path`,
        probe.path,
        "must start with '/'",
    );
    if (probe.port !== undefined) {
        issues.check(
            isIntInRange(probe.port, 1, 65535),
            `${field}.port`,
            probe.port,
            "must be an integer from 1 to 65535",
        );
    }
    const bounds: Array<[keyof HttpProbe & keyof ResolvedProbe, number]> = [
        ["initialDelaySeconds", 0],
        ["periodSeconds", 1],
        ["timeoutSeconds", 1],
        ["failureThreshold", 1],
    ];
    for (const [key, min] of bounds) {
        const value = probe[key];
        if (value !== undefined) {
            issues.check(
                isIntInRange(value, min, 3600),
                `${field}.${key}`,
                value,
                `must be an integer from ${min} to 3600`,
            );
        }
    }
    return resolved;
}

/** Resolves `probes` against the container `port`; liveness must differ from readiness. */
export function resolveProbes(
    issues: IssueCollector,
    args: ScalableServiceArgs,
    port: number,
): ResolvedProbes {
    const given = args.probes ?? {};
    const readinessArg = given.readiness ?? { path: DEFAULTS.readiness.path };
    const probes: ResolvedProbes = {
        readiness:
            readinessArg === false
                ? undefined
                : resolveProbe(issues, "probes.readiness", readinessArg, port, DEFAULTS.readiness),
        liveness: given.liveness
            ? resolveProbe(issues, "probes.liveness", given.liveness, port, DEFAULTS.liveness)
            : undefined,
        startup: given.startup
            ? resolveProbe(issues, "probes.startup", given.startup, port, DEFAULTS.startup)
            : undefined,
    };
    const { readiness, liveness } = probes;
    if (
        readiness &&
        liveness &&
        readiness.path === liveness.path &&
        readiness.port === liveness.port
    ) {
        issues.add(
            "probes.liveness",
            { path: liveness.path, port: liveness.port },
            `must differ from 'probes.readiness' (same path and port): a liveness probe that fails whenever the pod is merely busy restarts healthy pods. Give liveness a cheaper endpoint, or set 'probes.liveness: false'`,
        );
    }
    return probes;
}
