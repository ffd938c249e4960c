/**
 * The program, for real: `pulumi up` of the compiled program (bin/index.js)
 * with a real engine and the real Kubernetes provider on a real control plane
 * (KWOK: real etcd, API server, controller manager and scheduler; simulated
 * nodes), then the seed's kubectl workflow asserted through the API server.
 * The steps run in order and share one stack; `after` destroys it whatever failed.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { recordFigure } from "../../e2e/figures";
import { Kube, KubeObject } from "../../e2e/kube";
import { secondsSince, waitFor } from "../../e2e/proc";
import { previewed, PulumiCli, StackRef, summary } from "../../e2e/pulumi";
import { destroyWithoutTrace, SERVICE_KINDS } from "../../e2e/traces";
import {
    annotateReadyPods,
    evictPod,
    podZones,
    waitEndpointsMatchPods,
    selectorOf,
    waitRolledOut,
    watchReadyPods,
    workload,
} from "../../e2e/workloads";
import { runProgram } from "../../program/evaluate";
import { PROJECT_ROOT } from "../../program/stackFiles";
import { requireE2e } from "./fixture";

const NAMESPACE = "apps";
const MIN = 2;
const MAX = 4;
/** The e2e stack: the shipped local stack, with a minimum that makes PDBs, on the e2e cluster. */
const E2E_CONFIG = {
    ...(YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.local.yaml"), "utf8"))
        .config as Record<string, unknown>),
    "orchestration:namespace": NAMESPACE,
    "orchestration:minReplicas": MIN,
    "orchestration:maxReplicas": MAX,
};
const DEPLOYMENTS = ["backend-user", "backend-feed", "reverseproxy-svc"];

