import { strict as assert } from "assert";
import {
    instanceArchitecture,
    nodeGroupArchitecture,
    parseInstanceFamily,
} from "../components/eks-cluster/instanceArchitecture";
import { IssueCollector } from "../components/shared/validation";

/** Runs `nodeGroupArchitecture` and returns its result with the issues it recorded. */
function resolve(types: string[]) {
    const issues = new IssueCollector();
    const architecture = nodeGroupArchitecture(types, (ok, path, value, reason) =>
        issues.check(ok, path, value, reason),
    );
    let message = "";
    try {
        issues.throwIfAny("test");
    } catch (err) {
        message = (err as Error).message;
    }
    return { architecture, message };
}

describe("instance type architecture (pure)", () => {
    it("splits a family into series, generation and options", () => {
        assert.deepEqual(parseInstanceFamily("m7gd.large"), {
            series: "m",
            generation: 7,
            options: "gd",
        });
        assert.deepEqual(parseInstanceFamily("is4gen.xlarge"), {
            series: "is",
            generation: 4,
            options: "gen",
        });
        assert.deepEqual(parseInstanceFamily("u-6tb1.112xlarge"), {
            series: "u",
            generation: 6,
            options: "tb1",
        });
        assert.equal(parseInstanceFamily("large.m7g"), undefined);
    });

    it("reads arm64 from a 'g' right after the generation, and a1", () => {
        const graviton = [
            "t4g.medium",
            "m6g.large",
            "m7g.large",
            "m7gd.xlarge",
            "c6gn.xlarge",
            "c7gn.large",
            "r8g.large",
            "x2gd.large",
            "im4gn.large",
            "is4gen.large",
            "i4g.large",
            "hpc7g.4xlarge",
            "a1.large",
        ];
        for (const type of graviton) {
            assert.deepEqual(instanceArchitecture(type), { architecture: "arm64" }, type);
        }
    });

    it("reads x86_64 for Intel, AMD and letterless families", () => {
        const x86 = [
            "t3.medium",
            "t3a.small",
            "m5.large",
            "m5zn.large",
            "m7i.large",
            "m7i-flex.large",
            "m7a.large",
            "c5n.large",
            "r7iz.large",
            "x2idn.16xlarge",
            "z1d.large",
            "hpc6a.48xlarge",
            "u-6tb1.112xlarge",
        ];
        for (const type of x86) {
            assert.deepEqual(instanceArchitecture(type), { architecture: "x86_64" }, type);
        }
    });

    it("refuses accelerated families (g4dn and g5 are GPUs, not Graviton), Macs and unreadable names", () => {
        const accelerated: Array<[string, string]> = [
            ["g4dn.xlarge", "GPUs"],
            ["g5.xlarge", "GPUs"],
            ["g5g.xlarge", "GPUs"],
            ["gr6.4xlarge", "GPUs"],
            ["p5.48xlarge", "GPUs"],
            ["inf2.xlarge", "AWS Inferentia chips"],
            ["trn1.2xlarge", "AWS Trainium chips"],
            ["dl1.24xlarge", "deep-learning accelerators"],
            ["f1.2xlarge", "FPGAs"],
            ["vt1.3xlarge", "video transcoding accelerators"],
        ];
        for (const [type, what] of accelerated) {
            const r = instanceArchitecture(type);
            assert.equal(r.architecture, undefined, type);
            assert.ok(r.refused.startsWith(`is an accelerated family (${what}):`), r.refused);
        }
        assert.deepEqual(instanceArchitecture("mac2.metal"), {
            refused: "is a Mac instance, which can't be an EKS node",
        });
        assert.deepEqual(instanceArchitecture("metal.large"), {
            refused: "has no instance family EksCluster can read an architecture from",
        });
    });

    it("gives a node group its one architecture, x86_64 or arm64", () => {
        assert.deepEqual(resolve(["t3.medium", "m5.large"]), {
            architecture: "x86_64",
            message: "",
        });
        assert.deepEqual(resolve(["t4g.medium", "m7g.large"]), {
            architecture: "arm64",
            message: "",
        });
    });

    it("refuses a node group that mixes architectures, naming the field, its value and each side", () => {
        assert.equal(
            resolve(["t3.medium", "t4g.medium"]).message,
            `test: invalid input:\n  - 'nodeGroup.instanceTypes' (["t3.medium","t4g.medium"]) mix x86_64 and arm64: ` +
                "t3.medium is x86_64 and t4g.medium is arm64 (AWS Graviton); a managed node group runs one AMI type, " +
                "so list instance types of one architecture",
        );
    });

    it("refuses an accelerated type by its index", () => {
        const { message } = resolve(["t3.medium", "g4dn.xlarge"]);
        assert.ok(
            message.includes(
                `'nodeGroup.instanceTypes[1]' ("g4dn.xlarge") is an accelerated family (GPUs): EksCluster runs the standard AL2023 AMI types`,
            ),
            message,
        );
    });
});
