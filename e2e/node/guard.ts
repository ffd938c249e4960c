import { NodePlan } from "./plan";

/**
 * The egress guard: an nftables table, installed before the first pod, that
 * drops and counts what would leave the machine from the node's networks. The
 * CNI bridge plugin turns on IP forwarding, so without it a pod's packet for
 * an outside address would be forwarded out of the uplink. Pure: the ruleset
 * and the reading of its counters.
 */

/** The guard's named counters, one per rule. */
export const GUARD_COUNTERS = ["pod_egress", "range_egress"] as const;

/** One guard counter's reading. */
export type GuardCounts = Record<(typeof GUARD_COUNTERS)[number], number>;

/**
 * The `nft -f` script that (re)creates the guard table. In postrouting, after
 * any DNAT, so it sees where a packet really goes:
 * - `pod_egress`: from the pod range, out of any interface but the bridge;
 * - `range_egress`: for the pod, Service or node ranges, out of any interface
 *   but the bridge and `lo` (a ClusterIP no rule translated, say).
 */
export function guardRuleset(plan: NodePlan): string {
    const ranges = `{ ${plan.podCidr}, ${plan.serviceCidr}, ${plan.nodeAddress}/32 }`;
    const t = plan.guardTable;
    return [
        `table inet ${t}`,
        `delete table inet ${t}`,
        `table inet ${t} {`,
        ...GUARD_COUNTERS.map((c) => `    counter ${c} {}`),
        "    chain postrouting {",
        "        type filter hook postrouting priority filter; policy accept;",
        `        ip saddr ${plan.podCidr} oifname != "${plan.bridge}" counter name pod_egress drop`,
        `        ip daddr ${ranges} oifname != { "${plan.bridge}", "lo" } counter name range_egress drop`,
        "    }",
        "}",
        "",
    ].join("\n");
}

/** Reads the guard's counters from `nft -j list counters table inet <table>`. */
export function parseGuardCounters(json: string): GuardCounts {
    const doc = JSON.parse(json) as {
        nftables?: { counter?: { name: string; packets: number } }[];
    };
    const found = new Map<string, number>();
    for (const item of doc.nftables ?? []) {
        if (item.counter) found.set(item.counter.name, item.counter.packets);
    }
    const counts = {} as GuardCounts;
    for (const name of GUARD_COUNTERS) {
        const packets = found.get(name);
        if (packets === undefined) {
            throw new Error(`the egress guard has no counter ${JSON.stringify(name)}`);
        }
        counts[name] = packets;
    }
    return counts;
}
