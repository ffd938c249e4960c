import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseRecoverArgs } from "../recover/args";
import { kubectlType } from "../recover/cluster";
import { fileBackendDir, isAlive, readLocks } from "../recover/locks";
import { importFile } from "../recover/importFile";
import { importName } from "../recover/orphans";
import {
    compareWithCluster,
    liveObjectRef,
    objectRef,
    planPendingCreates,
    readStackState,
} from "../recover/state";

const STACK_URN = "urn:pulumi:dev::shop::pulumi:pulumi:Stack::shop-dev";
const PROVIDER_URN = "urn:pulumi:dev::shop::pulumi:providers:kubernetes::local";
const DEPLOYMENT_URN =
    "urn:pulumi:dev::shop::orchestration:index:ScalableService$kubernetes:apps/v1:Deployment::api";
const SECRET_URN =
    "urn:pulumi:dev::shop::orchestration:index:ScalableService$kubernetes:core/v1:Secret::api-env";
const OWNER = { "orchestration/project": "shop", "orchestration/stack": "dev" };

/** A stack export as `pulumi stack export` prints it, trimmed to what recovery reads. */
function exported(pending: unknown[] = []) {
    return {
        version: 3,
        deployment: {
            resources: [
                { urn: STACK_URN, type: "pulumi:pulumi:Stack" },
                { urn: PROVIDER_URN, type: "pulumi:providers:kubernetes", id: "abc" },
                {
                    urn: DEPLOYMENT_URN,
                    type: "kubernetes:apps/v1:Deployment",
                    id: "apps/api",
                    outputs: { metadata: { name: "api", namespace: "apps", labels: OWNER } },
                },
                {
                    urn: "urn:pulumi:dev::shop::kubernetes:core/v1:Namespace::apps",
                    type: "kubernetes:core/v1:Namespace",
                    id: "apps",
                    outputs: { metadata: { name: "apps", labels: OWNER } },
                },
            ],
            pending_operations: pending,
        },
    };
}

describe("npm run recover: reading the state (pure)", () => {
    it("finds the Kubernetes objects the state tracks, by group, kind, namespace and name", () => {
        const state = readStackState(exported());
        assert.deepEqual(
            state.objects.map((o) => [o.group, o.kind, o.namespace, o.name, o.urn]),
            [
                ["apps", "Deployment", "apps", "api", DEPLOYMENT_URN],
                [
                    "",
                    "Namespace",
                    "",
                    "apps",
                    "urn:pulumi:dev::shop::kubernetes:core/v1:Namespace::apps",
                ],
            ],
        );
        assert.equal(state.kubernetesProvider, PROVIDER_URN);
        assert.deepEqual(state.pending, []);
    });

    it("reads pending operations with the object they were about, from the checked inputs", () => {
        const state = readStackState(
            exported([
                {
                    type: "creating",
                    resource: {
                        urn: SECRET_URN,
                        type: "kubernetes:core/v1:Secret",
                        inputs: { metadata: { name: "api-env-x1y2", namespace: "apps" } },
                        outputs: {},
                        parent: "urn:pulumi:dev::shop::orchestration:index:ScalableService::api",
                        provider: `${PROVIDER_URN}::abc`,
                    },
                },
                {
                    type: "updating",
                    resource: { urn: DEPLOYMENT_URN, type: "kubernetes:apps/v1:Deployment" },
                },
            ]),
        );
        assert.deepEqual(state.pending, [
            {
                operation: "creating",
                urn: SECRET_URN,
                type: "kubernetes:core/v1:Secret",
                object: { group: "", kind: "Secret", namespace: "apps", name: "api-env-x1y2" },
                parent: "urn:pulumi:dev::shop::orchestration:index:ScalableService::api",
                provider: PROVIDER_URN,
            },
            {
                operation: "updating",
                urn: DEPLOYMENT_URN,
                type: "kubernetes:apps/v1:Deployment",
                object: undefined,
                parent: undefined,
                provider: undefined,
            },
        ]);
    });

    it("refuses what is not a stack export, naming what is missing", () => {
        assert.throws(() => readStackState({ version: 3 }), /no 'deployment'/);
        assert.throws(() => readStackState(null), /no 'deployment'/);
    });

    it("maps only named Kubernetes objects: not providers, lists, components or unknown names", () => {
        const meta = { metadata: { name: "x", namespace: "n" } };
        assert.equal(objectRef("pulumi:providers:kubernetes", meta), undefined);
        assert.equal(objectRef("kubernetes:core/v1:ConfigMapList", meta), undefined);
        assert.equal(objectRef("orchestration:index:ScalableService", meta), undefined);
        assert.equal(objectRef("kubernetes:core/v1:Secret", { metadata: {} }), undefined);
        assert.deepEqual(objectRef("kubernetes:networking.k8s.io/v1:NetworkPolicy", meta), {
            group: "networking.k8s.io",
            kind: "NetworkPolicy",
            namespace: "n",
            name: "x",
        });
    });

    it("reads live objects, and skips the ones a controller owns", () => {
        assert.deepEqual(
            liveObjectRef({
                apiVersion: "autoscaling/v2",
                kind: "HorizontalPodAutoscaler",
                metadata: { name: "api", namespace: "apps" },
            }),
            {
                group: "autoscaling",
                kind: "HorizontalPodAutoscaler",
                namespace: "apps",
                name: "api",
            },
        );
        assert.deepEqual(
            liveObjectRef({ apiVersion: "v1", kind: "Namespace", metadata: { name: "apps" } }),
            {
                group: "",
                kind: "Namespace",
                namespace: "",
                name: "apps",
            },
        );
        const owned = {
            apiVersion: "v1",
            kind: "Secret",
            metadata: { name: "t", ownerReferences: [{}] },
        };
        assert.equal(liveObjectRef(owned), undefined);
    });
});

