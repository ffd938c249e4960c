import type { EksClusterArgs } from "./args";
import type { ChildAlias } from "./childOptions";
import type { Check } from "../shared/validation";

/**
 * Who may reach the cluster's Kubernetes API: the admin and viewer principals,
 * validated, and the EKS access entries `@pulumi/eks` creates for them.
 */

const IAM_PRINCIPAL = /^arn:aws(-[a-z]+)*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/;

/** EKS access policies, by the access they grant. */
export const ACCESS_POLICIES = {
    admin: "AmazonEKSClusterAdminPolicy",
    view: "AmazonEKSViewPolicy",
} as const;

/** The ARN of an EKS cluster access policy in a partition. */
export function accessPolicyArn(partition: string, policy: string): string {
    return `arn:${partition}:eks::aws:cluster-access-policy/${policy}`;
}

/** The access a principal gets. */
export type Access = keyof typeof ACCESS_POLICIES;

/**
 * The key of a principal's access entry: its account and path, such as
 * `123456789012-role-ops`. Keyed by principal, never by access, so moving a
 * principal between admins and viewers updates its one entry (EKS allows one
 * per principal) and swaps only the policy association.
 */
export function principalKey(arn: string): string {
    return arn
        .split(":")
        .slice(4)
        .join("-")
        .replace(/[^A-Za-z0-9-]/g, "-");
}

/**
 * Copies `clusterAdmins` and `clusterViewers` and checks that each is an IAM
 * role or user ARN, then that each principal has one access entry
 * (`checkPrincipals`).
 */
export function resolveClusterAccess(
    args: Pick<EksClusterArgs, "clusterAdmins" | "clusterViewers">,
    check: Check,
    fieldName: (path: string) => string,
): { clusterAdmins: string[]; clusterViewers: string[] } {
    const clusterAdmins = resolvePrincipals(args, "clusterAdmins", check);
    const clusterViewers = resolvePrincipals(args, "clusterViewers", check);
    checkPrincipals(clusterAdmins, clusterViewers, check, fieldName);
    return { clusterAdmins, clusterViewers };
}

/** A copy of one principal list, with each entry checked to be an IAM role or user ARN. */
function resolvePrincipals(
    args: Pick<EksClusterArgs, "clusterAdmins" | "clusterViewers">,
    field: "clusterAdmins" | "clusterViewers",
    check: Check,
): string[] {
    const list = [...(args[field] ?? [])];
    list.forEach((arn, i) => {
        check(
            IAM_PRINCIPAL.test(arn),
            `${field}[${i}]`,
            arn,
            "must be an IAM role or user ARN such as arn:aws:iam::123456789012:role/platform-admins",
        );
    });
    return list;
}

/**
 * A principal has one access entry: refuses one listed in both lists or twice
 * in one, and two whose entry keys would collide.
 */
function checkPrincipals(
    admins: string[],
    viewers: string[],
    check: Check,
    fieldName: (path: string) => string,
): void {
    for (const arn of admins.filter((a) => viewers.includes(a))) {
        check(
            false,
            "clusterViewers",
            arn,
            `is also in '${fieldName("clusterAdmins")}'; a principal has one access entry, so list it in one of them`,
        );
    }
    // Within one list: the same ARN twice, or two ARNs whose keys collide.
    const lists = [
        ["clusterAdmins", admins],
        ["clusterViewers", viewers],
    ] as const;
    const seen = new Map<string, { arn: string; field: string }>();
    for (const [field, list] of lists) {
        list.forEach((arn, i) => {
            const key = principalKey(arn);
            const earlier = seen.get(key);
            seen.set(key, { arn, field });
            if (earlier === undefined || (earlier.arn === arn && earlier.field !== field)) {
                return; // new, or in both lists (reported above)
            }
            check(
                false,
                `${field}[${i}]`,
                arn,
                earlier.arn === arn
                    ? "is listed twice"
                    : `has the same access entry key ("${key}") as ${JSON.stringify(earlier.arn)}`,
            );
        });
    }
}

/** Every principal with its access, admins first. */
function principalAccess(admins: string[], viewers: string[]): Array<[string, Access]> {
    return [
        ...admins.map((arn) => [arn, "admin"] as [string, Access]),
        ...viewers.map((arn) => [arn, "view"] as [string, Access]),
    ];
}

/**
 * Access entries for `@pulumi/eks`: one per principal, keyed by principal
 * (stable when the lists are reordered or a principal changes lists), with one
 * cluster-wide policy association named by its access.
 * `policyArn` turns a policy name into its ARN (the partition is known late).
 */
export function accessEntries<T>(
    admins: string[],
    viewers: string[],
    policyArn: (policy: string) => T,
) {
    return Object.fromEntries(
        principalAccess(admins, viewers).map(([arn, access]) => [
            principalKey(arn),
            {
                principalArn: arn,
                accessPolicies: {
                    [access]: {
                        policyArn: policyArn(ACCESS_POLICIES[access]),
                        accessScope: { type: "cluster" },
                    },
                },
            },
        ]),
    );
}

/**
 * The names 0.1.0 gave the access entries of `eks.Cluster` `name` (keyed by
 * access, then principal) and their policy associations, by today's names.
 * As aliases they let an upgrade keep each entry instead of creating a second
 * one for the same principal, which EKS refuses. Assumes each principal has
 * the access it had under 0.1.0: upgrade first, then move principals.
 */
export function accessEntryAliases(
    name: string,
    admins: string[],
    viewers: string[],
): Record<string, ChildAlias> {
    const aliases: Record<string, ChildAlias> = {};
    for (const [arn, access] of principalAccess(admins, viewers)) {
        const entry = `${name}-${principalKey(arn)}`;
        const was = `${name}-${access}-${principalKey(arn)}`;
        aliases[entry] = { name: was };
        aliases[`${entry}-${access}`] = {
            name: `${was}-${access}`,
            parent: { name: entry, was },
        };
    }
    return aliases;
}
