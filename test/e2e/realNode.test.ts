/**
 * Real pods serving real traffic: the program deployed with `pulumi up` onto
 * the real node (containerd, the kubelet, kube-proxy, CoreDNS; e2e/node),
 * and bounded request loops from the host through the proxy's ClusterIP.
 * The steps run in order and share one stack; `after` destroys it whatever
 * failed and gives the node back. The node's teardown and the host check run
 * in the fixture's root after-all hook.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { recordFigure } from "../../e2e/figures";
import { isReady, Kube, KubeObject } from "../../e2e/kube";
import { IMAGES, NEXT_COLOR } from "../../e2e/node/images";
import { claimRealNode, releaseRealNode } from "../../e2e/node/placement";
import { podLogLines } from "../../e2e/node/podLogs";
import { RealNode } from "../../e2e/node/realNode";
import { ctrOf } from "../../e2e/node/stop";
import { secondsSince, waitFor } from "../../e2e/proc";
import { PulumiCli, StackRef } from "../../e2e/pulumi";
import { LoopResult, request, requestLoop, startLoad } from "../../e2e/traffic";
import { waitEndpointsMatchPods, waitRolledOut, workload } from "../../e2e/workloads";
import { BACKENDS, PROXY } from "../../program/appShape";
import { PROXY_HEALTH } from "../../program/proxyConfig";
import { PROJECT_ROOT } from "../../program/stackFiles";
import { requireRealNode } from "./fixture";

const NAMESPACE = "serving";
const MIN = 2;
const [USERS, FEED] = BACKENDS;
const LOCAL = YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.local.yaml"), "utf8"))
    .config as Record<string, unknown>;
/** The local stack, in its own namespace, with images the node has loaded (no registry). */
const CONFIG = {
    ...LOCAL,
    "orchestration:namespace": NAMESPACE,
    "orchestration:minReplicas": MIN,
    "orchestration:maxReplicas": 4,
    "orchestration:imagePullPolicy": "IfNotPresent",
};
const REQUESTS = 60;
/** The bounds of a load that spans a \`pulumi up\`: requests, and milliseconds. */
const LOAD_REQUESTS = 200_000;
const LOAD_MS = 600_000;

/** A failure message with what a loop saw. */
const seen = (r: LoopResult) => JSON.stringify(r);