describe("npm run recover: decisions (pure)", () => {
    const secret = { group: "", kind: "Secret", namespace: "apps", name: "api-env-x1y2" };
    const create = (urn: string, object?: typeof secret) => ({
        operation: "creating",
        urn,
        type: "kubernetes:core/v1:Secret",
        object,
    });

    it("imports a pending create whose object exists, with the provider's ID, and clears the others", () => {
        const pending = [
            create("a", secret),
            create("b", { ...secret, name: "never-made" }),
            create("c"),
            { ...create("d", secret), operation: "updating" },
        ];
        const plan = planPendingCreates(pending, (ref) => ref.name === "api-env-x1y2");
        assert.deepEqual(plan, {
            imports: [
                {
                    urn: "a",
                    type: "kubernetes:core/v1:Secret",
                    name: "a",
                    id: "apps/api-env-x1y2",
                    parent: undefined,
                    provider: undefined,
                },
            ],
            clears: ["b", "c"],
        });
    });

    it("clears a replacement's pending create (its URN is in the state) rather than import over the old object", () => {
        const plan = planPendingCreates([create("a", secret)], () => true, ["a"]);
        assert.deepEqual(plan, { imports: [], clears: ["a"] });
    });

    it("imports under the pending resource's own URN: its name, parent and provider", () => {
        const op = {
            ...create(SECRET_URN, secret),
            parent: "urn:pulumi:dev::shop::orchestration:index:ScalableService::api",
            provider: PROVIDER_URN,
        };
        const plan = planPendingCreates([op], () => true);
        assert.deepEqual(plan.imports[0], {
            urn: SECRET_URN,
            type: "kubernetes:core/v1:Secret",
            name: "api-env",
            id: "apps/api-env-x1y2",
            parent: op.parent,
            provider: PROVIDER_URN,
        });
        assert.deepEqual(importFile([plan.imports[0]]), {
            nameTable: { r1: op.parent, r2: PROVIDER_URN },
            resources: [
                {
                    type: "kubernetes:core/v1:Secret",
                    name: "api-env",
                    id: "apps/api-env-x1y2",
                    parent: "r1",
                    provider: "r2",
                },
            ],
        });
    });

    it("finds orphans (labelled, not in the state) and lost objects (in the state, gone), ignoring versions", () => {
        const state = readStackState(exported());
        const live = [
            { group: "apps", kind: "Deployment", namespace: "apps", name: "api" },
            { group: "", kind: "Secret", namespace: "apps", name: "api-env-old1" },
        ];
        const { orphans, lost } = compareWithCluster(state.objects, live, OWNER);
        assert.deepEqual(orphans, [live[1]]);
        assert.deepEqual(
            lost.map((o) => o.kind),
            ["Namespace"],
        );
    });

    it("doesn't call an object lost when the state tracks it without the stack's labels", () => {
        const state = readStackState(exported());
        const { lost } = compareWithCluster(state.objects, [], { "orchestration/stack": "prod" });
        assert.deepEqual(lost, []);
    });

    it("names kinds for kubectl and imported orphans for the stack", () => {
        assert.equal(kubectlType(secret), "Secret");
        assert.equal(
            kubectlType({ ...secret, group: "apps", kind: "Deployment" }),
            "Deployment.apps",
        );
        assert.equal(importName(secret), "orphan-secret-apps-api-env-x1y2");
        assert.equal(
            importName({ ...secret, kind: "Namespace", namespace: "" }),
            "orphan-namespace-api-env-x1y2",
        );
    });
});

