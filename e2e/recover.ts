/**
 * `npm run recover` as a user runs it, from the e2e suite: the command line
 * itself, with the suite's CLI environment (the toolchain's `pulumi` and
 * `kubectl` first on PATH, its state backend and kubeconfig), and the
 * orphan check it makes, for a test to assert on.
 */
import * as path from "path";
import { ownerLabels, ownerSelector } from "../components/shared/ownership";
import { PROJECT_ROOT } from "../program/stackFiles";
import { LABELLED_KINDS } from "../recover/cluster";
import {
    compareWithCluster,
    liveObjectRef,
    ObjectRef,
    readStackState,
    TrackedObject,
} from "../recover/state";
import { Kube } from "./kube";
import { Completed, exec } from "./proc";
import { PulumiCli, StackRef } from "./pulumi";

/** Runs `npm run recover -- --stack … [extra]` for `stack`; resolves whatever its exit code. */
export function runRecover(
    pulumi: PulumiCli,
    stack: StackRef,
    extra: string[] = [],
): Promise<Completed> {
    return exec(
        process.execPath,
        [
            "-r",
            "ts-node/register/transpile-only",
            path.join(PROJECT_ROOT, "recover", "cli.ts"),
            "--stack",
            stack.stack,
            "--cwd",
            stack.cwd,
            ...(stack.configFile ? ["--config-file", stack.configFile] : []),
            ...extra,
        ],
        { cwd: PROJECT_ROOT, env: pulumi.env, allowFailure: true, timeoutMs: 600_000 },
    );
}

/**
 * The labelled objects in the cluster against `pulumi stack export`: orphans
 * (carry the stack's owner labels, not in its state) and lost objects (in its
 * state with those labels, not in the cluster). Both are empty for a stack
 * that nothing interrupted.
 */
export async function stateVersusCluster(
    pulumi: PulumiCli,
    kube: Kube,
    stack: StackRef,
    project = "orchestration",
): Promise<{ orphans: ObjectRef[]; lost: TrackedObject[] }> {
    const exported = await pulumi.run(stack.cwd, ["stack", "export", "--stack", stack.stack]);
    const state = readStackState(JSON.parse(exported.stdout));
    const owner = { project, stack: stack.stack };
    const selector = ownerSelector(owner);
    const list = JSON.parse(
        await kube.run([
            "get",
            LABELLED_KINDS.join(","),
            "--all-namespaces",
            "-l",
            selector,
            "-o",
            "json",
        ]),
    ) as { items: Record<string, any>[] };
    const live = list.items.map(liveObjectRef).filter((x): x is ObjectRef => x !== undefined);
    return compareWithCluster(state.objects, live, ownerLabels(owner));
}
