import { strict as assert } from "assert";
import { unavailableReason } from "../e2e/node/capability";
import { cniConfig, containerdConfig, kubeletConfig, kubeProxyConfig } from "../e2e/node/configs";
import { corefile, dnsObjects } from "../e2e/node/dns";
import { GUARD_COUNTERS, guardRuleset, parseGuardCounters } from "../e2e/node/guard";
import { defaultPlan, gatewayAddress, nodePaths } from "../e2e/node/plan";
import { added, deepestFirst, describeChanges, diffSnapshots } from "../e2e/node/snapshotDiff";

const plan = defaultPlan("/work/node");

/** Every absolute path in `text` lies under `dir`, but for the allowed system ones. */
function pathsOutside(text: string, dir: string, allowed: string[]): string[] {
    const paths = text.match(/"\/[^"]*"/g) ?? [];
    return paths
        .map((p) => JSON.parse(p) as string)
        .filter((p) => !p.startsWith(`${dir}/`) && !allowed.includes(p));
}

/** The real node's configuration and teardown logic (e2e/node): pure, no machine. */
describe("real node configuration (pure)", () => {
    it("containerd: the CRI settings this VM needs, and every path under the node's work dir", () => {
        const toml = containerdConfig(plan, "e2e/pause:1");
        assert.match(toml, /^ {2}restrict_oom_score_adj = true$/m);
        assert.match(toml, /^ {2}sandbox_image = "e2e\/pause:1"$/m);
        assert.match(toml, /^ {2}SystemdCgroup = false$/m);
        assert.match(toml, /^ {2}netns_mounts_under_state_dir = true$/m);
        assert.match(toml, /^ {2}stream_server_address = "127\.0\.0\.1"$/m);
        assert.deepEqual(pathsOutside(toml, plan.workDir, ["/usr/lib/cni"]), []);
    });

    it("kubelet: cgroup v1 allowed, cgroupfs, the node address, no read-only port, tainted, no host resolv.conf", () => {
        const c = JSON.parse(kubeletConfig(plan, "/ca.crt"));
        assert.equal(c.failCgroupV1, false);
        assert.equal(c.cgroupDriver, "cgroupfs");
        assert.equal(c.address, plan.nodeAddress);
        assert.equal(c.readOnlyPort, 0);
        assert.equal(c.healthzBindAddress, "127.0.0.1");
        assert.equal(c.authentication.anonymous.enabled, false);
        assert.deepEqual(c.clusterDNS, [plan.clusterDns]);
        assert.equal(c.resolvConf, nodePaths(plan).resolvConf);
        assert.deepEqual(c.registerWithTaints, [
            { key: plan.taintKey, value: "true", effect: "NoSchedule" },
        ]);
        assert.equal(c.imageGCHighThresholdPercent, 100, "local images are never collected");
    });

    it("kube-proxy: nftables, node ports on the node address only, conntrack sysctls left alone", () => {
        const c = JSON.parse(kubeProxyConfig(plan, "/k"));
        assert.equal(c.mode, "nftables");
        assert.deepEqual(c.nodePortAddresses, [`${plan.nodeAddress}/32`]);
        assert.deepEqual(c.conntrack, {
            maxPerCore: 0,
            min: 0,
            tcpEstablishedTimeout: "0s",
            tcpCloseWaitTimeout: "0s",
        });
        assert.match(c.healthzBindAddress, /^127\.0\.0\.1:/);
    });

    it("CNI: a bridge without masquerade, addresses from the pod range kept under the work dir", () => {
        const bridge = JSON.parse(cniConfig(plan)).plugins[0];
        assert.equal(bridge.type, "bridge");
        assert.equal(bridge.ipMasq, false);
        assert.deepEqual(bridge.ipam.ranges, [[{ subnet: plan.podCidr, gateway: "10.214.0.1" }]]);
        assert.equal(bridge.ipam.dataDir, nodePaths(plan).cniIpamDir);
        assert.throws(
            () => gatewayAddress("10.1.0.0/16"),
            /podCidr "10\.1\.0\.0\/16" must be a \/24/,
        );
    });

    it("the egress guard drops and counts what leaves from the pod range, or for the node's ranges, elsewhere", () => {
        const rules = guardRuleset(plan);
        assert.match(
            rules,
            /ip saddr 10\.214\.0\.0\/24 oifname != "orch0" counter name pod_egress drop/,
        );
        assert.match(
            rules,
            /ip daddr \{ 10\.214\.0\.0\/24, 10\.0\.0\.0\/24, 10\.213\.0\.1\/32 \} oifname != \{ "orch0", "lo" \} counter name range_egress drop/,
        );
        assert.match(rules, /hook postrouting/);
        const json = (n: number) =>
            JSON.stringify({
                nftables: GUARD_COUNTERS.map((name, i) => ({ counter: { name, packets: i * n } })),
            });
        assert.deepEqual(parseGuardCounters(json(3)), { pod_egress: 0, range_egress: 3 });
        assert.throws(() => parseGuardCounters('{"nftables":[]}'), /no counter "pod_egress"/);
    });

    it("the cluster DNS answers the cluster zones on the node address and forwards nothing", () => {
        const text = corefile(plan);
        assert.match(text, /bind 10\.213\.0\.1/);
        assert.match(text, /kubernetes cluster\.local/);
        assert.doesNotMatch(text, /forward|proxy/);
        const svc = dnsObjects(plan, "/d").find((o) => o.kind === "Service")!;
        assert.equal(svc.spec.clusterIP, plan.clusterDns);
    });

    it("a host snapshot diff names each added, removed and changed key", () => {
        const before = { sysctl: { "kernel.panic": "1", gone: "x" }, link: { lo: "up" } };
        const after = { sysctl: { "kernel.panic": "10" }, link: { lo: "up", orch0: "bridge" } };
        assert.equal(
            describeChanges(diffSnapshots(before, after)),
            [
                'link orch0: (absent) → "bridge"',
                'sysctl gone: "x" → (absent)',
                'sysctl kernel.panic: "1" → "10"',
            ].join("\n"),
        );
        assert.deepEqual(diffSnapshots(after, after), []);
        assert.deepEqual(added(before, after, "link"), ["orch0"]);
        assert.deepEqual(deepestFirst(["/a", "/a/b/c", "/a/b"]), ["/a/b/c", "/a/b", "/a"]);
    });

    it("says why a machine can't run a node: not Linux, not root, missing programs, a node already there", () => {
        const ok = { platform: "linux", uid: 0, missing: [] };
        assert.equal(unavailableReason(ok), undefined);
        assert.match(
            unavailableReason({ ...ok, platform: "darwin" })!,
            /needs Linux \(this is darwin\)/,
        );
        assert.match(unavailableReason({ ...ok, uid: 1000 })!, /needs root \(uid 1000\)/);
        assert.match(
            unavailableReason({ ...ok, missing: ["containerd", "kubelet"] })!,
            /needs containerd, kubelet \(bash \.ci\/install-node-runtime\.sh/,
        );
        assert.match(
            unavailableReason({ ...ok, running: "kubelet (pid 42)" })!,
            /another real node runs on this machine \(kubelet \(pid 42\)\)/,
        );
    });
});
