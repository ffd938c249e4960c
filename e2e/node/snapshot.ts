import * as fs from "fs";
import * as path from "path";
import { exec } from "../proc";
import { HostSnapshot } from "./snapshotDiff";

/**
 * Captures what a real node changes on the host: sysctls, links, addresses,
 * routes, the nftables ruleset, mounts, cgroups, fixed paths and the node's
 * processes. Reading only; the comparison is pure (snapshotDiff.ts).
 */

/** The sysctl trees the kubelet, the CNI plugins and kube-proxy write to. */
const SYSCTL_ROOTS = ["kernel", "vm", "net/ipv4", "net/ipv6/conf", "net/bridge", "net/netfilter"];
/** Sysctls that change on their own, or per interface that comes and goes. */
const VOLATILE_SYSCTL =
    /^(kernel\.(random|ns_last_pid|pty\.nr|tainted|sched_domain)|net\.netfilter\.nf_conntrack_count|net\.ipv[46]\.conf\.(veth|orch|cni))/;

/** Paths the node's software writes outside its work dir, whatever it is told. */
export const FIXED_PATHS = [
    "/var/lib/kubelet",
    "/var/lib/cni",
    "/var/log/containers",
    "/var/log/pods",
    "/run/containerd",
    "/var/lib/containerd",
    "/opt/containerd",
    "/etc/cni/net.d",
    "/run/netns",
];

/** The processes a node runs; none may outlive it. */
const NODE_PROCESSES = new Set([
    "containerd",
    "containerd-shim",
    "kubelet",
    "kube-proxy",
    "coredns",
]);

function readTree(root: string, into: Record<string, string>): void {
    for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
        const file = path.join(root, entry.name);
        if (entry.isDirectory()) {
            readTree(file, into);
            continue;
        }
        try {
            const key = path.relative("/proc/sys", file).split("/").join(".");
            if (!VOLATILE_SYSCTL.test(key)) into[key] = fs.readFileSync(file, "utf8").trim();
        } catch {
            // write-only or refused: not a setting we can compare
        }
    }
}

function sysctls(): Record<string, string> {
    const values: Record<string, string> = {};
    for (const root of SYSCTL_ROOTS) {
        const dir = path.join("/proc/sys", root);
        if (fs.existsSync(dir)) readTree(dir, values);
    }
    return values;
}

async function ipJson(args: string[]): Promise<any[]> {
    return JSON.parse((await exec("ip", ["-j", ...args])).stdout || "[]");
}

async function network(): Promise<Pick<HostSnapshot, "link" | "address" | "route">> {
    const link: Record<string, string> = {};
    for (const l of await ipJson(["link", "show"])) {
        link[l.ifname] =
            `${l.link_type} mtu ${l.mtu} ${(l.flags ?? []).join(",")} ${l.master ?? ""}`;
    }
    const address: Record<string, string> = {};
    for (const l of await ipJson(["addr", "show"])) {
        for (const a of l.addr_info ?? [])
            address[`${l.ifname} ${a.local}/${a.prefixlen}`] = a.scope;
    }
    const route: Record<string, string> = {};
    for (const r of await ipJson(["route", "show", "table", "all"])) {
        route[`${r.table ?? "main"} ${r.type ?? ""} ${r.dst} ${r.dev ?? ""}`] = r.gateway ?? "";
    }
    return { link, address, route };
}

/** The ruleset without counter values (`nft -s`), one key per table, its text the value. */
async function nftables(): Promise<Record<string, string>> {
    const text = (await exec("nft", ["-s", "list", "ruleset"])).stdout;
    const tables: Record<string, string> = {};
    for (const block of text.split(/^(?=table )/m).filter((b) => b.trim())) {
        tables[block.split("\n")[0].replace(/\s*\{\s*$/, "")] = block.trim();
    }
    return tables;
}

/** Mount points, with their type and source. */
function mounts(): Record<string, string> {
    const found: Record<string, string> = {};
    for (const line of fs.readFileSync("/proc/self/mountinfo", "utf8").split("\n")) {
        const [left, right] = line.split(" - ");
        if (!right) continue;
        const point = left.split(" ")[4];
        const [type, source] = right.split(" ");
        found[point.replace(/\\040/g, " ")] = `${type} ${source}`;
    }
    return found;
}

/**
 * Cgroup trees other managers own: this VM's PID 1 (process_api) makes and
 * removes one per job it runs, while the node runs. Not compared, never removed.
 */
const FOREIGN_CGROUPS = new Set(["process_api"]);

/** Every directory of every cgroup hierarchy, but the foreign trees. */
function cgroups(): Record<string, string> {
    const dirs: Record<string, string> = {};
    const walk = (dir: string, depth: number) => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
            if (!e.isDirectory() || (depth === 1 && FOREIGN_CGROUPS.has(e.name))) continue;
            const sub = path.join(dir, e.name);
            if (depth > 0) dirs[sub] = "dir";
            walk(sub, depth + 1);
        }
    };
    walk("/sys/fs/cgroup", 0);
    return dirs;
}

function fixedPaths(): Record<string, string> {
    return Object.fromEntries(FIXED_PATHS.map((p) => [p, fs.existsSync(p) ? "present" : "absent"]));
}

/** Running processes whose name is a node component's, by PID. */
export function nodeProcesses(): Record<string, string> {
    const found: Record<string, string> = {};
    for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
        try {
            const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
            const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
            const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
            const base = name.startsWith("containerd-shim") ? "containerd-shim" : name;
            if (NODE_PROCESSES.has(base) && state !== "Z") found[pid] = name;
        } catch {
            // gone meanwhile
        }
    }
    return found;
}

/** The host as the real node finds it (or leaves it). Linux, as root. */
export async function captureHost(): Promise<HostSnapshot> {
    return {
        sysctl: sysctls(),
        ...(await network()),
        nft: await nftables(),
        mount: mounts(),
        cgroup: cgroups(),
        path: fixedPaths(),
        process: nodeProcesses(),
    };
}
