/**
 * `npm run local:up | local:env | local:down` for real, as a newcomer runs
 * them: a KWOK cluster of its own (a state directory and cluster name of its
 * own, so it can't meet a user's), the local stack deployed, a second up that
 * changes nothing, the printed exports used by a shell, then everything gone.
 * It needs only the toolchain, not the suite's shared cluster.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { condition, Kube, KubeObject } from "../../e2e/kube";
import { Completed, exec } from "../../e2e/proc";
import { summary } from "../../e2e/pulumi";
import { findToolchain, Toolchain } from "../../e2e/toolchain";
import { PROJECT_ROOT } from "../../program/stackFiles";

const DEPLOYMENTS = ["backend-feed", "backend-user", "reverseproxy-svc"];

describe("npm run local:up / local:env / local:down (a local KWOK cluster and the local stack)", function () {
    this.timeout(300_000);
    let toolchain: Toolchain;
    let stateDir: string;
    let env: NodeJS.ProcessEnv;
    let kube: Kube;
    const stackFile = path.join(PROJECT_ROOT, "Pulumi.local.yaml");
    const committedStackFile = fs.readFileSync(stackFile, "utf8");

    const npm = (script: string): Promise<Completed> =>
        exec("npm", ["run", "-s", script], {
            cwd: PROJECT_ROOT,
            env,
            allowFailure: true,
            timeoutMs: 600_000,
        });
    const processesUnder = (dir: string): string[] =>
        fs
            .readdirSync("/proc")
            .filter((p) => /^\d+$/.test(p))
            .map((p) => {
                try {
                    return fs.readFileSync(`/proc/${p}/cmdline`, "utf8").replace(/\0/g, " ");
                } catch {
                    return "";
                }
            })
            .filter((cmd) => cmd.includes(dir));

    before(async function () {
        const found = await findToolchain();
        if ("missing" in found) {
            console.warn(`      (skipped: ${found.missing})`);
            this.skip();
        }
        toolchain = found;
        stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "orchestration-local-e2e-"));
        env = {
            ...process.env,
            ORCHESTRATION_LOCAL_DIR: stateDir,
            ORCHESTRATION_LOCAL_NAME: `local-e2e-${process.pid}`,
        };
        kube = new Kube(toolchain.bin("kubectl"), path.join(stateDir, "cluster", "kubeconfig"));
    });

    after(async function () {
        if (stateDir && fs.existsSync(stateDir)) {
            await npm("local:down");
            fs.rmSync(stateDir, { recursive: true, force: true });
        }
    });

    it("local:up starts the cluster and deploys the local stack: every Deployment Available, an HPA each", async function () {
        const r = await npm("local:up");
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.ok((summary(r.stdout).created ?? 0) > 0, r.stdout);
        assert.match(r.stdout, /no container process runs/);
        assert.doesNotMatch(r.stdout, /^\s+(curl|wget)\b/m, "it printed a request that can't work");
        for (const name of DEPLOYMENTS) {
            const d = await kube.get("deployment", name, "apps");
            assert.equal(condition(d, "Available"), "True", `${name} is not Available`);
        }
        const hpas: KubeObject[] = await kube.get("hpa", undefined, "apps");
        assert.deepEqual(hpas.map((h) => h.metadata.name as string).sort(), DEPLOYMENTS);
        assert.equal(
            fs.readFileSync(stackFile, "utf8"),
            committedStackFile,
            "local:up changed the checkout's Pulumi.local.yaml",
        );
    });

    it("a second local:up reuses the running cluster and pulumi up reports no changes", async function () {
        const r = await npm("local:up");
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /is running \(API server answers, 3 nodes Ready\): reusing it/);
        const counts = summary(r.stdout);
        assert.deepEqual(Object.keys(counts), ["unchanged"], r.stdout);
    });

    it("local:env's exports give a shell the toolchain's kubectl and pulumi on this cluster and stack", async function () {
        const r = await npm("local:env");
        assert.equal(r.code, 0, r.stderr);
        const script = `${r.stdout}
command -v kubectl; command -v pulumi
kubectl get deploy -n apps -o name
pulumi stack output namespace --stack local`;
        const sh = await exec("sh", ["-c", script], {
            cwd: PROJECT_ROOT,
            env: { PATH: process.env.PATH, HOME: process.env.HOME },
        });
        const lines = sh.stdout.trim().split("\n");
        assert.deepEqual(lines, [
            toolchain.bin("kubectl"),
            toolchain.bin("pulumi"),
            ...DEPLOYMENTS.map((d) => `deployment.apps/${d}`),
            "apps",
        ]);
    });

    it("local:down destroys the stack, deletes the cluster, its processes and its state directory; a second says nothing is up", async function () {
        assert.ok(processesUnder(stateDir).length > 0, "no process of the cluster was running");
        const r = await npm("local:down");
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /pulumi destroy --stack local/);
        assert.ok(!fs.existsSync(stateDir), `${stateDir} is still there`);
        assert.deepEqual(processesUnder(stateDir), []);
        const again = await npm("local:down");
        assert.equal(again.code, 0, again.stderr);
        assert.match(again.stdout, /nothing is up/);
    });
});
