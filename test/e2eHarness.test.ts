import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { NODE_ADDRESS, NODE_CAPACITY, nodeObjects } from "../e2e/cluster";
import { matches } from "../e2e/kube";
import { summary } from "../e2e/pulumi";
import { FAULT_IMAGES, writeFaultStages } from "../e2e/stages";
import { jsonObjects } from "../e2e/workloads";

/** The e2e harness's pure parts, which the real-cluster suite relies on to see what happened. */
describe("e2e harness (pure)", () => {
    it("gives every simulated node a loopback address, ephemeral storage, a zone and its metrics path", () => {
        const nodes = nodeObjects([
            { name: "n0", zone: "zone-a" },
            { name: "n1", zone: "zone-b" },
        ]);
        assert.equal(nodes.length, 2);
        for (const n of nodes) {
            assert.deepEqual(n.status.addresses, [
                { type: "InternalIP", address: NODE_ADDRESS },
                { type: "Hostname", address: n.metadata.name },
            ]);
            assert.equal(
                n.status.capacity["ephemeral-storage"],
                NODE_CAPACITY["ephemeral-storage"],
            );
            assert.deepEqual(n.status.allocatable, n.status.capacity);
            assert.equal(
                n.metadata.annotations["metrics.k8s.io/resource-metrics-path"],
                `/metrics/nodes/${n.metadata.name}/metrics/resource`,
            );
        }
        assert.equal(NODE_ADDRESS, "127.0.0.1");
        assert.deepEqual(
            nodes.map((n) => n.metadata.labels["topology.kubernetes.io/zone"]),
            ["zone-a", "zone-b"],
        );
    });

    it("splits a watch stream into objects whatever the chunking, braces in strings included", () => {
        const events = [
            { type: "ADDED", object: { metadata: { name: "a", annotations: { x: '}{"' } } } },
            { type: "DELETED", object: { metadata: { name: "b" } } },
        ];
        const text = JSON.stringify(events[0], null, 4) + "\n" + JSON.stringify(events[1]) + "\n";
        for (const size of [1, 7, text.length]) {
            const split = jsonObjects();
            const out: unknown[] = [];
            for (let i = 0; i < text.length; i += size) {
                out.push(...split(text.slice(i, i + size)));
            }
            assert.deepEqual(out, events, `chunks of ${size}`);
        }
    });

    it("reads the resource counts of an up, a preview or a destroy", () => {
        const out = [
            "Updating (e2e):",
            "Resources:",
            "    + 22 created",
            "    ~ 2 updated",
            "    20 unchanged",
            "",
            "Duration: 25s",
        ].join("\n");
        assert.deepEqual(summary(out), { created: 22, updated: 2, unchanged: 20 });
        assert.deepEqual(summary("Resources:\n    - 5 to delete\n"), { delete: 5 });
    });

    it("writes fault stages that select only live pods running a fault image, and outweigh the default pod-ready stage", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stages-"));
        try {
            const docs = YAML.parseAllDocuments(fs.readFileSync(writeFaultStages(dir), "utf8"));
            const stages = docs.map((d) => d.toJS());
            assert.deepEqual(
                stages.map((s) => [s.kind, s.spec.resourceRef, s.spec.weight]),
                Object.keys(FAULT_IMAGES).map(() => ["Stage", { apiGroup: "v1", kind: "Pod" }, 1]),
            );
            assert.deepEqual(
                stages.map((s) => s.spec.selector),
                Object.values(FAULT_IMAGES).map((image) => ({
                    matchExpressions: [
                        { key: ".metadata.deletionTimestamp", operator: "DoesNotExist" },
                        { key: ".spec.containers.[].image", operator: "In", values: [image] },
                    ],
                })),
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("matches equality label selectors", () => {
        assert.ok(matches({ a: "1", b: "2" }, "a=1,b=2"));
        assert.ok(!matches({ a: "1" }, "a=1,b=2"));
    });
});

/**
 * The toolchain's wrapper around the v3.68 Node.js language host
 * (e2e/toolchain/build.sh): it must pass Pulumi.yaml's `typescript: false`
 * and `nodeargs` on as flags, as a current host honours them, or the e2e
 * suite and bench:e2e run the program unlike a user's CLI would.
 */
describe("e2e toolchain: the Node.js host's options wrapper", () => {
    const script = fs.readFileSync(
        path.join(__dirname, "..", "e2e", "toolchain", "build.sh"),
        "utf8",
    );
    const wrapper = /cat <<'WRAPPER'\n([\s\S]*?)\nWRAPPER\n/.exec(script)?.[1];
    let dir: string;

    before(() => {
        assert.ok(wrapper, "build.sh has no WRAPPER heredoc");
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "host-wrapper-"));
        fs.writeFileSync(path.join(dir, "host"), `${wrapper}\n`, { mode: 0o755 });
        // Stands in for the real host: prints each argument on a line.
        fs.writeFileSync(
            path.join(dir, "host.bin"),
            '#!/bin/sh\nfor a in "$@"; do echo "$a"; done\n',
            {
                mode: 0o755,
            },
        );
        fs.mkdirSync(path.join(dir, "project", "bin"), { recursive: true });
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** The arguments the host gets when the wrapper starts in the program's directory. */
    function hostArgs(options: string): string[] {
        const yaml = `name: p\nmain: bin/index.js\nruntime:\n  name: nodejs\n  options:\n${options}`;
        fs.writeFileSync(path.join(dir, "project", "Pulumi.yaml"), yaml);
        const out = execFileSync(path.join(dir, "host"), ["127.0.0.1:1234"], {
            cwd: path.join(dir, "project", "bin"),
            encoding: "utf8",
        });
        return out.trimEnd().split("\n");
    }

    it("passes typescript: false and nodeargs from the Pulumi.yaml above the program directory", () => {
        assert.deepEqual(
            hostArgs("    typescript: false\n    nodeargs: --require ./program/compileCache.js\n"),
            [
                "-typescript=false",
                "-nodeargs=--require ./program/compileCache.js",
                "127.0.0.1:1234",
            ],
        );
    });

    it("takes a quoted nodeargs value without its quotes", () => {
        assert.deepEqual(hostArgs('    nodeargs: "--max-old-space-size=512"\n'), [
            "-nodeargs=--max-old-space-size=512",
            "127.0.0.1:1234",
        ]);
    });

    it("keeps a quote that does not wrap the whole value", () => {
        assert.deepEqual(hostArgs('    nodeargs: --require "./a b.js"\n'), [
            '-nodeargs=--require "./a b.js"',
            "127.0.0.1:1234",
        ]);
    });

    it("passes nothing when Pulumi.yaml sets neither", () => {
        assert.deepEqual(hostArgs("    packagemanager: npm\n"), ["127.0.0.1:1234"]);
    });
});
