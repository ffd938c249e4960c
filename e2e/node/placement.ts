import { Kube } from "../kube";
import { NodePlan } from "./plan";

/**
 * Who gets the real node. It is tainted, so the suite's other stacks stay on
 * KWOK nodes; a test that deploys there claims it: the KWOK nodes are cordoned
 * and the taint goes, so the program's pods (which carry no toleration) land
 * on the real node only. Releasing puts both back; pods already placed stay.
 */

/** Makes the real node the only schedulable one. */
export async function claimRealNode(
    kube: Kube,
    plan: NodePlan,
    kwokNodes: string[],
): Promise<void> {
    for (const n of kwokNodes) await kube.run(["cordon", n]);
    await kube.run(["taint", "node", plan.name, `${plan.taintKey}-`]);
}

/** Taints the real node again and uncordons the KWOK nodes. */
export async function releaseRealNode(
    kube: Kube,
    plan: NodePlan,
    kwokNodes: string[],
): Promise<void> {
    await kube.attempt([
        "taint",
        "node",
        plan.name,
        `${plan.taintKey}=true:NoSchedule`,
        "--overwrite",
    ]);
    for (const n of kwokNodes) await kube.attempt(["uncordon", n]);
}
