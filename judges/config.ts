import type { StackConfig } from "../program/config";

/**
 * The judges' settings beyond .kube-linter.yaml: kube-score's opt-in checks
 * and every exemption that depends on the tool's flags or on the stack.
 * docs/judges.md lists these and .kube-linter.yaml's exclusions in one table,
 * and a test keeps that table in step with this file.
 */

/** An exemption that applies to the stacks `when` selects (every stack without it). */
export interface Exemption {
    /** The check's name, as the tool spells it. */
    check: string;
    /** Why the finding is expected and accepted. */
    reason: string;
    /** The stacks it applies to, by their config; every stack when absent. */
    when?: (cfg: StackConfig) => boolean;
    /** In words, for the docs: which stacks. */
    appliesTo: string;
}

/** kube-score's optional checks we turn on, because they fit a production service. */
export const KUBE_SCORE_OPTIONAL = [
    "container-seccomp-profile",
    "container-ports-check",
    "container-memory-requests-equal-limits",
];

const oneReplica = (cfg: StackConfig) => cfg.app.minReplicas < 2;
const underThree = (cfg: StackConfig) => cfg.app.minReplicas < 3;

/** kube-score exemptions. `container-cpu-limit` maps to its `--ignore-container-cpu-limit` flag. */
export const KUBE_SCORE_EXEMPTIONS: Exemption[] = [
    {
        check: "container-cpu-limit",
        reason: "CPU limits throttle a pod while its node has idle CPU, hurting latency; the EKS best-practices guide advises against them. CPU requests are always set.",
        appliesTo: "every stack",
    },
    {
        check: "deployment-targeted-by-hpa-does-not-have-replicas-configured",
        reason: "The Deployment declares the HPA's minimum at creation only, so `pulumi up` returns with that many ready pods; later changes to `spec.replicas` are ignored and the provider leaves the field to the HPA, so no `up` resets its count (proven on a real control plane by the e2e suite).",
        appliesTo: "every stack",
    },
    {
        check: "horizontalpodautoscaler-replicas",
        reason: "These stacks run one replica at the low end to save cost; production runs three.",
        when: oneReplica,
        appliesTo: "stacks with minReplicas 1 (dev, local)",
    },
];

/** kube-linter exemptions that depend on the stack (the rest are in .kube-linter.yaml). */
export const KUBE_LINTER_STACK_EXEMPTIONS: Exemption[] = [
    {
        check: "hpa-minimum-three-replicas",
        reason: "Non-production stacks trade availability for cost with fewer than three replicas; production runs three.",
        when: underThree,
        appliesTo: "stacks with minReplicas below 3 (dev, staging, local)",
    },
    {
        check: "minimum-three-replicas",
        reason: "The Deployment starts at the HPA's minimum, which these stacks keep below three for cost; production runs three.",
        when: underThree,
        appliesTo: "stacks with minReplicas below 3 (dev, staging, local)",
    },
];

/** The exemptions that apply to `cfg`. */
export function applicable(exemptions: Exemption[], cfg: StackConfig): Exemption[] {
    return exemptions.filter((e) => e.when === undefined || e.when(cfg));
}
