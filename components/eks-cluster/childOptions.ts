import * as pulumi from "@pulumi/pulumi";

/**
 * Resource options for the children of the remote `@pulumi/eks` components.
 *
 * `eks.Cluster` and `eks.ManagedNodeGroup` run in the eks provider's process,
 * which passes a component's `protect` on to every child it creates: access
 * entries, add-ons, security groups, the OIDC provider. A transform (which the
 * engine applies to those children too) narrows protection to what must
 * survive, makes add-on replacement delete-before-replace, and carries the
 * aliases of renamed children.
 */

/**
 * What stays protected in `eks.Cluster`: the component (a transform applies to
 * it too) and the control plane, which holds etcd.
 */
export const CLUSTER_PROTECTED_TYPES: readonly string[] = [
    "eks:index:Cluster",
    "aws:eks/cluster:Cluster",
];
/** What stays protected in `eks.ManagedNodeGroup`: the component and the node group. */
export const NODE_GROUP_PROTECTED_TYPES: readonly string[] = [
    "eks:index:ManagedNodeGroup",
    "aws:eks/nodeGroup:NodeGroup",
];

/** EKS add-ons, whose ID (`cluster:addon`) survives a replacement. */
export const ADDON_TYPE = "aws:eks/addon:Addon";

/**
 * A child's earlier name, for children renamed since an earlier release. With
 * `parentName`, the child's parent was renamed too: its alias is the old name
 * under the parent's old name.
 */
export interface ChildAlias {
    /** The child's name in the earlier release. */
    name: string;
    /** The parent's current and earlier names, when the parent was renamed too. */
    parent?: { name: string; was: string };
}

/** What the transform does to the children of one remote component. */
export interface ChildOptionsSpec {
    /** Whether the component asked for protection. */
    protect: boolean;
    /** Child types that keep `protect`; every other child is unprotected. */
    protectedTypes: readonly string[];
    /** Earlier names of renamed children, by their current name. */
    aliases?: Readonly<Record<string, ChildAlias>>;
}

/**
 * The URN a child named `name` of type `type` has under the parent whose URN
 * is `parentUrn` (`urn:pulumi:<stack>::<project>::<qualified type>::<name>`).
 */
export function childUrn(parentUrn: string, type: string, name: string): string {
    const [prefix, project, qualifiedType] = parentUrn.split("::");
    return `${prefix}::${project}::${qualifiedType}$${type}::${name}`;
}

/** `urn` with its last segment, the resource's name, changed from `from` to `to`. */
export function renameUrn(urn: string, from: string, to: string): string {
    const suffix = `::${from}`;
    if (!urn.endsWith(suffix)) {
        throw new Error(`URN ${urn} does not name a resource "${from}"`);
    }
    return urn.slice(0, -from.length) + to;
}

/** The alias of a child, as a resource option value. */
function aliasOf(
    alias: ChildAlias,
    type: string,
    parent: pulumi.Resource | undefined,
): pulumi.Input<pulumi.URN | pulumi.Alias> {
    const renamedParent = alias.parent;
    if (renamedParent === undefined || parent === undefined) {
        return { name: alias.name };
    }
    return parent.urn.apply((urn) =>
        childUrn(renameUrn(urn, renamedParent.name, renamedParent.was), type, alias.name),
    );
}

/**
 * The options a child of a remote eks component gets, from the options the
 * provider gave it. Pure, so tests feed it every child type the component makes.
 */
export function childOptions(
    spec: ChildOptionsSpec,
    args: { type: string; name: string; opts: pulumi.ResourceOptions },
): pulumi.CustomResourceOptions {
    const opts: pulumi.CustomResourceOptions = {
        ...args.opts,
        protect: spec.protect && spec.protectedTypes.includes(args.type),
    };
    if (args.type === ADDON_TYPE) {
        // The replacement would otherwise create the add-on, then delete it by the same ID.
        opts.deleteBeforeReplace = true;
    }
    const alias = spec.aliases?.[args.name];
    if (alias !== undefined) {
        opts.aliases = [...(args.opts.aliases ?? []), aliasOf(alias, args.type, args.opts.parent)];
    }
    return opts;
}

/** The transform that applies `childOptions` to every child of a remote eks component. */
export function childOptionsTransform(spec: ChildOptionsSpec): pulumi.ResourceTransform {
    return (args) => ({ props: args.props, opts: childOptions(spec, args) });
}