describe("real pods serving real traffic (the program on the real node)", function () {
    this.timeout(900_000);
    let kube: Kube;
    let pulumi: PulumiCli;
    let node: RealNode;
    let kwokNodes: string[] = [];
    let stack: StackRef | undefined;
    let proxyUrl: string;

    before(async function () {
        const env = requireRealNode(this);
        ({ node, pulumi } = env);
        kube = env.cluster.kube;
        kwokNodes = env.cluster.nodes.map((n) => n.name);
        await claimRealNode(kube, node.plan, kwokNodes);
        const dir = fs.mkdtempSync(path.join(env.workDir, "realnode-"));
        stack = {
            cwd: PROJECT_ROOT,
            stack: "realnode",
            configFile: path.join(dir, "Pulumi.realnode.yaml"),
        };
        await pulumi.init(stack, CONFIG);
        const start = performance.now();
        await pulumi.up(stack, { preview: true });
        recordFigure("pulumi up, program on the real node", secondsSince(start));
        const svc = await kube.get("service", PROXY.serviceName, NAMESPACE);
        proxyUrl = `http://${svc.spec.clusterIP}:${PROXY.port}`;
        await proxyAnswers();
    });

    after(async function () {
        await pulumi?.cleanUp(stack);
        if (node) await releaseRealNode(kube, node.plan, kwokNodes);
    });

    /** What a loop saw; when a request failed, the proxy's error log too. */
    const seenWithLogs = (r: LoopResult) => {
        if (r.failed === 0) return seen(r);
        const errors = podLogLines(
            node.plan,
            NAMESPACE,
            PROXY.name,
            /\[(error|crit|alert|emerg)\]/,
        );
        return `${seen(r)}\nproxy errors:\n${errors.join("\n")}`;
    };
    // After a failed step, each container's restarts and last state (an OOM kill, say).
    afterEach(async function () {
        if (this.currentTest?.state !== "failed" || !kube) return;
        const pods: KubeObject[] = await kube.get("pods", undefined, NAMESPACE).catch(() => []);
        const restarts = JSON.stringify(
            pods.flatMap((p) =>
                (p.status.containerStatuses ?? []).map((c: any) => [
                    p.metadata.name,
                    c.restartCount,
                    c.lastState,
                ]),
            ),
        );
        console.log(`      (pods after the failure: ${restarts})`);
    });

    /** Waits until the proxy's ClusterIP answers (its Service skips the provider's await, and kube-proxy follows the endpoints). */
    const proxyAnswers = () =>
        waitFor("the proxy's ClusterIP to answer", async () =>
            (await request(`${proxyUrl}${PROXY_HEALTH.readiness}`)).status === 200
                ? true
                : undefined,
        );

    /** The app's pods now, all of them. */
    const appPods = async (): Promise<KubeObject[]> => kube.get("pods", undefined, NAMESPACE);

    it("runs every pod of the app on the real node, in containerd, Ready by the kubelet's probes", async function () {
        const pods = await appPods();
        assert.ok(pods.length >= 3 * MIN, `${pods.length} pods, want >= ${3 * MIN}`);
        for (const p of pods) {
            assert.equal(
                p.spec.nodeName,
                node.plan.name,
                `${p.metadata.name} runs on ${p.spec.nodeName}`,
            );
            assert.ok(isReady(p), `${p.metadata.name} is not Ready`);
            for (const c of p.status.containerStatuses) {
                assert.match(c.containerID, /^containerd:\/\//, `${p.metadata.name}/${c.name}`);
                assert.ok(c.state.running, `${p.metadata.name}/${c.name} is not running`);
            }
        }
    });

    it("answers /api/users/ and /api/feed/ from their podinfo backends through nginx by cluster DNS, spread over the replicas", async function () {
        for (const b of BACKENDS) {
            const r = await requestLoop(`${proxyUrl}${b.prefix}`, REQUESTS);
            assert.equal(r.failed, 0, seenWithLogs(r));
            assert.deepEqual(r.byMessage, { [b.message]: REQUESTS }, seen(r));
            const ready = (await workload(kube, NAMESPACE, b.name)).readyPods.map(
                (p) => p.metadata.name,
            );
            // Each answer names its pod; every ready replica answered (2 of 60 at random: certain).
            assert.deepEqual(Object.keys(r.byHost).sort(), ready.sort(), seen(r));
        }
    });

    it("sends no request to a pod whose readiness fails (podinfo's /readyz/disable), and none fails", async function () {
        const { readyPods } = await workload(kube, NAMESPACE, USERS.name);
        const pod = readyPods[0];
        const podUrl = `http://${pod.status.podIP}:9898`;
        assert.equal((await request(`${podUrl}/readyz/disable`, 5000, "POST")).status, 202);
        try {
            await waitFor(`${pod.metadata.name} to be not Ready`, async () => {
                const p = await kube.find("pod", pod.metadata.name, NAMESPACE);
                return p && !isReady(p) ? p : undefined;
            });
            await waitEndpointsMatchPods(kube, NAMESPACE, USERS.name);
            const r = await requestLoop(`${proxyUrl}${USERS.prefix}`, REQUESTS);
            assert.equal(r.failed, 0, seenWithLogs(r));
            assert.equal(r.byHost[pod.metadata.name], undefined, seen(r));
            assert.equal(r.sent, REQUESTS);
        } finally {
            await request(`${podUrl}/readyz/enable`, 5000, "POST");
        }
        await waitRolledOut(kube, NAMESPACE, USERS.name, MIN);
    });

    it("restarts a killed container (restart count), and replaces a deleted pod with one that serves", async function () {
        const { readyPods } = await workload(kube, NAMESPACE, FEED.name);
        const victim = readyPods[0];
        const status = victim.status.containerStatuses[0];
        const id = String(status.containerID).replace("containerd://", "");
        const kill = await ctrOf(node.plan, ["tasks", "kill", "--signal", "SIGKILL", id]);
        assert.equal(kill.code, 0, kill.stderr);
        await waitFor(`${victim.metadata.name} restarted and Ready`, async () => {
            const p = await kube.find("pod", victim.metadata.name, NAMESPACE);
            const restarts = p?.status.containerStatuses[0].restartCount ?? 0;
            return p && restarts > status.restartCount && isReady(p) ? p : undefined;
        });
        await kube.run([
            "delete",
            "pod",
            readyPods[1].metadata.name,
            "-n",
            NAMESPACE,
            "--wait=false",
        ]);
        const after = await waitRolledOut(kube, NAMESPACE, FEED.name, MIN);
        const names = after.readyPods.map((p) => p.metadata.name);
        assert.ok(!names.includes(readyPods[1].metadata.name), "the deleted pod is still there");
        await waitEndpointsMatchPods(kube, NAMESPACE, FEED.name);
        const r = await requestLoop(`${proxyUrl}${FEED.prefix}`, REQUESTS);
        assert.equal(r.failed, 0, seenWithLogs(r));
        assert.deepEqual(Object.keys(r.byHost).sort(), names.sort(), seen(r));
    });

    it("rolls both backends to a new image with pulumi up under load, with 0 failed requests", async function () {
        const urls = BACKENDS.map((b) => `${proxyUrl}${b.prefix}`);
        const load = startLoad(urls, LOAD_REQUESTS, LOAD_MS);
        const start = performance.now();
        pulumi.setConfig(stack!, { ...CONFIG, "orchestration:backendImage": IMAGES.podinfoNext });
        await pulumi.up(stack!);
        recordFigure("pulumi up, rollout of both backends under load", secondsSince(start));
        const r = await load.stop();
        assert.equal(r.failed, 0, seenWithLogs(r));
        assert.ok(r.sent > 0, "the load sent nothing");
        assert.ok(r.sent < LOAD_REQUESTS, "the load reached its bound before up returned");
        for (const b of BACKENDS) {
            const w = await waitRolledOut(kube, NAMESPACE, b.name, MIN);
            for (const p of w.readyPods)
                assert.equal(p.spec.containers[0].image, IMAGES.podinfoNext);
        }
        // The old pods drain through their preStop sleep, still serving: wait until they are gone.
        await waitFor("the old backend pods to be gone", async () => {
            const pods = (await appPods()).filter((p) => p.metadata.name.startsWith("backend-"));
            return pods.every((p) => p.spec.containers[0].image === IMAGES.podinfoNext)
                ? true
                : undefined;
        });
        await waitEndpointsMatchPods(kube, NAMESPACE, USERS.name);
        const next = await requestLoop(urls[0], 20);
        assert.equal(next.failed, 0, seenWithLogs(next));
        assert.deepEqual(next.byColor, { [NEXT_COLOR]: 20 }, seen(next));
        console.log(`      (rollout under load: ${r.sent} requests, ${r.failed} failed)`);
    });

    it("scales a backend up on real CPU from load through the proxy (metrics-server reads the kubelet)", async function () {
        // A low target, so a bounded load from the host is enough: 10% of the 100m request.
        const config = { ...CONFIG, "orchestration:backendImage": IMAGES.podinfoNext };
        pulumi.setConfig(stack!, { ...config, "orchestration:targetCpuUtilization": 10 });
        await pulumi.up(stack!);
        const url = `${proxyUrl}${USERS.prefix}`;
        const loads = [startLoad([url], 100_000, 300_000), startLoad([url], 100_000, 300_000)];
        const start = performance.now();
        try {
            const hpa = await waitFor(
                `the HPA of ${USERS.name} to want more than ${MIN} pods from measured CPU`,
                async () => {
                    const h = await kube.get("hpa", USERS.name, NAMESPACE);
                    const cpu =
                        h.status?.currentMetrics?.[0]?.resource?.current?.averageUtilization;
                    return cpu !== undefined && h.status.desiredReplicas > MIN ? h : undefined;
                },
                { timeoutMs: 240_000, intervalMs: 2000 },
            );
            recordFigure("HPA scale-up on real CPU (program backend)", secondsSince(start));
            console.log(
                `      (HPA: ${JSON.stringify(hpa.status.currentMetrics[0].resource.current)}, desired ${hpa.status.desiredReplicas})`,
            );
        } finally {
            const results = await Promise.all(loads.map((l) => l.stop()));
            for (const r of results) assert.equal(r.failed, 0, seenWithLogs(r));
        }
        const w = await waitRolledOut(kube, NAMESPACE, USERS.name, MIN + 1, 180_000);
        for (const p of w.readyPods) assert.equal(p.spec.nodeName, node.plan.name);
    });

    it("keeps serving through a rollout to an image that can't start: pulumi up fails naming the container and reason, the next up recovers", async function () {
        // The HPA step's config, plus a 20 s progress deadline so up gives up soon.
        const good = {
            ...CONFIG,
            "orchestration:backendImage": IMAGES.podinfoNext,
            "orchestration:targetCpuUtilization": 10,
            "orchestration:progressDeadlineSeconds": 20,
        };
        pulumi.setConfig(stack!, good);
        await pulumi.up(stack!);
        const urls = BACKENDS.map((b) => `${proxyUrl}${b.prefix}`);
        const load = startLoad(urls, LOAD_REQUESTS, LOAD_MS);
        pulumi.setConfig(stack!, { ...good, "orchestration:backendImage": IMAGES.podinfoBroken });
        const failed = await pulumi.up(stack!, { allowFailure: true });
        const r = await load.stop();
        const output = `${failed.stdout}\n${failed.stderr}`;
        assert.notEqual(failed.code, 0, `up succeeded:\n${output}`);
        assert.match(output, /\[ProgressDeadlineExceeded\]/);
        assert.match(
            output,
            /containers with unready status: \[backend-(user|feed)\]\s*\[(RunContainerError|CrashLoopBackOff|StartError)\]/,
        );
        assert.equal(r.failed, 0, seenWithLogs(r));
        assert.ok(r.sent > 0, "the load sent nothing");
        assert.ok(r.sent < LOAD_REQUESTS, "the load reached its bound before up returned");
        assert.deepEqual(Object.keys(r.byColor), [NEXT_COLOR], "only the previous pods answered");
        console.log(`      (failed rollout under load: ${r.sent} requests, ${r.failed} failed)`);
        pulumi.setConfig(stack!, good);
        await pulumi.up(stack!);
        for (const b of BACKENDS) {
            const w = await waitRolledOut(kube, NAMESPACE, b.name, MIN);
            for (const p of w.readyPods)
                assert.equal(p.spec.containers[0].image, IMAGES.podinfoNext);
        }
    });

    it("destroys everything: no app pod, no container left on the node but the cluster DNS", async function () {
        await pulumi.destroy(stack!);
        stack = undefined;
        await waitFor(`namespace ${NAMESPACE} to be gone`, async () =>
            (await kube.find("namespace", NAMESPACE)) ? undefined : true,
        );
        const onNode = JSON.parse(
            await kube.run([
                "get",
                "pods",
                "-A",
                `--field-selector=spec.nodeName=${node.plan.name}`,
                "-o",
                "json",
            ]),
        ).items as KubeObject[];
        assert.deepEqual(
            onNode
                .map((p) => `${p.metadata.namespace}/${p.metadata.name}`)
                .filter((n) => !n.startsWith("kube-system/coredns-")),
            [],
        );
        await waitFor("containerd to hold only the DNS pod's containers", async () => {
            const r = await ctrOf(node.plan, ["containers", "ls", "-q"]);
            return r.stdout.trim().split("\n").filter(Boolean).length <= 2 ? true : undefined;
        });
    });

    it("dropped no packet at the egress guard", async function () {
        assert.deepEqual(await node.guardCounters(), { pod_egress: 0, range_egress: 0 });
    });
});
