import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseEnviron } from "../e2e/apiServer";
import { describeRecovery } from "../e2e/convergence";
import { describeStep, isStepStart, parseEventLog } from "../e2e/engineEventLog";
import { errorLines } from "../e2e/faults";
import { isStale, lockDir, readLocks, removeStaleLocks } from "../e2e/locks";
import { compareWithState, showObject } from "../e2e/orphans";
import { descendants, isProgram, parseStat, ProcessInfo } from "../e2e/processTree";
import { exportProblems, kubernetesObject, parseExport, StackExport } from "../e2e/stackState";

const STACK = "urn:pulumi:faults::orchestration::pulumi:pulumi:Stack::orchestration-faults";
const PROVIDER = "urn:pulumi:faults::orchestration::pulumi:providers:kubernetes::local";
const DEPLOYMENT =
    "urn:pulumi:faults::orchestration::orchestration:index:ScalableService$kubernetes:apps/v1:Deployment::backend-user";

/** A `resourcePreEvent` line of an event log. */
function pre(op: string, type: string, planning = false): string {
    return JSON.stringify({
        sequence: 3,
        timestamp: 1,
        resourcePreEvent: { metadata: { op, urn: `urn:${type}`, type }, planning },
    });
}

/** The fault suite's pure parts: event logs, /proc, locks, exports, the orphan diff, pending creates. */
describe("fault suite harness (pure)", () => {
    it("reads an event log's complete lines only, and names a line that isn't JSON", () => {
        const text = `${pre("create", "kubernetes:core/v1:Namespace")}\n\n{"sequence":4,"timest`;
        const events = parseEventLog(text);
        assert.equal(events.length, 1);
        assert.equal(events[0].resourcePreEvent?.metadata.op, "create");
        assert.deepEqual(parseEventLog(""), []);
        assert.throws(
            () => parseEventLog(`${pre("create", "x")}\nnot json\n`),
            /line 2 is not JSON/,
        );
    });

    it("matches a step's start by operation and type, never a preview's", () => {
        const [deploymentCreate, preview, namespaceCreate, update] = parseEventLog(
            [
                pre("create", "kubernetes:apps/v1:Deployment"),
                pre("create", "kubernetes:apps/v1:Deployment", true),
                pre("create", "kubernetes:core/v1:Namespace"),
                pre("update", "kubernetes:apps/v1:Deployment"),
                "",
            ].join("\n"),
        );
        const match = { op: "create", type: "kubernetes:apps/v1:Deployment" } as const;
        assert.equal(isStepStart(deploymentCreate, match), true);
        assert.equal(isStepStart(preview, match), false);
        assert.equal(isStepStart(namespaceCreate, match), false);
        assert.equal(isStepStart(update, match), false);
        assert.equal(isStepStart(namespaceCreate, { op: "create" }), true);
        assert.equal(
            describeStep(update),
            "update kubernetes:apps/v1:Deployment (urn:kubernetes:apps/v1:Deployment)",
        );
    });

    it("reads pid, name, parent and group from /proc/<pid>/stat, a name with spaces and parentheses included", () => {
        assert.deepEqual(parseStat("4242 (node (x) y) S 4200 4100 4100 0 -1 4194560 1"), {
            pid: 4242,
            comm: "node (x) y",
            ppid: 4200,
            pgrp: 4100,
        });
        assert.throws(() => parseStat("garbage"), /not a \/proc\/<pid>\/stat line/);
        const self = parseStat(fs.readFileSync("/proc/self/stat", "utf8"));
        assert.ok(self.pid > 0 && self.ppid >= 0);
    });

    it("finds a process's descendants at any depth, and only those", () => {
        const p = (pid: number, ppid: number, argv0: string): ProcessInfo => ({
            pid,
            ppid,
            pgrp: 1,
            comm: path.basename(argv0).slice(0, 15),
            argv: [argv0],
        });
        const table = [
            p(10, 1, "/bin/pulumi"),
            p(11, 10, "/bin/pulumi-language-nodejs"),
            p(12, 11, "/usr/bin/node"),
            p(
                13,
                10,
                "/home/x/.pulumi/plugins/resource-kubernetes-v4.34.2/pulumi-resource-kubernetes",
            ),
            p(20, 1, "/usr/bin/node"),
        ];
        assert.deepEqual(
            descendants(table, 10).map((d) => d.pid),
            [11, 13, 12],
        );
        assert.deepEqual(descendants(table, 12), []);
        assert.ok(isProgram(table[3], "pulumi-resource-kubernetes"));
        assert.ok(!isProgram(table[1], "pulumi"));
    });

    it("judges a lock stale only when it is this host's and its process is gone", () => {
        const lock = { pid: 123, hostname: "h1" };
        assert.equal(
            isStale(lock, "h1", () => false),
            true,
        );
        assert.equal(
            isStale(lock, "h1", () => true),
            false,
        );
        assert.equal(
            isStale(lock, "h2", () => false),
            false,
            "another host's lock",
        );
    });

    it("removes the stale lock files of a stack, keeps a live one, and names a file that isn't a lock", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "locks-"));
        try {
            const dir = lockDir(root, "orchestration", "faults");
            assert.equal(dir, path.join(root, ".pulumi/locks/organization/orchestration/faults"));
            fs.mkdirSync(dir, { recursive: true });
            const write = (name: string, pid: number) =>
                fs.writeFileSync(
                    path.join(dir, name),
                    JSON.stringify({ pid, username: "u", hostname: os.hostname() }),
                );
            write("live.json", process.pid);
            write("dead.json", 2 ** 22 + 1); // above pid_max's default ceiling: no such process
            const removed = removeStaleLocks(dir);
            assert.deepEqual(
                removed.map((l) => path.basename(l.file)),
                ["dead.json"],
            );
            assert.deepEqual(
                readLocks(dir).map((l) => path.basename(l.file)),
                ["live.json"],
            );
            fs.writeFileSync(path.join(dir, "bad.json"), "{}");
            assert.throws(() => readLocks(dir), /bad\.json is not a lock file/);
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    it("reads the Kubernetes objects of an export from each resource's type and id", () => {
        const custom = { custom: true };
        assert.deepEqual(
            kubernetesObject({
                urn: DEPLOYMENT,
                type: "kubernetes:apps/v1:Deployment",
                id: "faults/backend-user",
                ...custom,
            }),
            { kind: "Deployment", namespace: "faults", name: "backend-user" },
        );
        assert.deepEqual(
            kubernetesObject({
                urn: "u",
                type: "kubernetes:core/v1:Namespace",
                id: "faults",
                ...custom,
            }),
            { kind: "Namespace", namespace: "", name: "faults" },
        );
        assert.equal(
            kubernetesObject({
                urn: PROVIDER,
                type: "pulumi:providers:kubernetes",
                id: "x",
                ...custom,
            }),
            undefined,
        );
        assert.equal(
            kubernetesObject({ urn: "u", type: "orchestration:index:ScalableService" }),
            undefined,
        );
        assert.equal(
            kubernetesObject({ urn: "u", type: "kubernetes:apps/v1:Deployment", ...custom }),
            undefined,
            "no id yet",
        );
    });

    it("accepts a consistent export and names each inconsistency of a broken one", () => {
        const good: StackExport = {
            version: 3,
            deployment: {
                resources: [
                    { urn: STACK, type: "pulumi:pulumi:Stack" },
                    {
                        urn: PROVIDER,
                        type: "pulumi:providers:kubernetes",
                        custom: true,
                        id: "p1",
                        parent: STACK,
                    },
                    {
                        urn: DEPLOYMENT,
                        type: "kubernetes:apps/v1:Deployment",
                        custom: true,
                        id: "faults/backend-user",
                        parent: STACK,
                        provider: `${PROVIDER}::p1`,
                        dependencies: [PROVIDER],
                    },
                    {
                        urn: DEPLOYMENT,
                        type: "kubernetes:apps/v1:Deployment",
                        custom: true,
                        id: "faults/old",
                        delete: true,
                    },
                ],
            },
        };
        assert.deepEqual(exportProblems(good), []);
        assert.deepEqual(exportProblems(parseExport(JSON.stringify(good))), []);
        const broken: StackExport = {
            version: 3,
            deployment: {
                resources: [
                    {
                        urn: DEPLOYMENT,
                        type: "kubernetes:apps/v1:Deployment",
                        parent: STACK,
                        provider: `${PROVIDER}::p1`,
                    },
                    {
                        urn: DEPLOYMENT,
                        type: "kubernetes:apps/v1:Deployment",
                        dependencies: ["urn:gone"],
                    },
                ],
            },
        };
        assert.deepEqual(exportProblems(broken), [
            `${DEPLOYMENT} appears twice`,
            `${DEPLOYMENT}: its parent ${STACK} is not in the state`,
            `${DEPLOYMENT}: its provider ${PROVIDER} is not in the state`,
            `${DEPLOYMENT}: its dependency urn:gone is not in the state`,
        ]);
        assert.throws(() => parseExport("oops"), /printed no JSON/);
        assert.throws(() => parseExport("{}"), /has no version/);
    });

    it("finds orphans (labelled, made by no controller, not in the state) and lost objects (in the state, not in the cluster)", () => {
        const d = { kind: "Deployment", namespace: "faults", name: "backend-user" };
        const ns = { kind: "Namespace", namespace: "", name: "faults" };
        const cm = { kind: "ConfigMap", namespace: "faults", name: "proxy-config-0123456789" };
        const rs = {
            kind: "ReplicaSet",
            namespace: "faults",
            name: "backend-user-5d9",
            controller: "Deployment/backend-user",
        };
        const svc = { kind: "Service", namespace: "faults", name: "backend-user" };
        assert.deepEqual(compareWithState([d, rs, svc], [d, svc, ns], [ns]), {
            orphans: [],
            lost: [],
        });
        assert.deepEqual(compareWithState([d, rs, cm], [d, svc, ns], []), {
            orphans: [cm],
            lost: [svc, ns],
        });
        assert.equal(showObject(cm), "ConfigMap faults/proxy-config-0123456789");
        assert.equal(showObject(ns), "Namespace faults");
    });

    it("says what a recovery did in a few words", () => {
        const none = {
            staleLocks: [],
            pending: [],
            imported: [],
            cleared: [],
            orphans: [],
            refreshed: { unchanged: 22 },
            log: [],
        };
        assert.equal(describeRecovery(none), "refresh found no drift");
        assert.equal(
            describeRecovery({
                ...none,
                staleLocks: ["l.json (pid 1)"],
                emptyAttrs: true,
                pending: ["creating a", "creating b", "updating c"],
                imported: ["a id"],
                cleared: ["b"],
                refreshed: { unchanged: 20, updated: 2 },
            }),
            "removed 1 stale lock(s); removed the empty checkpoint .attrs file; cleared 2 pending create(s); 1 other pending op(s) left to refresh; refresh 2 updated; pulumi import of 1 of them",
        );
    });

    it("keeps a command's error lines once each, and a process's environment from /proc", () => {
        const out =
            "Updating (faults):\n    error: the stack is currently locked by 1 lock(s).\nerror: the stack is currently locked by 1 lock(s).\n  pulumi:pulumi:Stack failed\n";
        assert.deepEqual(errorLines(out), ["error: the stack is currently locked by 1 lock(s)."]);
        assert.deepEqual(errorLines("all fine\n"), []);
        assert.deepEqual(parseEnviron("A=1\0B=x=y\0\0"), { A: "1", B: "x=y" });
    });
});
