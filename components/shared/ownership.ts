import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { isLabelValue } from "./validation";

/**
 * The labels that tie every object the package and the program create to the
 * Pulumi project and stack that own it. An object that carries them but is not
 * in that stack's state is an orphan (an interrupted `pulumi up` can leave
 * one); `npm run recover` lists them by these labels (docs/operations.md).
 */

/** The label naming the owning Pulumi project. Reserved: `labels` can't set it. */
export const PROJECT_LABEL = "orchestration/project";

/** The label naming the owning Pulumi stack. Reserved: `labels` can't set it. */
export const STACK_LABEL = "orchestration/stack";

/** The Pulumi project and stack that own an object. */
export interface StackOwner {
    project: string;
    stack: string;
}

/** How many characters of a name a shortened label value keeps before its hash. */
const KEPT = 54;

/**
 * A label value that stands for `name`: the name itself when it is a valid
 * label value, otherwise its valid characters (invalid ones become `-`, cut to
 * 54 and trimmed to alphanumeric ends) plus 8 hex characters of its SHA-256,
 * so two long names that share a prefix still get different values.
 */
export function ownerLabelValue(name: string): string {
    if (isLabelValue(name)) {
        return name;
    }
    const hash = crypto.createHash("sha256").update(name).digest("hex").slice(0, 8);
    const kept = name
        .replace(/[^A-Za-z0-9_.-]/g, "-")
        .slice(0, KEPT)
        .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
    return kept ? `${kept}-${hash}` : hash;
}

/** The owner labels of `owner`'s objects, as a map. */
export function ownerLabels(owner: StackOwner): Record<string, string> {
    return {
        [PROJECT_LABEL]: ownerLabelValue(owner.project),
        [STACK_LABEL]: ownerLabelValue(owner.stack),
    };
}

/** The owner labels of `owner`'s objects, as a kubectl label selector. */
export function ownerSelector(owner: StackOwner): string {
    return Object.entries(ownerLabels(owner))
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
}

/** The project and stack of the running Pulumi program (under mocks, the mocks' own). */
export function currentStackOwner(): StackOwner {
    return { project: pulumi.getProject(), stack: pulumi.getStack() };
}
