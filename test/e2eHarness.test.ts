import { strict as assert } from "assert";
import { NODE_ADDRESS, NODE_CAPACITY, nodeObjects } from "../e2e/cluster";
import { matches } from "../e2e/kube";
import { summary } from "../e2e/pulumi";
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

    it("matches equality label selectors", () => {
        assert.ok(matches({ a: "1", b: "2" }, "a=1,b=2"));
        assert.ok(!matches({ a: "1" }, "a=1,b=2"));
    });
});
