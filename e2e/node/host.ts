import * as fs from "fs";
import { exec } from "../proc";
import { GuardCounts, guardRuleset, parseGuardCounters } from "./guard";
import { NodePlan } from "./plan";
import { captureHost } from "./snapshot";
import { added, deepestFirst, diffSnapshots, HostChange, HostSnapshot } from "./snapshotDiff";

/**
 * What the real node changes on the host, and its undoing. Restoring works
 * from the snapshot taken before the node started: whatever was added
 * (mounts, links, addresses, nft tables, cgroups, fixed paths) goes, and
 * every sysctl that changed gets its old value back.
 */

const run = (file: string, args: string[]) => exec(file, args, { allowFailure: true });

/** The node address on `lo`, and the egress guard: before containerd, before any pod. */
export async function prepareHost(plan: NodePlan): Promise<void> {
    await exec("nft", ["-f", "-"], { input: guardRuleset(plan) });
    await exec("ip", ["addr", "add", `${plan.nodeAddress}/32`, "dev", "lo"]);
}

/** The guard's drop counters right now. */
export async function guardCounters(plan: NodePlan): Promise<GuardCounts> {
    const r = await exec("nft", ["-j", "list", "counters", "table", "inet", plan.guardTable]);
    return parseGuardCounters(r.stdout);
}

async function unmountAdded(before: HostSnapshot, now: HostSnapshot): Promise<void> {
    for (const point of deepestFirst(added(before, now, "mount"))) {
        const r = await run("umount", [point]);
        if (r.code !== 0) await run("umount", ["-l", point]);
    }
}

async function removeAddedNetwork(before: HostSnapshot, now: HostSnapshot): Promise<void> {
    for (const key of added(before, now, "address")) {
        const [dev, cidr] = key.split(" ");
        if (!cidr.includes(":")) await run("ip", ["addr", "del", cidr, "dev", dev]);
    }
    for (const link of added(before, now, "link")) await run("ip", ["link", "del", link]);
    for (const table of added(before, now, "nft")) {
        await run("nft", ["delete", ...table.split(" ")]);
    }
}

function restoreSysctls(before: HostSnapshot, now: HostSnapshot): void {
    for (const [key, value] of Object.entries(before.sysctl ?? {})) {
        if (now.sysctl?.[key] !== undefined && now.sysctl[key] !== value) {
            try {
                fs.writeFileSync(`/proc/sys/${key.split(".").join("/")}`, value);
            } catch {
                // reported by the final comparison
            }
        }
    }
}

function removeAddedFiles(before: HostSnapshot, now: HostSnapshot): void {
    for (const dir of deepestFirst(added(before, now, "cgroup"))) {
        try {
            fs.rmdirSync(dir);
        } catch {
            // reported by the final comparison
        }
    }
    for (const [p, state] of Object.entries(now.path ?? {})) {
        if (state === "present" && before.path?.[p] === "absent") {
            fs.rmSync(p, { recursive: true, force: true });
        }
    }
}

/**
 * Undoes everything the node added since `before` (processes must be stopped
 * first), drops its conntrack entries, and returns what still differs: empty
 * when the host is as it was.
 */
export async function restoreHost(plan: NodePlan, before: HostSnapshot): Promise<HostChange[]> {
    let now = await captureHost();
    await unmountAdded(before, now);
    await removeAddedNetwork(before, now);
    for (const range of [plan.podCidr, plan.serviceCidr, `${plan.nodeAddress}/32`]) {
        await run("conntrack", ["-D", "-s", range]);
        await run("conntrack", ["-D", "-d", range]);
    }
    restoreSysctls(before, now);
    removeAddedFiles(before, now);
    now = await captureHost();
    return diffSnapshots(before, now);
}
