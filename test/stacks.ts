import * as pulumi from "@pulumi/pulumi";
import { ResourceRecorder } from "../components/testing";
import { runProgram } from "../program/evaluate";
import { PROJECT_ROOT, projectDefaults, stackConfig } from "../program/stackFiles";

export { projectDefaults, runProgram, stackConfig };

/** The repository root, where Pulumi.yaml and the stack files live. */
export const ROOT = PROJECT_ROOT;
export const STACKS = ["dev", "staging", "prod", "local"] as const;

/** What a user must add before the first `pulumi up` of an EKS stack. */
export const OPERATOR_CONFIG = { "orchestration:publicAccessCidrs": ["203.0.113.7/32"] };

/** The program's outputs with every Output resolved, plus what it registered. */
export interface Evaluation {
    mocks: ResourceRecorder;
    outputs: Record<string, any>;
}

/** Like `runProgram`, but throws the program's error. */
export async function evaluateProgram(
    stack: string,
    config: Record<string, unknown>,
): Promise<Evaluation> {
    const { mocks, outputs, error } = await runProgram(stack, config);
    if (error !== undefined) {
        throw error instanceof Error ? error : new Error(JSON.stringify(error));
    }
    return { mocks, outputs: outputs! };
}

/** Config for a stack as the operator deploys it: the stack file plus, for EKS, their API CIDR. */
export function deployConfig(stack: string): Record<string, unknown> {
    const config = stackConfig(stack);
    return config["orchestration:platform"] === "local"
        ? config
        : { ...config, ...OPERATOR_CONFIG };
}

const evaluations = new Map<string, Promise<Evaluation>>();

/**
 * The evaluation of a shipped stack with `deployConfig`, computed once per
 * test run: the program is deterministic, and each evaluation takes about a
 * second. Tests that need a fresh or altered run call `evaluateProgram`.
 */
export function evaluateStack(stack: string): Promise<Evaluation> {
    let found = evaluations.get(stack);
    if (!found) {
        found = evaluateProgram(stack, deployConfig(stack));
        evaluations.set(stack, found);
    }
    return found;
}

/** Like `evaluateProgram`, with pulumi.log.warn captured: the outputs, what registered, and the warnings. */
export async function evaluateCapturingWarnings(
    stack: string,
    config: Record<string, unknown>,
): Promise<Evaluation & { warnings: string[] }> {
    const warnings: string[] = [];
    const original = pulumi.log.warn;
    pulumi.log.warn = (msg: string) => {
        warnings.push(msg);
        return Promise.resolve();
    };
    try {
        return { ...(await evaluateProgram(stack, config)), warnings };
    } finally {
        pulumi.log.warn = original;
    }
}
