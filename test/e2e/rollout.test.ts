/**
 * A failed rollout, for real: a ScalableService deployed with the real engine
 * and provider, then `pulumi up` with an image whose pods never become ready.
 * KWOK plays the kubelet (e2e/stages.ts): a pod running one of FAULT_IMAGES
 * waits in ImagePullBackOff or CrashLoopBackOff, worded as the kubelet words
 * it. The Deployment controller, the ReplicaSets and the Service's endpoints
 * are Kubernetes' own. The cases run in order on one stack; `after` destroys it.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { condition, Kube, KubeObject } from "../../e2e/kube";
import { secondsSince, waitFor } from "../../e2e/proc";
import { PulumiCli, StackRef } from "../../e2e/pulumi";
import { FAULT_IMAGES, FaultReason } from "../../e2e/stages";
import {
    readyEndpoints,
    selectorOf,
    waitEndpointsMatchPods,
    watchReadyPods,
    workload,
} from "../../e2e/workloads";
import { ROLLOUT_WAIT_MARGIN_SECONDS } from "../../components/scalable-service/rollout";
import { PROJECT_ROOT } from "../../program/stackFiles";
import { requireE2e } from "./fixture";

const PROJECT = "rollout-e2e";
const NAMESPACE = "rollout";
const NAME = "web";
const REPLICAS = 2;
const GOOD_IMAGE = "stefanprodan/podinfo:6.7.1";
/** Short, so a stuck rollout is declared within the test; the provider's own wait is 600 s. */
const DEADLINE = 20;
/**
 * What `up` may take beyond the deadline and the component's margin: the
 * engine, the program and the provider starting, on a busy 2-core machine. A
 * correctness bound, not a benchmark: it is far below the provider's 600 s.
 */
const SLACK = 60;
const REVISION = "deployment.kubernetes.io/revision";

/** The project: one ScalableService from the compiled package (bin/), its image from config. */
function writeProject(dir: string): void {
    const component = path.join(PROJECT_ROOT, "bin", "components");
    fs.writeFileSync(
        path.join(dir, "Pulumi.yaml"),
        `name: ${PROJECT}\nmain: index.js\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n`,
    );
    fs.writeFileSync(
        path.join(dir, "index.js"),
        `const k8s = require("@pulumi/kubernetes");
const pulumi = require("@pulumi/pulumi");
const { ScalableService } = require(${JSON.stringify(component)});
const config = new pulumi.Config();
const ns = config.require("namespace");
const namespace = new k8s.core.v1.Namespace(ns, { metadata: { name: ns } });
const web = new ScalableService(
    ${JSON.stringify(NAME)},
    {
        image: config.require("image"),
        port: 9898,
        namespace: ns,
        autoscaling: false,
        replicas: config.requireNumber("replicas"),
        progressDeadlineSeconds: config.requireNumber("progressDeadlineSeconds"),
    },
    { dependsOn: [namespace] },
);
exports.serviceName = web.serviceName;
`,
    );
    // The project resolves @pulumi/* from the repository's own install, one copy for both.
    fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(dir, "node_modules"));
}

/** The stack config with `image`. */
function stackConfig(image: string): Record<string, unknown> {
    return {
        [`${PROJECT}:namespace`]: NAMESPACE,
        [`${PROJECT}:image`]: image,
        [`${PROJECT}:replicas`]: REPLICAS,
        [`${PROJECT}:progressDeadlineSeconds`]: DEADLINE,
    };
}

/** The Deployment's ReplicaSets, keyed by their revision. */
async function replicaSets(kube: Kube, deployment: KubeObject): Promise<Map<string, KubeObject>> {
    const all: KubeObject[] = await kube.get("replicasets", undefined, NAMESPACE);
    const owned = all.filter((rs) =>
        (rs.metadata.ownerReferences ?? []).some(
            (o: KubeObject) => o.uid === deployment.metadata.uid,
        ),
    );
    return new Map(owned.map((rs) => [rs.metadata.annotations[REVISION] as string, rs]));
}

/** The ReplicaSet of the Deployment's current revision. */
async function currentReplicaSet(kube: Kube): Promise<KubeObject> {
    const deployment = await kube.get("deployment", NAME, NAMESPACE);
    const rs = (await replicaSets(kube, deployment)).get(deployment.metadata.annotations[REVISION]);
    assert.ok(rs, `no ReplicaSet for revision ${deployment.metadata.annotations[REVISION]}`);
    return rs;
}

/** The Deployment's condition of `type`, whole. */
function conditionOf(deployment: KubeObject, type: string): KubeObject | undefined {
    return (deployment.status?.conditions ?? []).find((c: KubeObject) => c.type === type);
}

