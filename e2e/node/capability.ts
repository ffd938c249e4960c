import * as fs from "fs";
import * as path from "path";
import { Toolchain } from "../toolchain";

/**
 * Whether this machine can run the real node, and if not, why. A real node
 * needs Linux, root (it mounts, makes links and sets sysctls), Debian's
 * containerd, runc, CNI plugins and netfilter tools (`.ci/install-node-runtime.sh`
 * installs them with apt), the toolchain's kubelet, kube-proxy, CoreDNS and
 * podinfo, and no other real node on the machine.
 */

/** What the decision looks at: facts of the machine. */
export interface MachineFacts {
    platform: string;
    uid: number;
    /** Required programs that are missing. */
    missing: string[];
    /** A node component already running here (another run's node), if any. */
    running?: string;
}

/** The host programs a node runs or its images are made of. */
export const HOST_PROGRAMS = [
    "/usr/bin/containerd",
    "/usr/bin/ctr",
    "/usr/sbin/runc",
    "/usr/lib/cni/bridge",
    "/usr/lib/cni/host-local",
    "/usr/sbin/nft",
    "/usr/sbin/conntrack",
    "/usr/sbin/nginx",
    "/usr/bin/envsubst",
    "/usr/bin/gcc",
];

/** The toolchain binaries a node needs (e2e/toolchain/build.sh builds them). */
export const TOOLCHAIN_PROGRAMS = ["kubelet", "kube-proxy", "coredns", "podinfo"];

/** Why a real node can't start here, or undefined when it can. Pure. */
export function unavailableReason(facts: MachineFacts): string | undefined {
    if (facts.platform !== "linux") return `a real node needs Linux (this is ${facts.platform})`;
    if (facts.uid !== 0) return `a real node needs root (uid ${facts.uid})`;
    if (facts.missing.length > 0) {
        return `a real node needs ${facts.missing.join(", ")} (bash .ci/install-node-runtime.sh; npm run e2e:toolchain)`;
    }
    if (facts.running)
        return `another real node runs on this machine (${facts.running}); one per machine`;
    return undefined;
}

/** The facts of this machine. */
export function machineFacts(toolchain: Toolchain, running?: string): MachineFacts {
    const exists = (p: string) => fs.existsSync(p);
    const missing = [
        ...HOST_PROGRAMS.filter((p) => !exists(p)).map((p) => path.basename(p)),
        ...TOOLCHAIN_PROGRAMS.filter((b) => !exists(toolchain.bin(b))),
    ];
    return {
        platform: process.platform,
        uid: process.getuid?.() ?? -1,
        missing,
        running,
    };
}
