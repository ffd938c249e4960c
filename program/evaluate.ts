import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import {
    installMocks,
    ResourceRecorder,
    settleRegistrations,
    valueOf,
} from "../components/testing";
import { PROJECT_ROOT } from "./stackFiles";

/**
 * Evaluates the program (index.ts) under recording mocks, with no Pulumi CLI
 * and no cloud: how `render` and the tests see what a stack would deploy.
 */

/** What one evaluation registered, and its resolved outputs or its error. */
export interface ProgramRun {
    mocks: ResourceRecorder;
    outputs?: Record<string, any>;
    error?: unknown;
}

/** Forgets every module of this project, so index.ts runs afresh. */
function freshModules(): void {
    for (const id of Object.keys(require.cache)) {
        if (id.startsWith(PROJECT_ROOT) && !id.includes(`${path.sep}node_modules${path.sep}`)) {
            delete require.cache[id];
        }
    }
}

/**
 * Runs index.ts for `stack` with `config` as the engine would pass it (see
 * `stackConfig`), and returns what it registered and its outputs or error.
 * `beforeRun` sees the mocks and the fresh module state just before index.ts
 * loads (a test's hook: it may wrap a module's export there).
 */
export async function runProgram(
    stack: string,
    config: Record<string, unknown>,
    beforeRun?: (mocks: ResourceRecorder) => void,
): Promise<ProgramRun> {
    const mocks = await installMocks({ project: "orchestration", stack, config });
    freshModules();
    beforeRun?.(mocks);
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const program = require(path.join(PROJECT_ROOT, "index")) as () => Promise<
            Record<string, unknown>
        >;
        const raw = await program();
        const outputs = (await valueOf(pulumi.output(raw))) as Record<string, any>;
        await settleRegistrations();
        return { mocks, outputs };
    } catch (error) {
        await settleRegistrations();
        return { mocks, error };
    }
}