describe("a failed rollout on a real control plane (KWOK plays a kubelet whose container never becomes ready)", function () {
    this.timeout(900_000);
    let kube: Kube;
    let pulumi: PulumiCli;
    let kubectl: string;
    let stack: StackRef;
    /** The ReplicaSet and ready pods that served before any failed rollout. */
    let original: { rs: KubeObject; pods: string[] };

    before(async function () {
        const env = requireE2e(this);
        kube = env.cluster.kube;
        pulumi = env.pulumi;
        kubectl = env.toolchain.bin("kubectl");
        const dir = fs.mkdtempSync(path.join(env.workDir, "rollout-"));
        writeProject(dir);
        stack = { cwd: dir, stack: "e2e", configFile: path.join(dir, "Pulumi.e2e.yaml") };
        await pulumi.init(stack, stackConfig(GOOD_IMAGE));
        await pulumi.up(stack, { preview: true });
        const w = await workload(kube, NAMESPACE, NAME);
        assert.equal(w.readyPods.length, REPLICAS, "ready pods after the first up");
        original = {
            rs: await currentReplicaSet(kube),
            pods: w.readyPods.map((p) => p.metadata.name as string).sort(),
        };
        assert.equal(w.deployment.spec.progressDeadlineSeconds, DEADLINE);
    });

    after(async function () {
        await pulumi?.cleanUp(stack);
    });

    const cases: [FaultReason, string][] = [
        ["ImagePullBackOff", FAULT_IMAGES.imagePullBackOff],
        ["CrashLoopBackOff", FAULT_IMAGES.crashLoopBackOff],
    ];
    for (const [reason, image] of cases) {
        describe(`a new image whose container waits in ${reason}`, function () {
            let failed: { code: number; output: string; seconds: number };
            let before: KubeObject;
            let stopWatch: Awaited<ReturnType<typeof watchReadyPods>>;

            it(`fails pulumi up after the ${DEADLINE} s progress deadline and within it plus ${ROLLOUT_WAIT_MARGIN_SECONDS} s and ${SLACK} s of slack, naming the container and ${reason}`, async function () {
                before = await currentReplicaSet(kube);
                const selector = selectorOf(await kube.get("deployment", NAME, NAMESPACE));
                stopWatch = await watchReadyPods(kube, kubectl, NAMESPACE, selector);
                pulumi.setConfig(stack, stackConfig(image));
                const start = performance.now();
                const r = await pulumi.up(stack, { allowFailure: true });
                failed = {
                    code: r.code,
                    output: `${r.stdout}\n${r.stderr}`,
                    seconds: secondsSince(start),
                };
                assert.notEqual(failed.code, 0, `up succeeded:\n${failed.output}`);
                assert.ok(
                    failed.seconds >= DEADLINE,
                    `up failed after ${failed.seconds} s, before the deadline:\n${failed.output}`,
                );
                const bound = DEADLINE + ROLLOUT_WAIT_MARGIN_SECONDS + SLACK;
                assert.ok(
                    failed.seconds <= bound,
                    `up took ${failed.seconds} s, more than ${bound} s`,
                );
                assert.match(failed.output, /'web' timed out waiting to be Ready/);
                assert.match(failed.output, /\[ProgressDeadlineExceeded\] ReplicaSet "web-/);
                // The pod's line: the kubelet's Ready message names the container, then its reason.
                assert.match(
                    failed.output,
                    new RegExp(
                        `\\[Pod ${NAMESPACE}/web-[a-z0-9]+-[a-z0-9]+\\]: containers with unready status: \\[web\\]\\s*\\[${reason}\\]`,
                    ),
                );
            });

            it("leaves the Deployment marked ProgressDeadlineExceeded, its new ReplicaSet with no ready pod, and the previous one with all its ready pods throughout, behind the Service", async function () {
                const watched = await stopWatch();
                const deployment = await kube.get("deployment", NAME, NAMESPACE);
                const progressing = conditionOf(deployment, "Progressing");
                assert.equal(progressing?.status, "False");
                assert.equal(progressing?.reason, "ProgressDeadlineExceeded");
                assert.equal(condition(deployment, "Available"), "True");

                const sets = await replicaSets(kube, deployment);
                const previous = [...sets.values()].find(
                    (rs) => rs.metadata.name === before.metadata.name,
                );
                assert.ok(previous, `the previous ReplicaSet ${before.metadata.name} is gone`);
                assert.equal(previous.spec.replicas, REPLICAS);
                assert.equal(previous.status.readyReplicas, REPLICAS);
                const stuck = sets.get(deployment.metadata.annotations[REVISION]);
                assert.ok(stuck && stuck.metadata.name !== before.metadata.name);
                assert.equal(stuck.spec.template.spec.containers[0].image, image);
                assert.equal(stuck.status.readyReplicas ?? 0, 0);

                const w = await workload(kube, NAMESPACE, NAME);
                const hash = previous.metadata.labels["pod-template-hash"];
                assert.deepEqual(
                    w.readyPods.map((p) => p.metadata.labels["pod-template-hash"]),
                    [hash, hash],
                );
                assert.ok(
                    watched.min >= REPLICAS,
                    `ready pods fell to ${watched.min} during the failed up`,
                );
                const endpoints = await waitEndpointsMatchPods(kube, NAMESPACE, NAME);
                assert.equal(endpoints.length, REPLICAS);
            });

            it("recovers with the next pulumi up of the good image: the same pods serve, nothing runs the bad image, and a preview shows no change", async function () {
                pulumi.setConfig(stack, stackConfig(GOOD_IMAGE));
                await pulumi.up(stack);
                const deployment = await kube.get("deployment", NAME, NAMESPACE);
                assert.equal(
                    conditionOf(deployment, "Progressing")?.reason,
                    "NewReplicaSetAvailable",
                );
                // The template is the original one again, so its ReplicaSet, and its pods, serve.
                const current = await currentReplicaSet(kube);
                assert.equal(current.metadata.name, original.rs.metadata.name);
                const w = await workload(kube, NAMESPACE, NAME);
                assert.deepEqual(
                    w.readyPods.map((p) => p.metadata.name as string).sort(),
                    original.pods,
                );
                await waitFor(
                    `no pod of ${NAMESPACE}/${NAME} runs ${image}`,
                    async () => {
                        const pods: KubeObject[] = await kube.get("pods", undefined, NAMESPACE);
                        const bad = pods.filter((p) => p.spec.containers[0].image === image);
                        return bad.length === 0 ? true : undefined;
                    },
                    { timeoutMs: 60_000 },
                );
                assert.deepEqual(
                    (await readyEndpoints(kube, NAMESPACE, NAME)).sort(),
                    w.readyPods.map((p) => p.status.podIP as string).sort(),
                );
                await pulumi.preview(stack, ["--expect-no-changes"]);
            });
        });
    }
});
