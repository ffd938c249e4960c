import { strict as assert } from "assert";
import { checkCapacity, maxPodsPerNode } from "../components/eks-cluster/capacity";

describe("pod capacity with the VPC CNI (pure)", () => {
    it("computes ENIs × (IPv4 per ENI − 1) + 2 for the documented types", () => {
        const expected: Record<string, number> = {
            "t3.micro": 4,
            "t3.small": 11,
            "t3.medium": 17,
            "t3.large": 35,
            "m5.large": 29,
            "m5.xlarge": 58,
        };
        for (const [type, pods] of Object.entries(expected)) {
            assert.equal(maxPodsPerNode(type), pods, type);
        }
        assert.equal(maxPodsPerNode("x9.huge"), undefined);
    });

    it("subtracts aws-node, kube-proxy and the Pod Identity agent per node and CoreDNS plus metrics-server once", () => {
        const r = checkCapacity({
            instanceTypes: ["t3.medium"],
            maxNodes: 2,
            serviceMaxReplicas: [10, 10, 4],
        });
        assert.deepEqual(r, {
            podsPerNode: 17,
            limitingType: "t3.medium",
            schedulablePerNode: 14,
            capacity: 28,
            systemPods: 4,
            servicePods: 24,
            required: 28,
            fits: true,
        });
        assert.equal(
            checkCapacity({
                instanceTypes: ["t3.medium"],
                maxNodes: 2,
                serviceMaxReplicas: [10, 10, 5],
            }).fits,
            false,
        );
    });

    it("plans for the smallest instance type in a mixed group", () => {
        const r = checkCapacity({
            instanceTypes: ["m5.large", "t3.small"],
            maxNodes: 3,
            serviceMaxReplicas: [1],
        });
        assert.equal(r.limitingType, "t3.small");
        assert.equal(r.capacity, 24);
    });

    it("fails the seed's t3.micro: the system pods fill it", () => {
        const r = checkCapacity({
            instanceTypes: ["t3.micro"],
            maxNodes: 2,
            serviceMaxReplicas: [1],
        });
        assert.equal(r.capacity, 2);
        assert.equal(r.required, 5);
        assert.equal(r.fits, false);
    });

    it("uses an override for types missing from the table, and rejects unknown types without one", () => {
        assert.equal(
            checkCapacity({
                instanceTypes: ["x9.huge"],
                maxNodes: 1,
                serviceMaxReplicas: [],
                podsPerNodeOverride: 110,
            }).capacity,
            107,
        );
        assert.throws(
            () =>
                checkCapacity({ instanceTypes: ["x9.huge"], maxNodes: 1, serviceMaxReplicas: [] }),
            /unknown instance type "x9.huge"/,
        );
    });
});
