/**
 * Upgrading the product, for real: the previous release (CHANGELOG.md's last
 * released version, its commit found in git history) deploys the program's
 * local stack and its consumer project; then the same stacks, in the same
 * state backend, are previewed and updated with this checkout's program and
 * package. Nothing that serves may be replaced or deleted, by the engine's own
 * account (its `--json` events) and by the API server's (UIDs, ClusterIPs).
 * The consumer project keeps its code and gets the new package, as a user's
 * does. Serving under load during the upgrade needs a real node (another
 * suite's); it is not covered here.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import {
    describeStep,
    destructiveSteps,
    engineSteps,
    isKind,
    KEEPING_OPS,
    STREAMING_PREVIEW,
} from "../../e2e/engineEvents";
import { recordFigure } from "../../e2e/figures";
import { Kube } from "../../e2e/kube";
import { secondsSince } from "../../e2e/proc";
import { PulumiCli, StackRef } from "../../e2e/pulumi";
import { findReleaseCommit, previousRelease, ReleaseCommit } from "../../e2e/release";
import {
    installReleaseConsumer,
    prepareRelease,
    ReleaseTree,
    treeVersion,
} from "../../e2e/releaseTree";
import { identityChanges, servingObjects, ServingObject } from "../../e2e/servingObjects";
import { destroyWithoutTrace, SERVICE_KINDS } from "../../e2e/traces";
import { VERSIONS } from "../../e2e/toolchain";
import { PROJECT_ROOT } from "../../program/stackFiles";
import { installConsumer, PACKAGE, packPackage, run } from "../packing";
import { requireE2e } from "./fixture";

const STACK = "upgrade";
const PROGRAM_NAMESPACE = "upgrade-apps";
const CONSUMER_NAMESPACE = "upgrade-consumer";
const PROGRAM_SERVICES = ["backend-user", "backend-feed", "reverseproxy-svc"];

/** The previous release's commit, or why there is none: fatal under CI=true, a skip elsewhere. */
async function releaseOrSkip(ctx: Mocha.Context): Promise<ReleaseCommit> {
    const changelog = fs.readFileSync(path.join(PROJECT_ROOT, "CHANGELOG.md"), "utf8");
    const version = previousRelease(changelog, PACKAGE.version);
    const found = version
        ? await findReleaseCommit(PROJECT_ROOT, version)
        : { missing: `CHANGELOG.md names no released version other than ${PACKAGE.version}` };
    if ("missing" in found) {
        const message = `no previous release to upgrade from: ${found.missing}`;
        if (process.env.CI === "true") throw new Error(message);
        console.warn(`      (skipped: ${message})`);
        ctx.skip();
    }
    return found;
}