describe("npm run recover: the command line (pure)", () => {
    it("takes the stack and the options, in both --flag value and --flag=value forms", () => {
        assert.deepEqual(parseRecoverArgs(["--stack", "dev", "--orphans=delete", "--cwd", "/p"]), {
            stack: "dev",
            cwd: "/p",
            configFile: undefined,
            kubeconfig: undefined,
            orphans: "delete",
        });
    });

    it("refuses a missing stack, an unknown argument, a missing value and an unknown action, by name", () => {
        assert.deepEqual(parseRecoverArgs([]), { error: "--stack is required" });
        assert.deepEqual(parseRecoverArgs(["--stack", "dev", "--help"]), { help: true });
        assert.deepEqual(parseRecoverArgs(["--stack", "dev", "--force"]), {
            error: 'unknown argument "--force"',
        });
        assert.deepEqual(parseRecoverArgs(["--stack"]), { error: "--stack needs a value" });
        assert.deepEqual(parseRecoverArgs(["--stack", "dev", "--orphans", "burn"]), {
            error: '--orphans "burn" must be one of report, delete, import, ask',
        });
    });
});

describe("npm run recover: file backend locks", () => {
    it("reads the locks of one project's stack only", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "locks-"));
        try {
            const write = (rel: string, pid: number) => {
                fs.mkdirSync(path.join(dir, ".pulumi", "locks", path.dirname(rel)), {
                    recursive: true,
                });
                fs.writeFileSync(
                    path.join(dir, ".pulumi", "locks", rel),
                    JSON.stringify({ pid, hostname: "h" }),
                );
            };
            write("organization/shop/dev/1.json", 10);
            write("organization/other/dev/2.json", 20);
            write("organization/shop/prod/3.json", 30);
            const locks = readLocks(dir, "shop", "dev");
            assert.deepEqual(
                locks.map((l) => [path.basename(l.file), l.pid, l.host]),
                [["1.json", 10, "h"]],
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("reads a file backend's directory from its URL, and nothing from another backend", () => {
        assert.equal(fileBackendDir("file:///var/state"), "/var/state");
        assert.equal(fileBackendDir("https://api.example.com"), undefined);
        assert.equal(fileBackendDir(undefined), undefined);
    });

    it("counts an exited, unreaped process (a zombie) as gone and a running one as alive", async () => {
        assert.equal(isAlive(process.pid), true);
        // The shell backgrounds a short sleep, prints its pid, then becomes a long
        // sleep that never reaps it: the short one stays a zombie until the parent ends.
        const parent = spawn("sh", ["-c", "sleep 0.1 & echo $!; exec sleep 20"]);
        try {
            const pid = await new Promise<number>((resolve) =>
                parent.stdout.once("data", (d: Buffer) => resolve(Number(d.toString().trim()))),
            );
            const state = () => {
                const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
                return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
            };
            for (let i = 0; i < 250 && state() !== "Z"; i++) {
                await new Promise((r) => setTimeout(r, 20));
            }
            assert.equal(state(), "Z", "the child is a zombie");
            assert.equal(isAlive(pid), false);
            assert.equal(isAlive(parent.pid!), true);
        } finally {
            parent.kill("SIGKILL");
        }
    });
});
