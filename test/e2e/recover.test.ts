/**
 * `npm run recover` on a real engine and control plane: the program's stack,
 * deployed with `pulumi up`, is left the way an interrupted `up` leaves it (a
 * stale lock, pending creates, a leaked object), and recover brings it back to
 * a state that a plain `pulumi up` converges from. The steps share one stack.
 * The fault suite (faults.test.ts) gets there by really interrupting `up`.
 */
import { strict as assert } from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { Kube } from "../../e2e/kube";
import { exec } from "../../e2e/proc";
import { PulumiCli, StackRef } from "../../e2e/pulumi";
import { runRecover, stateVersusCluster } from "../../e2e/recover";
import { PROJECT_ROOT } from "../../program/stackFiles";
import { requireE2e } from "./fixture";

const NAMESPACE = "recover";
const STACK = "e2e-recover";
const CONFIG = {
    ...(YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.local.yaml"), "utf8"))
        .config as Record<string, unknown>),
    "orchestration:namespace": NAMESPACE,
    "orchestration:minReplicas": 1,
    "orchestration:maxReplicas": 2,
};
const OWNER_LABELS = { "orchestration/project": "orchestration", "orchestration/stack": STACK };

describe("npm run recover on a real control plane", function () {
    this.timeout(900_000);
    let kube: Kube;
    let pulumi: PulumiCli;
    let stack: StackRef;
    let stateDir: string;

    before(async function () {
        const env = requireE2e(this);
        kube = env.cluster.kube;
        pulumi = env.pulumi;
        stateDir = path.join(env.workDir, "state");
        const dir = fs.mkdtempSync(path.join(env.workDir, "recover-"));
        stack = {
            cwd: PROJECT_ROOT,
            stack: STACK,
            configFile: path.join(dir, `Pulumi.${STACK}.yaml`),
        };
        await pulumi.init(stack, CONFIG);
        await pulumi.up(stack);
    });

    after(async function () {
        await pulumi?.cleanUp(stack);
    });

    it("finds nothing to do on a stack nothing interrupted", async function () {
        const r = await runRecover(pulumi, stack);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /locks: none left behind/);
        assert.match(r.stdout, /pending operations: none/);
        assert.match(r.stdout, /orphans: none/);
        assert.match(r.stdout, /next: pulumi up --stack e2e-recover/);
    });

    it("lists a leaked object that carries the stack's labels, and deletes it only when told to", async function () {
        const leaked = {
            apiVersion: "v1",
            kind: "Secret",
            metadata: {
                name: "backend-user-env-leaked",
                namespace: NAMESPACE,
                labels: OWNER_LABELS,
            },
            stringData: { TOKEN: "x" },
        };
        await kube.apply([leaked]);
        const listed = await runRecover(pulumi, stack);
        assert.equal(listed.code, 0, listed.stderr);
        assert.match(
            listed.stdout,
            /orphans: 1 object\(s\).*\n.*Secret backend-user-env-leaked in namespace recover/,
        );
        assert.match(listed.stdout, /listed only/);
        assert.ok(
            await kube.find("secret", leaked.metadata.name, NAMESPACE),
            "report mode deleted it",
        );
        assert.deepEqual(
            (await stateVersusCluster(pulumi, kube, stack)).orphans.map((o) => o.name),
            [leaked.metadata.name],
        );

        const deleted = await runRecover(pulumi, stack, ["--orphans", "delete"]);
        assert.equal(deleted.code, 0, deleted.stderr);
        assert.match(
            deleted.stdout,
            /deleting Secret backend-user-env-leaked in namespace recover/,
        );
        assert.equal(await kube.find("secret", leaked.metadata.name, NAMESPACE), undefined);
        assert.deepEqual(await stateVersusCluster(pulumi, kube, stack), { orphans: [], lost: [] });
    });

    it("after a killed up's leftovers (a stale lock, pending creates), gets the stack to converge with a plain up", async function () {
        const { hpaUrn, hpaName } = await leaveInterruptedState();
        const refused = await pulumi.up(stack, { allowFailure: true });
        assert.notEqual(refused.code, 0, "up ran on a locked stack");
        assert.match(refused.stderr + refused.stdout, /currently locked|failed to load checkpoint/);

        const r = await runRecover(pulumi, stack);
        assert.equal(r.code, 0, r.stderr + r.stdout);
        assert.match(r.stdout, /removing a stale lock \(pid \d+ on this host is gone\)/);
        assert.match(r.stdout, /checkpoint: removed the empty metadata file a kill left/);
        assert.match(
            r.stdout,
            /done: 1 stale lock\(s\) removed; the empty checkpoint metadata file removed; 2 pending operation\(s\) \(1 create\(s\) imported, 1 cleared\); 0 orphan\(s\)/,
        );
        assert.match(
            r.stdout,
            new RegExp(`importing ${escape(hpaUrn)} as ${NAMESPACE}/${hpaName}`),
        );
        assert.match(r.stdout, /never reached the cluster: clearing .*never-created/);
        assert.doesNotMatch(r.stdout, /orphans: \d/, "the imported HPA is not an orphan");
        const after = JSON.parse(
            (await pulumi.run(stack.cwd, ["stack", "export", "--stack", STACK])).stdout,
        );
        assert.deepEqual(after.deployment.pending_operations ?? [], []);
        assert.ok(
            after.deployment.resources.some((res: { urn: string }) => res.urn === hpaUrn),
            "the imported HPA is in the state",
        );

        await pulumi.up(stack);
        await pulumi.preview(stack, ["--expect-no-changes"]);
        assert.deepEqual(await stateVersusCluster(pulumi, kube, stack), { orphans: [], lost: [] });
    });

    /**
     * What a SIGKILLed `up` leaves, written into the file backend's checkpoint
     * as the engine writes it (`pulumi stack import` drops pending operations):
     * its lock (a dead pid on this host), an empty checkpoint metadata file, the HPA's create pending although the
     * HPA exists (the engine died before it saved the provider's answer), and a
     * pending create of an object that never reached the cluster.
     */
    async function leaveInterruptedState(): Promise<{ hpaUrn: string; hpaName: string }> {
        const file = path.join(stateDir, ".pulumi", "stacks", "orchestration", `${STACK}.json`);
        const doc = JSON.parse(fs.readFileSync(file, "utf8"));
        const latest = doc.checkpoint.latest;
        const resources = latest.resources as Record<string, any>[];
        const hpa = resources.find((res) => res.type.endsWith(":HorizontalPodAutoscaler"))!;
        latest.resources = resources.filter((res) => res !== hpa);
        const never = {
            ...hpa,
            urn: hpa.urn.replace(/::[^:]+$/, "::never-created"),
            inputs: { ...hpa.inputs, metadata: { ...hpa.inputs.metadata, name: "never-created" } },
        };
        latest.pending_operations = [hpa, never].map((res) => ({
            type: "creating",
            resource: { ...res, id: "", outputs: {} },
        }));
        fs.writeFileSync(file, JSON.stringify(doc));
        // A kill while the backend wrote the checkpoint's metadata leaves it empty.
        fs.writeFileSync(`${file}.attrs`, "");
        await writeDeadLock();
        return { hpaUrn: hpa.urn, hpaName: hpa.outputs.metadata.name };
    }

    /** A lock like the one a killed `pulumi up` leaves: this host, a pid that has exited. */
    async function writeDeadLock(): Promise<void> {
        const dead = await exec("sh", ["-c", "echo $$"]);
        const dir = path.join(stateDir, ".pulumi", "locks", "organization", "orchestration", STACK);
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(
            path.join(dir, `${crypto.randomUUID()}.json`),
            JSON.stringify({
                pid: Number(dead.stdout.trim()),
                username: "e2e",
                hostname: os.hostname(),
            }),
        );
    }
});

function escape(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\$]/g, "\\$&");
}