describe("the program on a real control plane (pulumi up of the local platform)", function () {
    this.timeout(900_000);
    let kube: Kube;
    let pulumi: PulumiCli;
    let kubectl: string;
    let stack: StackRef;
    let upOutput: string;

    before(async function () {
        const env = requireE2e(this);
        kube = env.cluster.kube;
        pulumi = env.pulumi;
        kubectl = env.toolchain.bin("kubectl");
        const dir = fs.mkdtempSync(path.join(env.workDir, "program-"));
        stack = {
            cwd: PROJECT_ROOT,
            stack: "e2e",
            configFile: path.join(dir, "Pulumi.e2e.yaml"),
        };
        await pulumi.init(stack, E2E_CONFIG);
        const start = performance.now();
        // Through a preview, as a user's first `up` goes: the objects don't exist yet.
        upOutput = (await pulumi.up(stack, { preview: true })).stdout;
        recordFigure("pulumi up, program (first, with its preview)", secondsSince(start));
        assert.ok(previewed(upOutput), "the first up ran no preview");
    });

    after(async function () {
        await pulumi?.cleanUp(stack);
    });

    it("creates exactly what the mocked evaluation of the same config registers", async function () {
        const mocked = await runProgram("e2e", E2E_CONFIG);
        assert.equal(mocked.error, undefined);
        const typeAndName = (type: string, name: string) => `${type}::${name}`;
        const isOwn = (t: string) => !t.startsWith("pulumi:");
        const expected = mocked.mocks.resources
            .map((r) => typeAndName(r.type, r.name))
            .filter(isOwn)
            .sort();
        const urns = await pulumi.resourceUrns(stack);
        // urn:pulumi:<stack>::<project>::<parent types $ type>::<name>
        const real = urns
            .map((urn) => {
                const [, , types, name] = urn.split("::");
                return typeAndName(types.split("$").pop()!, name);
            })
            .filter(isOwn)
            .sort();
        assert.deepEqual(real, expected);
        assert.equal(
            summary(upOutput).created,
            urns.length,
            "up created every resource in the state",
        );
    });

    it("returns with every Deployment Available at its HPA minimum of ready pods, spread over nodes", async function () {
        // Read at once: `pulumi up` itself must not return before the minimum is ready.
        for (const name of DEPLOYMENTS) {
            const w = await workload(kube, NAMESPACE, name);
            assert.ok(
                w.readyPods.length >= MIN,
                `${name}: ${w.readyPods.length} ready pods right after up, want >= ${MIN}`,
            );
            assert.ok(
                w.nodes.size >= 2,
                `${name}: its pods share one node (${[...w.nodes].join(", ")})`,
            );
            // The soft zone spread, as the scheduler applied it (one zone per node here).
            const zones = new Set(await podZones(kube, w.readyPods));
            assert.ok(
                zones.size >= 2,
                `${name}: its pods share one zone (${[...zones].join(", ")})`,
            );
        }
    });

    it("gives every Service ready endpoints, exactly the ready pods' addresses", async function () {
        // The Services skip the provider's await, so allow the endpoint controller a moment.
        for (const name of DEPLOYMENTS) {
            await waitEndpointsMatchPods(kube, NAMESPACE, name);
        }
    });

    it("points each HPA at its Deployment with the configured minimum and maximum", async function () {
        const hpas: KubeObject[] = await kube.get("hpa", undefined, NAMESPACE);
        assert.deepEqual(hpas.map((h) => h.metadata.name).sort(), [...DEPLOYMENTS].sort());
        for (const h of hpas) {
            assert.deepEqual(h.spec.scaleTargetRef, {
                apiVersion: "apps/v1",
                kind: "Deployment",
                name: h.metadata.name,
            });
            assert.equal(h.spec.minReplicas, MIN);
            assert.equal(h.spec.maxReplicas, MAX);
        }
    });

    it("guards each service with a PodDisruptionBudget over exactly its pods", async function () {
        const pdbs: KubeObject[] = await kube.get("pdb", undefined, NAMESPACE);
        assert.equal(pdbs.length, DEPLOYMENTS.length);
        for (const name of DEPLOYMENTS) {
            const d = await kube.get("deployment", name, NAMESPACE);
            const pdb = pdbs.find((p) => p.metadata.name === name);
            assert.ok(pdb, `${name} has no PDB`);
            assert.deepEqual(pdb.spec.selector, d.spec.selector);
            assert.equal(pdb.spec.maxUnavailable, 1);
            assert.equal(pdb.status.expectedPods, d.status.replicas);
        }
    });

    it("runs in a namespace that enforces Pod Security restricted, and the app's pods were admitted under it", async function () {
        const ns = await kube.get("namespace", NAMESPACE);
        assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
        const root = {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: "root-probe", namespace: NAMESPACE },
            spec: {
                containers: [
                    { name: "c", image: "busybox", securityContext: { privileged: true } },
                ],
            },
        };
        const refused = await kube.attempt(["create", "--dry-run=server", "-f", "-"], {
            input: JSON.stringify(root),
        });
        assert.notEqual(refused.code, 0, "the API server admitted a privileged pod");
        assert.match(refused.stderr, /violates PodSecurity "restricted/);
        const pods: KubeObject[] = await kube.get("pods", undefined, NAMESPACE);
        assert.ok(pods.length >= DEPLOYMENTS.length * MIN);
    });

    it("is idempotent: preview and refresh right after up find no changes", async function () {
        const start = performance.now();
        await pulumi.preview(stack, ["--expect-no-changes"]);
        recordFigure("pulumi preview, no changes", secondsSince(start));
        await pulumi.refresh(stack, ["--expect-no-changes"]);
    });

    it("heals: a deleted pod is replaced and the Deployment is back to full readiness", async function () {
        const before = await workload(kube, NAMESPACE, "backend-user");
        const victim = before.readyPods[0].metadata.name as string;
        const start = performance.now();
        await kube.run(["delete", "pod", victim, "-n", NAMESPACE, "--wait=false"]);
        await waitFor("the deleted pod to be replaced", async () => {
            const w = await workload(kube, NAMESPACE, "backend-user");
            const names = w.readyPods.map((p) => p.metadata.name as string);
            return !names.includes(victim) && w.readyPods.length === before.readyPods.length
                ? w
                : undefined;
        });
        recordFigure("self-healing: deleted pod replaced and ready", secondsSince(start));
    });

    it("rolls a new image out with no loss of capacity: a watch sees ready pods stay between the desired count and one above it, and only new pods of a new ReplicaSet end ready", async function () {
        const d = await kube.get("deployment", "backend-user", NAMESPACE);
        const replicas = d.spec.replicas as number;
        const oldImage = d.spec.template.spec.containers[0].image as string;
        const newImage = "stefanprodan/podinfo:6.7.0";
        assert.notEqual(oldImage, newImage);
        const oldPods = new Set(
            (await workload(kube, NAMESPACE, "backend-user")).readyPods.map(
                (p) => p.metadata.name as string,
            ),
        );
        pulumi.setConfig(stack, { ...E2E_CONFIG, "orchestration:backendImage": newImage });
        const stop = await watchReadyPods(kube, kubectl, NAMESPACE, selectorOf(d));
        const start = performance.now();
        await pulumi.up(stack);
        recordFigure("pulumi up, rolling update of two backends", secondsSince(start));
        const after = await waitRolledOut(kube, NAMESPACE, "backend-user", replicas);
        const seen = await stop();

        // The rollout completed with new pods only, from a new ReplicaSet; the old one is at zero.
        assert.equal(after.deployment.spec.replicas, replicas, "the desired count moved");
        assert.equal(after.readyPods.length, replicas);
        const replicaSets: KubeObject[] = await kube.get("rs", undefined, NAMESPACE);
        const owned = replicaSets.filter(
            (rs) => rs.metadata.ownerReferences?.[0]?.name === "backend-user",
        );
        assert.equal(owned.length, 2, "a new ReplicaSet beside the old one");
        const current = owned.filter((rs) => rs.spec.replicas > 0);
        assert.equal(current.length, 1, "the old ReplicaSet scaled to zero");
        const hash = current[0].metadata.labels["pod-template-hash"] as string;
        assert.equal(current[0].spec.template.spec.containers[0].image, newImage);
        for (const p of after.readyPods) {
            assert.ok(!oldPods.has(p.metadata.name), `${p.metadata.name} is an old pod`);
            assert.equal(p.spec.containers[0].image, newImage);
            assert.equal(
                p.metadata.labels["pod-template-hash"],
                hash,
                "a pod of the new ReplicaSet",
            );
        }

        // The watch spanned the rollout: it saw each pod that ends ready become ready.
        for (const p of after.readyPods) {
            assert.ok(
                seen.becameReady.has(p.metadata.name),
                `the watch never saw ${p.metadata.name} become ready (${seen.events} events)`,
            );
        }
        // maxUnavailable 0: an old pod goes only once a new one is ready, after every event.
        assert.ok(
            seen.min >= replicas,
            `ready pods fell to ${seen.min} of the desired ${replicas} during the rollout`,
        );
        // maxSurge 25% of 2 rounds up to 1: at most one pod above the desired count.
        assert.ok(
            seen.max <= replicas + 1,
            `${seen.max} pods were ready at once; the surge allows ${replicas + 1}`,
        );
    });

    it("honours the PDBs: an eviction that would break one is refused, and a drain moves pods elsewhere", async function () {
        const nodes = (await kube.get("nodes")).map((n: KubeObject) => n.metadata.name as string);
        const name = "backend-feed";
        const w = await workload(kube, NAMESPACE, name);
        const evict = (pod: string) => evictPod(kube, NAMESPACE, pod);
        // With every node cordoned no replacement can start, so after one eviction the budget is spent.
        for (const n of nodes) await kube.run(["cordon", n]);
        try {
            await waitFor("the PDB to allow one disruption", async () => {
                const pdb = await kube.get("pdb", name, NAMESPACE);
                return pdb.status.disruptionsAllowed === 1 ? pdb : undefined;
            });
            const first = await evict(w.readyPods[0].metadata.name);
            assert.equal(first.code, 0, `the first eviction was refused: ${first.stderr}`);
            await waitFor("the PDB to record the disruption", async () => {
                const pdb = await kube.get("pdb", name, NAMESPACE);
                return pdb.status.disruptionsAllowed === 0 ? pdb : undefined;
            });
            const second = await evict(w.readyPods[1].metadata.name);
            assert.notEqual(second.code, 0, "a second eviction broke the PDB");
            assert.match(second.stderr, /disruption budget/);
        } finally {
            for (const n of nodes) await kube.run(["uncordon", n]);
        }
        await waitRolledOut(kube, NAMESPACE, name, MIN);

        const target = [...(await workload(kube, NAMESPACE, "backend-user")).nodes][0];
        const start = performance.now();
        await kube.run([
            "drain",
            target,
            "--ignore-daemonsets",
            "--delete-emptydir-data",
            "--timeout=120s",
        ]);
        try {
            for (const d of DEPLOYMENTS) {
                const after = await waitRolledOut(kube, NAMESPACE, d, MIN);
                assert.ok(
                    !after.nodes.has(target),
                    `${d} still has pods on the drained node ${target}`,
                );
            }
            recordFigure(
                "drain of one node, every service back to its minimum",
                secondsSince(start),
            );
        } finally {
            await kube.run(["uncordon", target]);
        }
    });

    it("scales a backend on CPU, and later previews, refreshes and ups keep the HPA's count", async function () {
        const name = "backend-user";
        await waitRolledOut(kube, NAMESPACE, name, MIN);
        // KWOK reports the CPU usage a pod's annotation names; the request is 100m, the target 70%.
        await annotateReadyPods(kube, NAMESPACE, name, "kwok.x-k8s.io/usage-cpu=250m");
        const start = performance.now();
        await waitFor(
            `the HPA to scale ${name} to ${MAX}`,
            async () => {
                const d = await kube.get("deployment", name, NAMESPACE);
                return d.spec.replicas === MAX ? d : undefined;
            },
            { timeoutMs: 180_000, intervalMs: 1000 },
        );
        await waitRolledOut(kube, NAMESPACE, name, MAX);
        recordFigure(`HPA scale-up ${MIN} -> ${MAX} (program backend)`, secondsSince(start));

        await pulumi.preview(stack, ["--expect-no-changes"]);
        await pulumi.refresh(stack, ["--expect-no-changes"]);
        const up = await pulumi.up(stack);
        assert.equal(summary(up.stdout).updated ?? 0, 0, up.stdout);
        const after = await kube.get("deployment", name, NAMESPACE);
        assert.equal(after.spec.replicas, MAX, "pulumi up reset the HPA's replica count");
    });

    it("refuses invalid stack config at preview, naming the key and the value, and creates nothing", async function () {
        const dir = path.dirname(stack.configFile!);
        const bad: StackRef = {
            cwd: PROJECT_ROOT,
            stack: "e2e-bad",
            configFile: path.join(dir, "Pulumi.e2e-bad.yaml"),
        };
        await pulumi.init(bad, {
            ...E2E_CONFIG,
            "orchestration:namespace": "bad-input",
            "orchestration:minReplicas": 5,
            "orchestration:maxReplicas": 2,
        });
        const r = await pulumi.preview(bad, [], true);
        assert.notEqual(r.code, 0);
        assert.match(
            r.stdout + r.stderr,
            /'orchestration:minReplicas' \(5\) must be <= 'orchestration:maxReplicas' \(2\)/,
        );
        assert.deepEqual(await pulumi.resourceUrns(bad), []);
        assert.equal(await kube.find("namespace", "bad-input"), undefined);
    });

    it("destroys everything: no object of any app service is left in any namespace right after destroy, the namespace goes, and the state is empty", async function () {
        await destroyWithoutTrace(kube, {
            serviceNames: DEPLOYMENTS,
            // The proxy's nginx config is the only ConfigMap; there is no Secret or Ingress.
            kinds: ["ConfigMap", ...SERVICE_KINDS],
            namespacesGone: [NAMESPACE],
            destroy: async () => {
                const start = performance.now();
                await pulumi.destroy(stack);
                recordFigure("pulumi destroy, program", secondsSince(start));
            },
        });
        assert.deepEqual(await pulumi.resourceUrns(stack), []);
    });
});
