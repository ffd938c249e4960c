import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import * as pulumi from "@pulumi/pulumi";
import {
    installMocks,
    ResourceRecorder,
    settleRegistrations,
    valueOf,
} from "../components/testing";

/** The repository root, where Pulumi.yaml and the stack files live. */
export const ROOT = path.resolve(__dirname, "..");
export const STACKS = ["dev", "staging", "prod", "local"] as const;

/**
 * The config the engine hands the program for `stack`: Pulumi.yaml's declared
 * defaults (in the project's namespace) overlaid with Pulumi.<stack>.yaml.
 */
export function stackConfig(stack: string): Record<string, unknown> {
    const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
    const config: Record<string, unknown> = {};
    for (const [key, spec] of Object.entries<any>(project.config ?? {})) {
        const fullKey = key.includes(":") ? key : `${project.name}:${key}`;
        if (spec && typeof spec === "object" && "default" in spec) {
            config[fullKey] = spec.default;
        } else if (spec && typeof spec === "object" && "value" in spec) {
            config[fullKey] = spec.value;
        }
    }
    const stackFile = path.join(ROOT, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(stackFile)) {
        throw new Error(`no stack file ${stackFile}`);
    }
    return { ...config, ...(parse(fs.readFileSync(stackFile, "utf8")).config ?? {}) };
}

/** What a user must add before the first `pulumi up` of an EKS stack. */
export const OPERATOR_CONFIG = { "orchestration:publicAccessCidrs": ["203.0.113.7/32"] };

/** Forgets every module of this repository, so index.ts runs afresh. */
function freshModules(): void {
    for (const id of Object.keys(require.cache)) {
        if (id.startsWith(ROOT) && !id.includes(`${path.sep}node_modules${path.sep}`)) {
            delete require.cache[id];
        }
    }
}

/** The program's outputs with every Output resolved, plus what it registered. */
export interface Evaluation {
    mocks: ResourceRecorder;
    outputs: Record<string, any>;
}

/**
 * Runs index.ts for `stack` under mocks, with `config` as the engine would
 * pass it. Returns what was registered, and the resolved outputs or the error.
 */
export async function runProgram(
    stack: string,
    config: Record<string, unknown>,
): Promise<{ mocks: ResourceRecorder; outputs?: Record<string, any>; error?: unknown }> {
    const mocks = await installMocks({ project: "orchestration", stack, config });
    freshModules();
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const program = require("../index") as () => Promise<Record<string, unknown>>;
        const raw = await program();
        const outputs = (await valueOf(pulumi.output(raw))) as Record<string, any>;
        await settleRegistrations();
        return { mocks, outputs };
    } catch (error) {
        await settleRegistrations();
        return { mocks, error };
    }
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
