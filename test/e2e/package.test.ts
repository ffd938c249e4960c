/**
 * The package, for real: the packed tarball installed into a separate
 * consumer project (test/e2e/consumer), deployed with the real engine to the
 * e2e cluster. It proves what only the API server and the controllers decide:
 * the HPA scaling on metrics, and switching a live service between an HPA and
 * a fixed replica count under server-side apply.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { waitForStep } from "../../e2e/eventLog";
import { settle, startUp } from "../../e2e/faults";
import { recordFigure } from "../../e2e/figures";
import { Cluster, restoreNodes, setNodeAllocatable } from "../../e2e/cluster";
import { containerEnvironment } from "../../e2e/environment";
import { Kube, KubeObject } from "../../e2e/kube";
import { secondsSince, waitFor } from "../../e2e/proc";
import { previewed, PulumiCli, StackRef } from "../../e2e/pulumi";
import { runRecover, stateVersusCluster } from "../../e2e/recover";
import { destroyWithoutTrace } from "../../e2e/traces";
import {
    annotateReadyPods,
    evictPod,
    podZones,
    rolledOut,
    waitEndpointsMatchPods,
    selectorOf,
    waitRolledOut,
    watchReadyPods,
    workload,
} from "../../e2e/workloads";
import { installConsumer, packPackage, run } from "../packing";
import { requireE2e } from "./fixture";

const NAMESPACE = "consumer";
const NAME = "podinfo";
const MIN = 2;
const MAX = 4;
const FIXED = 3;
const API_TOKEN = "e2e-token-4f1d9c";
const ROTATED_TOKEN = "e2e-token-rotated-7b3e05";
const KILLED_TOKEN = "e2e-token-killed-2c8a41";
const VERBATIM_TOKENS = ["e2e-token-verbatim-1-c41d", "e2e-token-verbatim-2-9e0a"];

describe("the packed package in a consumer project, on a real control plane", function () {
    this.timeout(900_000);
    let kube: Kube;
    let pulumi: PulumiCli;
    let kubectl: string;
    let cluster: Cluster;
    let stack: StackRef;

    const setConfig = async (key: string, value?: number) => {
        await pulumi.run(stack.cwd, [
            "config",
            ...(value === undefined ? ["rm", key] : ["set", key, String(value)]),
            "--stack",
            stack.stack,
        ]);
    };
    const setSecret = async (value: string) => {
        await pulumi.run(stack.cwd, [
            "config",
            "set",
            "--secret",
            "apiToken",
            value,
            "--stack",
            stack.stack,
        ]);
    };
    const deployment = (): Promise<KubeObject> => kube.get("deployment", NAME, NAMESPACE);

    before(async function () {
        const env = requireE2e(this);
        cluster = env.cluster;
        kube = env.cluster.kube;
        pulumi = env.pulumi;
        kubectl = env.toolchain.bin("kubectl");
        const dir = fs.mkdtempSync(path.join(env.workDir, "consumer-"));
        for (const file of ["Pulumi.yaml", "index.ts", "tsconfig.json"]) {
            fs.copyFileSync(path.join(__dirname, "consumer", file), path.join(dir, file));
        }
        installConsumer(dir, packPackage(dir));
        run(path.join(dir, "node_modules", ".bin", "tsc"), ["-p", "."], dir);
        stack = { cwd: dir, stack: "e2e" };
        await pulumi.init(stack);
        await pulumi.run(dir, ["config", "set", "namespace", NAMESPACE, "--stack", stack.stack]);
        await setSecret(API_TOKEN);
        const start = performance.now();
        // Through a preview, as a user's first `up` goes: the Namespace and the Secret don't exist yet.
        const up = await pulumi.up(stack, { preview: true });
        recordFigure(
            "pulumi up, consumer project (one ScalableService, with its preview)",
            secondsSince(start),
        );
        assert.ok(previewed(up.stdout), "the first up ran no preview");
    });

    after(async function () {
        await pulumi?.cleanUp(stack);
    });

    it("deploys a ready ScalableService whose outputs name its Service", async function () {
        const w = await workload(kube, NAMESPACE, NAME);
        assert.ok(w.readyPods.length >= MIN, `${w.readyPods.length} ready pods right after up`);
        await waitEndpointsMatchPods(kube, NAMESPACE, NAME);
        const hpa = await kube.get("hpa", NAME, NAMESPACE);
        assert.equal(hpa.spec.scaleTargetRef.name, NAME);
        assert.deepEqual(await pulumi.outputs(stack), {
            serviceName: NAME,
            url: `http://${NAME}.${NAMESPACE}.svc.cluster.local:80`,
        });
    });

    it("keeps a Pulumi secret out of the Deployment: an owned Secret, referenced by secretKeyRef", async function () {
        const live = JSON.stringify(await deployment());
        assert.ok(!live.includes(API_TOKEN), "the secret is in the Deployment");
        assert.ok(
            !live.includes(Buffer.from(API_TOKEN).toString("base64")),
            "its base64 is in the Deployment",
        );
        const env = (await deployment()).spec.template.spec.containers[0].env as KubeObject[];
        const ref = env.find((e) => e.name === "API_TOKEN")?.valueFrom?.secretKeyRef;
        assert.ok(ref, `API_TOKEN is not a secretKeyRef: ${JSON.stringify(env)}`);
        const secret = await kube.get("secret", ref.name, NAMESPACE);
        assert.equal(Buffer.from(secret.data[ref.key], "base64").toString(), API_TOKEN);
        assert.deepEqual(
            env.find((e) => e.name === "LOG_LEVEL"),
            { name: "LOG_LEVEL", value: "info" },
        );
    });

    it("rotates a secret env value: pulumi up rolls new pods that reference a Secret holding the new value, no Secret keeps the old one, and the state holds it only encrypted", async function () {
        const b64 = (v: string) => Buffer.from(v).toString("base64");
        const selector = selectorOf(await deployment());
        const oldPods = new Set(
            (await workload(kube, NAMESPACE, NAME)).readyPods.map((p) => p.metadata.name),
        );
        const oldHashes = new Set(
            (await kube.pods(NAMESPACE, selector)).map(
                (p) => p.metadata.labels["pod-template-hash"],
            ),
        );
        await setSecret(ROTATED_TOKEN);
        await pulumi.up(stack);

        // The pods rolled: every ready pod is new, from a pod template the old pods didn't have.
        const rolled = await waitRolledOut(kube, NAMESPACE, NAME, MIN);
        for (const p of rolled.readyPods) {
            assert.ok(!oldPods.has(p.metadata.name), `${p.metadata.name} did not roll`);
            assert.ok(
                !oldHashes.has(p.metadata.labels["pod-template-hash"]),
                `${p.metadata.name} has the old pod template`,
            );
            // What each running pod reads: its own env's reference, resolved through the API.
            const ref = (p.spec.containers[0].env as KubeObject[]).find(
                (e) => e.name === "API_TOKEN",
            )?.valueFrom?.secretKeyRef;
            assert.ok(ref, `${p.metadata.name}: API_TOKEN is not a secretKeyRef`);
            const secret = await kube.get("secret", ref.name, NAMESPACE);
            assert.equal(Buffer.from(secret.data[ref.key], "base64").toString(), ROTATED_TOKEN);
        }
        const secrets: KubeObject[] = await kube.get("secret", undefined, NAMESPACE);
        const holdingOld = secrets.filter((x) =>
            Object.values((x.data ?? {}) as Record<string, string>).includes(b64(API_TOKEN)),
        );
        assert.deepEqual(
            holdingOld.map((x) => x.metadata.name),
            [],
            "a Secret still holds the old value",
        );

        // The state: no value in plaintext or base64, yet the new one is there, encrypted.
        const exported = (await pulumi.run(stack.cwd, ["stack", "export", "--stack", stack.stack]))
            .stdout;
        for (const [what, text] of [
            ["the old value", API_TOKEN],
            ["the old value's base64", b64(API_TOKEN)],
            ["the new value", ROTATED_TOKEN],
            ["the new value's base64", b64(ROTATED_TOKEN)],
        ]) {
            assert.ok(!exported.includes(text), `pulumi stack export shows ${what}`);
        }
        const shown = (
            await pulumi.run(stack.cwd, [
                "stack",
                "export",
                "--show-secrets",
                "--stack",
                stack.stack,
            ])
        ).stdout;
        // The Secret's data is base64 (as the API takes it), so that is the form the state holds.
        assert.ok(
            shown.includes(ROTATED_TOKEN) || shown.includes(b64(ROTATED_TOKEN)),
            "pulumi stack export --show-secrets lacks the new value",
        );
    });

    it("leaks no env Secret when a rotation's engine is SIGKILLed once the new Secret exists: after npm run recover (--orphans delete) and the next up, exactly one env Secret remains, holding the new value, and no labelled object is outside the state", async function () {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rotation-kill-"));
        const envSecrets = async () =>
            ((await kube.get("secret", undefined, NAMESPACE)) as KubeObject[])
                .filter((x) => x.metadata.labels?.["orchestration/stack"] === stack.stack)
                .map((x) => x.metadata.name as string);
        const before = await envSecrets();
        assert.equal(before.length, 1, `env Secrets before: ${before.join(", ")}`);
        await setSecret(KILLED_TOKEN);
        const up = startUp(pulumi, stack, dir, "rotation-kill");
        try {
            await waitForStep(up.eventLog, up.running, {
                op: "create-replacement",
                type: "kubernetes:core/v1:Secret",
            });
            // Kill once the new Secret exists: whether or not the engine saved it yet,
            // the old and the new name must not both outlive the recovery.
            await waitFor("the replacement env Secret", async () =>
                (await envSecrets()).length > 1 ? true : undefined,
            );
        } finally {
            up.running.signal("SIGKILL");
        }
        const settled = await settle(up.running, pulumi.env.PULUMI_HOME!);
        assert.equal(settled.signal, "SIGKILL", "the up ended before the kill");

        const r = await runRecover(pulumi, stack, ["--orphans", "delete"]);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        await pulumi.up(stack);
        await pulumi.preview(stack, ["--expect-no-changes"]);
        const after = await envSecrets();
        assert.equal(after.length, 1, `env Secrets after: ${after.join(", ")}`);
        const rolled = await waitRolledOut(kube, NAMESPACE, NAME, MIN);
        const container = rolled.deployment.spec.template.spec.containers[0];
        assert.equal(
            (await containerEnvironment(kube, NAMESPACE, container)).API_TOKEN,
            KILLED_TOKEN,
        );
        assert.deepEqual(
            await stateVersusCluster(pulumi, kube, stack, "scalable-service-consumer"),
            { orphans: [], lost: [] },
        );
    });

    it("rolls the pods on a secret change even when the stack's auto-naming keeps the Secret's name (verbatim)", async function () {
        const config = (args: string[]) =>
            pulumi.run(stack.cwd, ["config", ...args, "--stack", stack.stack]);
        await config(["set", "--path", "pulumi:autonaming.mode", "verbatim"]);
        try {
            const rotate = async (value: string) => {
                const before = (await kube.pods(NAMESPACE, selectorOf(await deployment()))).map(
                    (p) => p.metadata.labels["pod-template-hash"],
                );
                await setSecret(value);
                await pulumi.up(stack);
                const rolled = await waitRolledOut(kube, NAMESPACE, NAME, MIN);
                const container = rolled.deployment.spec.template.spec.containers[0];
                const ref = (container.env as KubeObject[]).find((e) => e.name === "API_TOKEN")
                    ?.valueFrom?.secretKeyRef;
                const env = await containerEnvironment(kube, NAMESPACE, container);
                assert.equal(env.API_TOKEN, value);
                for (const p of rolled.readyPods) {
                    assert.ok(
                        !before.includes(p.metadata.labels["pod-template-hash"]),
                        `${p.metadata.name} did not roll`,
                    );
                }
                return ref.name as string;
            };
            // The first replacement under verbatim naming takes the logical name; the second keeps it.
            const first = await rotate(VERBATIM_TOKENS[0]);
            const second = await rotate(VERBATIM_TOKENS[1]);
            assert.equal(second, first, "the Secret's name changed: naming was not verbatim");
        } finally {
            await config(["rm", "pulumi:autonaming"]);
        }
    });

    it("puts podLabels and podAnnotations on the pods, while the Service still selects them", async function () {
        const w = await workload(kube, NAMESPACE, NAME);
        for (const p of w.readyPods) {
            assert.equal(p.metadata.labels.team, "e2e");
            assert.equal(p.metadata.annotations["prometheus.io/scrape"], "true");
        }
        await waitEndpointsMatchPods(kube, NAMESPACE, NAME);
    });

    it("spreads hard over zones: with room left only in a zone that holds a replica, a replacement stays Pending on the topology spread, then lands in an empty zone once one has room", async function () {
        // Soft spread (ScheduleAnyway) would put the replacement beside the surviving replica,
        // on the only node with room; hard spread (DoNotSchedule, maxSkew 1) must refuse it.
        // The other zones are made full, not tainted or cordoned: with nodeTaintsPolicy Honor a
        // tainted node leaves the skew count, and hard and soft would agree again.
        const w = await workload(kube, NAMESPACE, NAME);
        assert.equal(w.readyPods.length, MIN);
        const zones = await podZones(kube, w.readyPods);
        assert.equal(new Set(zones).size, MIN, `replicas share a zone: ${zones.join(", ")}`);
        const [keeper, victim] = w.readyPods.map((p) => p.metadata.name as string);
        const keptZone = zones[0];
        const request = w.deployment.spec.template.spec.containers[0].resources.requests.cpu;
        assert.equal(request, "100m");
        const full = cluster.nodes.filter((n) => n.zone !== keptZone);
        assert.ok(full.length >= 2, "a zone with a replica and an empty zone to fill");
        let outcome: { pod: KubeObject; scheduled: boolean };
        try {
            for (const n of full) await setNodeAllocatable(kube, n.name, { cpu: "10m" });
            // Let the scheduler's informer see the nodes' new allocatable before the pod goes.
            await new Promise((r) => setTimeout(r, 1000));
            await kube.run(["delete", "pod", victim, "-n", NAMESPACE, "--wait=false"]);
            outcome = await waitFor(
                `the scheduler's verdict on ${victim}'s replacement`,
                async () => {
                    const pod = (await kube.pods(NAMESPACE, selectorOf(w.deployment))).find(
                        (p) =>
                            !p.metadata.deletionTimestamp &&
                            ![keeper, victim].includes(p.metadata.name),
                    );
                    if (pod?.spec.nodeName) return { pod, scheduled: true };
                    const c = (pod?.status?.conditions ?? []).find(
                        (x: KubeObject) => x.type === "PodScheduled",
                    );
                    return pod && c?.status === "False" && c.reason === "Unschedulable"
                        ? { pod, scheduled: false }
                        : undefined;
                },
                { timeoutMs: 30_000 },
            );
            const { pod, scheduled } = outcome;
            const placed = scheduled ? (await podZones(kube, [pod]))[0] : "none";
            assert.ok(
                !scheduled,
                `the replacement was scheduled on ${pod.spec.nodeName} in ${placed}`,
            );
            const message = (pod.status.conditions as KubeObject[]).find(
                (x) => x.type === "PodScheduled",
            )!.message as string;
            // e.g. "0/3 nodes are available: 1 node(s) didn't match pod topology spread
            // constraints, 2 Insufficient cpu."
            assert.match(message, /1 node\(s\) didn't match pod topology spread constraints/);
            assert.match(message, new RegExp(`${full.length} Insufficient cpu`));
        } finally {
            await restoreNodes(kube, cluster.nodes);
        }
        const healed = await waitRolledOut(kube, NAMESPACE, NAME, MIN, 60_000);
        const replacement = healed.readyPods.find(
            (p) => p.metadata.name === outcome.pod.metadata.name,
        );
        assert.ok(replacement, `the Pending pod is not among the ready ones once nodes have room`);
        const after = await podZones(kube, healed.readyPods);
        assert.equal(new Set(after).size, MIN, `replicas share a zone: ${after.join(", ")}`);
        assert.notEqual((await podZones(kube, [replacement]))[0], keptZone);
    });

    it("has its hard zone spread stored with nodeTaintsPolicy Honor (the API server kept the field)", async function () {
        const spread = (await deployment()).spec.template.spec.topologySpreadConstraints.find(
            (c: KubeObject) => c.topologyKey === "topology.kubernetes.io/zone",
        );
        assert.equal(spread.whenUnsatisfiable, "DoNotSchedule");
        assert.equal(spread.maxSkew, 1);
        assert.equal(spread.nodeTaintsPolicy, "Honor");
    });

    it("has its Ingress accepted by the API server, routing the host to the Service's port", async function () {
        const ingress = await kube.get("ingress", NAME, NAMESPACE);
        assert.equal(ingress.spec.ingressClassName, "alb");
        assert.equal(ingress.spec.rules[0].host, "podinfo.example.test");
        assert.deepEqual(ingress.spec.rules[0].http.paths[0].backend, {
            service: { name: NAME, port: { number: 80 } },
        });
    });

    it("scales up on CPU above the target, and back down when it falls", async function () {
        // The HPA needs metrics first: metrics-server scrapes the simulated kubelets every 15 s.
        await waitFor(
            "the HPA to read CPU utilization",
            async () => {
                const hpa = await kube.get("hpa", NAME, NAMESPACE);
                const cpu = (hpa.status?.currentMetrics ?? [])[0]?.resource?.current
                    ?.averageUtilization;
                return typeof cpu === "number" ? cpu : undefined;
            },
            { timeoutMs: 180_000, intervalMs: 1000 },
        );
        // KWOK reports the usage the annotation names: 200m of a 100m request is 200%, target 50%.
        await annotateReadyPods(kube, NAMESPACE, NAME, "kwok.x-k8s.io/usage-cpu=200m");
        let start = performance.now();
        await waitFor(
            `a scale-up to ${MAX}`,
            async () => ((await deployment()).spec.replicas === MAX ? true : undefined),
            {
                timeoutMs: 180_000,
                intervalMs: 1000,
            },
        );
        const scaled = await waitRolledOut(kube, NAMESPACE, NAME, MAX);
        recordFigure(`HPA scale-up ${MIN} -> ${MAX} (consumer)`, secondsSince(start));
        const zones = await podZones(kube, scaled.readyPods);
        const perZone = [...new Set(zones)].map((z) => zones.filter((x) => x === z).length);
        assert.ok(
            Math.max(...perZone) - Math.min(...perZone) <= 1,
            `zone skew above 1: ${zones.join(", ")}`,
        );

        await annotateReadyPods(kube, NAMESPACE, NAME, "kwok.x-k8s.io/usage-cpu-");
        start = performance.now();
        await waitFor(
            `a scale-down to ${MIN}`,
            async () => ((await deployment()).spec.replicas === MIN ? true : undefined),
            {
                timeoutMs: 300_000,
                intervalMs: 1000,
            },
        );
        recordFigure(
            `HPA scale-down ${MAX} -> ${MIN} (consumer, no stabilization window)`,
            secondsSince(start),
        );
    });

    it("applies a switch to a fixed count equal to the one it was created with, after the HPA moved it", async function () {
        // The Deployment was created at MIN; the HPA scales it to MAX. Setting `replicas`
        // to MIN leaves the Deployment's spec as it was registered, so only the scaling
        // annotation tells the provider there is something to apply.
        await annotateReadyPods(kube, NAMESPACE, NAME, "kwok.x-k8s.io/usage-cpu=200m");
        await waitFor(
            `a scale-up to ${MAX}`,
            async () => ((await deployment()).spec.replicas === MAX ? true : undefined),
            { timeoutMs: 180_000, intervalMs: 1000 },
        );
        await setConfig("replicas", MIN);
        await pulumi.up(stack);
        assert.equal(await kube.find("hpa", NAME, NAMESPACE), undefined, "the HPA is gone");
        const fixed = await waitRolledOut(kube, NAMESPACE, NAME, MIN);
        assert.equal(fixed.deployment.spec.replicas, MIN);
        await pulumi.preview(stack, ["--expect-no-changes"]);

        // Back to the HPA, with no usage left on the pods, for the next case.
        await annotateReadyPods(kube, NAMESPACE, NAME, "kwok.x-k8s.io/usage-cpu-");
        await setConfig("replicas");
        await pulumi.up(stack);
        // Settled for the next case: the HPA reads the pods' CPU, below its 50% target, and holds MIN.
        await waitFor(
            `the HPA back, reading CPU below its target, at ${MIN} replicas`,
            async () => {
                const hpa = await kube.find("hpa", NAME, NAMESPACE);
                const cpu = (hpa?.status?.currentMetrics ?? [])[0]?.resource?.current
                    ?.averageUtilization;
                const desired = hpa?.status?.desiredReplicas;
                const replicas = (await deployment()).spec.replicas;
                if (typeof cpu === "number" && cpu < 50 && desired === MIN && replicas === MIN) {
                    return true;
                }
                // Thrown, not returned: waitFor names the last state it saw when it times out.
                throw new Error(`HPA CPU ${cpu}%, desired ${desired}; Deployment ${replicas}`);
            },
            { timeoutMs: 180_000, intervalMs: 1000 },
        );
    });

    it("switches a live service from an HPA to a fixed count and back, never dipping in between", async function () {
        const selector = selectorOf(await deployment());
        // HPA -> fixed: the HPA controller owns spec.replicas; the apply must still win.
        await setConfig("replicas", FIXED);
        let stop = await watchReadyPods(kube, kubectl, NAMESPACE, selector);
        await pulumi.up(stack);
        let seen = await stop();
        assert.equal(await kube.find("hpa", NAME, NAMESPACE), undefined, "the HPA is gone");
        const fixed = await waitRolledOut(kube, NAMESPACE, NAME, FIXED);
        assert.equal(fixed.deployment.spec.replicas, FIXED);
        assert.ok(seen.min >= MIN, `ready pods dipped to ${seen.min}`);
        await pulumi.preview(stack, ["--expect-no-changes"]);
        await pulumi.refresh(stack, ["--expect-no-changes"]);

        // fixed -> HPA: dropping spec.replicas must not reset the Deployment to one pod.
        await setConfig("replicas");
        stop = await watchReadyPods(kube, kubectl, NAMESPACE, selector);
        await pulumi.up(stack);
        const hpa = await kube.get("hpa", NAME, NAMESPACE);
        assert.equal(hpa.spec.minReplicas, MIN);
        seen = await stop();
        assert.ok(seen.min >= MIN, `ready pods dipped to ${seen.min} on the switch back`);
        const back = await waitRolledOut(kube, NAMESPACE, NAME, MIN);
        assert.ok(back.deployment.spec.replicas >= MIN && back.deployment.spec.replicas <= MAX);
        await pulumi.preview(stack, ["--expect-no-changes"]);
    });

    it("never lets its PDB block a drain: at an HPA minimum of 1, the one pod is evictable", async function () {
        await setConfig("minReplicas", 1);
        await pulumi.up(stack);
        // No CPU load and no stabilization window: the HPA brings the Deployment down to 1.
        const one = await waitFor(
            "the HPA to bring the Deployment down to 1 ready pod",
            async () => {
                const w = await workload(kube, NAMESPACE, NAME);
                const replicas = w.deployment.spec.replicas;
                if (replicas === 1 && rolledOut(w.deployment) && w.readyPods.length === 1) {
                    return w;
                }
                throw new Error(`${replicas} replicas, ${w.readyPods.length} ready pods`);
            },
            { timeoutMs: 180_000, intervalMs: 1000 },
        );
        await waitFor("the PDB to expect 1 pod and allow 1 disruption", async () => {
            // The component's only PDB in the namespace (its name has Pulumi's suffix).
            const [pdb] = await kube.get("pdb", undefined, NAMESPACE);
            const { expectedPods, disruptionsAllowed } = pdb?.status ?? {};
            if (expectedPods === 1 && disruptionsAllowed === 1) {
                return pdb;
            }
            throw new Error(
                `expectedPods ${expectedPods}, disruptionsAllowed ${disruptionsAllowed}`,
            );
        });
        const pod = one.readyPods[0].metadata.name as string;
        const eviction = await evictPod(kube, NAMESPACE, pod);
        assert.equal(eviction.code, 0, `the eviction was refused: ${eviction.stderr}`);
        await waitFor(`a replacement for ${pod}`, async () => {
            const w = await workload(kube, NAMESPACE, NAME);
            return w.readyPods.length === 1 && w.readyPods[0].metadata.name !== pod ? w : undefined;
        });

        await setConfig("minReplicas");
        await pulumi.up(stack);
        await waitRolledOut(kube, NAMESPACE, NAME, MIN);
    });

    it("is destroyed without a trace: no object labelled as the service's in any namespace, its namespace gone, the state empty", async function () {
        await destroyWithoutTrace(kube, {
            serviceNames: [NAME],
            kinds: [
                "Deployment",
                "HorizontalPodAutoscaler",
                "Ingress",
                "NetworkPolicy",
                "Pod",
                "PodDisruptionBudget",
                "ReplicaSet",
                "Secret",
                "Service",
                "ServiceAccount",
            ],
            namespacesGone: [NAMESPACE],
            destroy: () => pulumi.destroy(stack),
        });
        assert.deepEqual(await pulumi.resourceUrns(stack), []);
    });
});