describe("upgrading from the previous release on a real control plane (its program's local stack and its consumer project, then this checkout's)", function () {
    this.timeout(900_000);
    let kube: Kube;
    let pulumi: PulumiCli;
    let workDir: string;
    let release: ReleaseTree;
    let program: StackRef;
    let consumer: StackRef;
    let served: ServingObject[];

    /** The previous release's program on its own local stack config, in a namespace of its own. */
    const deployOldProgram = async () => {
        const local = YAML.parse(
            fs.readFileSync(path.join(release.dir, "Pulumi.local.yaml"), "utf8"),
        );
        program = {
            cwd: release.dir,
            stack: STACK,
            configFile: path.join(workDir, "Pulumi.program.yaml"),
        };
        await pulumi.init(program, {
            ...(local.config as Record<string, unknown>),
            "orchestration:namespace": PROGRAM_NAMESPACE,
        });
        await pulumi.up(program, { preview: true });
    };

    /** The previous release's consumer project, with its own packed package. */
    const deployOldConsumer = async () => {
        const dir = path.join(workDir, "consumer");
        await installReleaseConsumer(release, dir);
        consumer = { cwd: dir, stack: STACK };
        await pulumi.init(consumer);
        const set = (args: string[]) =>
            pulumi.run(dir, ["config", "set", ...args, "--stack", STACK]);
        await set(["namespace", CONSUMER_NAMESPACE]);
        await set(["--secret", "apiToken", "upgrade-token-5c2e"]);
        // Without a preview, as 0.1.0's own e2e test deployed it: 0.1.0's preview of a new
        // secret env value fails (its checksum's HMAC key, the Secret's UID, is unknown there).
        await pulumi.up(consumer);
    };

    before(async function () {
        const env = requireE2e(this);
        kube = env.cluster.kube;
        pulumi = env.pulumi;
        const commit = await releaseOrSkip(this);
        workDir = fs.mkdtempSync(path.join(env.workDir, "upgrade-"));
        let start = performance.now();
        release = await prepareRelease(PROJECT_ROOT, commit, workDir);
        recordFigure(
            `previous release ${release.version}: extract, ${release.install}, pack`,
            secondsSince(start),
        );
        console.log(
            `      release ${release.version} is ${release.sha} (node_modules: ${release.install})`,
        );
        assert.equal(
            treeVersion(release, "@pulumi/kubernetes"),
            VERSIONS.pulumiKubernetes.stampAs,
            `release ${release.version} locks @pulumi/kubernetes at a version the toolchain builds no provider for`,
        );
        start = performance.now();
        await deployOldProgram();
        await deployOldConsumer();
        recordFigure(
            `pulumi up, release ${release.version} (program and consumer)`,
            secondsSince(start),
        );
        served = [
            ...(await servingObjects(kube, PROGRAM_NAMESPACE)),
            ...(await servingObjects(kube, CONSUMER_NAMESPACE)),
        ];
        // This checkout: the program from the project root; the consumer's package upgraded in place.
        program = { ...program, cwd: PROJECT_ROOT };
        installConsumer(consumer.cwd, packPackage(fs.mkdtempSync(path.join(workDir, "pack-"))));
        run(path.join(consumer.cwd, "node_modules", ".bin", "tsc"), ["-p", "."], consumer.cwd);
    });

    after(async function () {
        await pulumi?.cleanUp(program);
        await pulumi?.cleanUp(consumer);
    });

    /** Asserts that the engine's steps in `output` (`--json`) replace or delete nothing that serves, and cover every such resource of `urns`. */
    const assertKeeps = (what: string, output: string, urns: string[]) => {
        const steps = engineSteps(output);
        const others = steps.filter((s) => s.op !== "same");
        if (others.length)
            console.log(
                `      ${what}, every step but same:\n        ${others.map(describeStep).join("\n        ")}`,
            );
        assert.deepEqual(
            destructiveSteps(steps).map(describeStep),
            [],
            `${what} replaces or deletes what serves`,
        );
        const kept = new Set(steps.filter((s) => KEEPING_OPS.includes(s.op)).map((s) => s.urn));
        const serving = urns.filter((u) => isKind(urnType(u)));
        assert.ok(serving.length > 0, `${what}: the state has nothing that serves`);
        assert.deepEqual(
            serving.filter((u) => !kept.has(u)),
            [],
            `${what}: no step keeps these`,
        );
    };

    it("deployed the previous release first: the program's and the consumer's Deployments, Services and HPAs, and the consumer's PDB", function () {
        const count = (kind: string, ns: string) =>
            served.filter((o) => o.kind === kind && o.namespace === ns).length;
        for (const kind of ["Deployment", "Service", "HorizontalPodAutoscaler"]) {
            assert.equal(count(kind, PROGRAM_NAMESPACE), PROGRAM_SERVICES.length, `${kind}s`);
            assert.equal(count(kind, CONSUMER_NAMESPACE), 1, `the consumer's ${kind}`);
        }
        // 0.1.0 makes a PDB only at a minimum of 2 or more: the consumer's, not the local stack's.
        assert.equal(count("PodDisruptionBudget", CONSUMER_NAMESPACE), 1, "the consumer's PDB");
    });

    it("previews the upgrade (pulumi preview --diff --json) with no replace or delete of a Namespace, Deployment, Service, HPA or PDB", async function () {
        const previewing = pulumi.withEnv(STREAMING_PREVIEW);
        for (const [name, s] of [
            ["program", program],
            ["consumer", consumer],
        ] as const) {
            const r = await previewing.preview(s, ["--diff", "--json"]);
            const what = `the preview of the ${name}'s upgrade`;
            assertKeeps(what, r.stdout, await pulumi.resourceUrns(s));
        }
    });

    it("updates with no replace or delete of any of them: each keeps its UID, each Service its ClusterIP, and the program gains its PDBs", async function () {
        const start = performance.now();
        for (const [name, s] of [
            ["program", program],
            ["consumer", consumer],
        ] as const) {
            const args = ["up", "--yes", "--skip-preview", "--json", ...pulumi.stackArgs(s)];
            const r = await pulumi.run(s.cwd, args);
            assertKeeps(`the ${name}'s upgrade`, r.stdout, await pulumi.resourceUrns(s));
        }
        recordFigure(
            `pulumi up, upgrade from ${release.version} (program and consumer)`,
            secondsSince(start),
        );
        const after = [
            ...(await servingObjects(kube, PROGRAM_NAMESPACE)),
            ...(await servingObjects(kube, CONSUMER_NAMESPACE)),
        ];
        const services = served.filter((o) => o.kind === "Service");
        assert.ok(services.length > 0 && services.every((o) => o.clusterIP), "ClusterIPs read");
        assert.deepEqual(identityChanges(served, after), []);
        const pdbs = after.filter(
            (o) => o.kind === "PodDisruptionBudget" && o.namespace === PROGRAM_NAMESPACE,
        );
        assert.equal(pdbs.length, PROGRAM_SERVICES.length, "the program's PDBs after the upgrade");
    });

    it("converges: a preview of each upgraded stack finds no changes", async function () {
        await pulumi.preview(program, ["--expect-no-changes"]);
        await pulumi.preview(consumer, ["--expect-no-changes"]);
    });

    it("is destroyed without a trace: no object labelled as a service's in any namespace, the namespaces gone", async function () {
        await destroyWithoutTrace(kube, {
            serviceNames: PROGRAM_SERVICES,
            kinds: ["ConfigMap", ...SERVICE_KINDS],
            namespacesGone: [PROGRAM_NAMESPACE],
            destroy: () => pulumi.destroy(program),
        });
        await destroyWithoutTrace(kube, {
            serviceNames: ["podinfo"],
            kinds: [...SERVICE_KINDS, "Ingress", "Secret"],
            namespacesGone: [CONSUMER_NAMESPACE],
            destroy: () => pulumi.destroy(consumer),
        });
        assert.deepEqual(await pulumi.resourceUrns(program), []);
        assert.deepEqual(await pulumi.resourceUrns(consumer), []);
    });
});

/** The type of a URN: `urn:pulumi:<stack>::<project>::<parent types $ type>::<name>`. */
function urnType(urn: string): string {
    return urn.split("::")[2].split("$").pop()!;
}
