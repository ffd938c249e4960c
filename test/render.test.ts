import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import type { RecordedResource } from "../components/testing";
import {
    kubernetesTypeToGvk,
    REDACTED,
    renderKubernetes,
    renderStack,
    sortKeys,
    toManifest,
} from "../program/render";
import { parseArgs, render } from "../program/renderCli";
import { OPERATOR_CONFIG } from "./stacks";

const resource = (
    type: string,
    inputs: Record<string, any>,
    secretInputs: string[] = [],
): RecordedResource => ({
    type,
    name: inputs.metadata?.name ?? "x",
    inputs,
    state: inputs,
    custom: true,
    secretInputs,
    protect: false,
    ignoreChanges: [],
    replaceOnChanges: [],
    deleteBeforeReplace: false,
    dependencies: [],
    id: "x-id",
});

describe("render (pure)", () => {
    it("maps Pulumi type tokens to apiVersion and kind", () => {
        assert.deepEqual(kubernetesTypeToGvk("kubernetes:apps/v1:Deployment"), {
            apiVersion: "apps/v1",
            kind: "Deployment",
        });
        assert.deepEqual(kubernetesTypeToGvk("kubernetes:core/v1:Service"), {
            apiVersion: "v1",
            kind: "Service",
        });
        assert.deepEqual(kubernetesTypeToGvk("kubernetes:networking.k8s.io/v1:NetworkPolicy"), {
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
        });
        assert.equal(kubernetesTypeToGvk("pulumi:providers:kubernetes"), undefined);
        assert.equal(kubernetesTypeToGvk("aws:iam/role:Role"), undefined);
    });

    it("sorts keys recursively and keeps array order", () => {
        assert.deepEqual(
            JSON.stringify(sortKeys({ b: 1, a: [{ d: 1, c: 2 }, 0] })),
            '{"a":[{"c":2,"d":1},0],"b":1}',
        );
    });

    it("never writes secret values: Secret data and secret inputs are redacted", () => {
        const secret = toManifest(
            resource("kubernetes:core/v1:Secret", {
                metadata: { name: "db", namespace: "apps" },
                stringData: { password: "hunter2" },
            }),
        )!;
        assert.deepEqual(secret.stringData, { password: REDACTED });
        const cm = toManifest(
            resource(
                "kubernetes:core/v1:ConfigMap",
                {
                    metadata: { name: "c", namespace: "apps" },
                    data: { token: "t0ps3cret", plain: "ok" },
                },
                ["data.token"],
            ),
        )!;
        assert.deepEqual(cm.data, { plain: "ok", token: REDACTED });
        const files = renderStack("s", [
            resource("kubernetes:core/v1:Secret", {
                metadata: { name: "db", namespace: "apps" },
                data: { k: "aHVudGVyMg==" },
            }),
        ]);
        assert.equal(
            files.some((f) => f.content.includes("aHVudGVyMg==")),
            false,
        );
    });

    it("names files by namespace, kind and name, cluster-scoped objects under _cluster, sorted", () => {
        const files = renderKubernetes([
            resource("kubernetes:core/v1:Service", { metadata: { name: "b", namespace: "apps" } }),
            resource("kubernetes:core/v1:Namespace", { metadata: { name: "apps" } }),
            resource("kubernetes:apps/v1:Deployment", {
                metadata: { name: "b", namespace: "apps" },
            }),
        ]);
        assert.deepEqual(
            files.map((f) => f.path),
            [
                "kubernetes/_cluster/namespace-apps.yaml",
                "kubernetes/apps/deployment-b.yaml",
                "kubernetes/apps/service-b.yaml",
            ],
        );
        assert.deepEqual(parse(files[1].content), {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "b", namespace: "apps" },
        });
    });

    it("refuses two objects that would overwrite each other's file", () => {
        const twice = resource("kubernetes:core/v1:Service", {
            metadata: { name: "b", namespace: "apps" },
        });
        assert.throws(
            () => renderKubernetes([twice, twice]),
            /two objects render to kubernetes\/apps\/service-b\.yaml/,
        );
    });
});

describe("npm run render (under mocks)", function () {
    let out: string;
    beforeEach(() => (out = fs.mkdtempSync(path.join(os.tmpdir(), "render-"))));
    afterEach(() => fs.rmSync(out, { recursive: true, force: true }));

    const read = (dir: string) =>
        Object.fromEntries(
            fs
                .readdirSync(dir, { recursive: true, withFileTypes: true })
                .filter((e) => e.isFile())
                .map((e) => {
                    const p = path.join(e.parentPath, e.name);
                    return [path.relative(dir, p), fs.readFileSync(p, "utf8")];
                }),
        );

    it("writes every object of the dev stack, the AWS summary, and is byte-for-byte deterministic", async () => {
        const args = { stack: "dev", out, config: OPERATOR_CONFIG };
        await render(args);
        const first = read(out);
        await render(args);
        assert.deepEqual(read(out), first, "a second render differs");
        const names = Object.keys(first).sort();
        assert.ok(names.includes("SUMMARY.md") && names.includes("aws-resources.yaml"));
        assert.equal(names.filter((n) => n.startsWith("kubernetes/apps/deployment-")).length, 3);
        assert.equal(names.filter((n) => n.startsWith("kubernetes/")).length, 20);
        assert.match(first["SUMMARY.md"], /\| `eks:index:Cluster` \| 1 \|/);
        const aws = parse(first["aws-resources.yaml"]) as Array<{ type: string }>;
        assert.ok(aws.some((r) => r.type === "awsx:ec2:Vpc"));
        assert.equal(
            aws.some((r) => r.type.startsWith("kubernetes:")),
            false,
        );
        // The kubeconfig is a secret: it appears nowhere in the output.
        assert.equal(
            Object.values(first).some((c) => c.includes("certificate-authority-data")),
            false,
        );
    });

    it("fails clearly for an unknown stack, invalid config and bad arguments", async () => {
        await assert.rejects(
            render({ stack: "qa", out, config: {} }),
            /unknown stack "qa": there is no Pulumi\.qa\.yaml \(stacks: dev, local, prod, staging\)/,
        );
        await assert.rejects(
            render({
                stack: "dev",
                out,
                config: { ...OPERATOR_CONFIG, "orchestration:maxReplicas": 0 },
            }),
            /stack "dev": invalid input:\n {2}- 'orchestration:maxReplicas' \(0\)/,
        );
        assert.throws(() => parseArgs(["--stack", "dev"]), /--out is required/);
        assert.throws(
            () => parseArgs(["--out", "x"]),
            /--stack is required \(stacks: dev, local, prod, staging\)/,
        );
        assert.throws(
            () => parseArgs(["--stack", "dev", "--out", "x", "--config", "novalue"]),
            /--config takes key=value/,
        );
        assert.throws(
            () => parseArgs(["--stack", "dev", "--out", "x", "--frobnicate"]),
            /unknown argument "--frobnicate"/,
        );
        assert.deepEqual(
            parseArgs([
                "--stack",
                "dev",
                "--out",
                "x",
                "--config",
                'a:b=["1.2.3.4/32"]',
                "--config",
                "a:c=plain",
            ]),
            {
                stack: "dev",
                out: "x",
                config: { "a:b": ["1.2.3.4/32"], "a:c": "plain" },
            },
        );
    });
});
