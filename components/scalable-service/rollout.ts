import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS, ScalableServiceArgs } from "./args";
import { ResolvedProbes } from "./probes";
import { IssueCollector, isIntInRange } from "../shared/validation";

/**
 * How long a rollout may take before `pulumi up` reports it failed. Pure.
 *
 * The Kubernetes provider's Deployment await logs the Deployment's
 * `Progressing=False` (`ProgressDeadlineExceeded`) condition as a warning and
 * keeps waiting until its own timeout: 10 minutes unless the resource's
 * `customTimeouts` say otherwise. So the component sets the Deployment's
 * create and update timeouts to the progress deadline plus
 * {@link ROLLOUT_WAIT_MARGIN_SECONDS}: `up` fails soon after Kubernetes
 * declares the rollout stuck, and the provider's error then lists that
 * condition and each unready pod's container reasons.
 */

/**
 * Seconds `pulumi up` waits beyond the progress deadline. The Deployment
 * controller marks the deadline within a second or two of it; the rest covers
 * a busy controller, so the condition is in the error when the wait ends.
 */
export const ROLLOUT_WAIT_MARGIN_SECONDS = 30;

/** The progress deadline, validated; warns when healthy pods could need longer. */
export function resolveProgressDeadline(
    issues: IssueCollector,
    args: ScalableServiceArgs,
    probes: ResolvedProbes,
    warnings: string[],
): number {
    const seconds = args.progressDeadlineSeconds ?? DEFAULTS.progressDeadlineSeconds;
    const valid = issues.check(
        isIntInRange(seconds, 1, 86400),
        "progressDeadlineSeconds",
        seconds,
        "must be an integer from 1 to 86400",
    );
    const start = slowestHealthyStart(probes);
    if (valid && seconds <= start) {
        warnings.push(
            `'progressDeadlineSeconds' (${seconds}) is not longer than a healthy pod may take to become ready under its probes (${start} s: the startup probe's initial delay plus period × failure threshold, then the readiness probe's initial delay plus one period): a slow but healthy rollout would be reported as failed. Raise it, or shorten the probes.`,
        );
    }
    return seconds;
}

/**
 * Seconds a healthy pod may take to become ready once its container runs:
 * the startup probe's whole budget, then the readiness probe's first success.
 */
export function slowestHealthyStart(probes: ResolvedProbes): number {
    const { startup, readiness } = probes;
    const startupBudget = startup
        ? startup.initialDelaySeconds + startup.periodSeconds * startup.failureThreshold
        : 0;
    const firstReady = readiness ? readiness.initialDelaySeconds + readiness.periodSeconds : 0;
    return startupBudget + firstReady;
}

/**
 * The Deployment's `customTimeouts`: creating or updating it fails after the
 * progress deadline plus {@link ROLLOUT_WAIT_MARGIN_SECONDS}, instead of the
 * provider's 10 minutes.
 */
export function rolloutTimeouts(progressDeadlineSeconds: number): pulumi.CustomTimeouts {
    const wait = `${progressDeadlineSeconds + ROLLOUT_WAIT_MARGIN_SECONDS}s`;
    return { create: wait, update: wait };
}
