/**
 * The component package from other Pulumi languages, for real: the provider
 * plugin built from the packed npm package, and the example programs in
 * examples/yaml, examples/python and examples/go (the last two through the
 * checked-in, generated SDKs) deployed with the real engine and language hosts
 * to the e2e cluster. Each proves the same component runs behind the schema:
 * ready objects, the outputs, our validation message, and a clean destroy.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { PACKAGE, packPackage, run } from "../../packaging/npm";
import { PACKAGE_NAME } from "../../packaging/packageSchema";
import { buildPluginDir } from "../../packaging/plugin";
import { SDK_LANGUAGES, SDK_ROOT, staleSdkFiles } from "../../packaging/sdk";
import { containerEnvironment } from "../../e2e/environment";
import { Kube, KubeObject } from "../../e2e/kube";
import { previewed, PulumiCli, StackRef } from "../../e2e/pulumi";
import { destroyWithoutTrace, SERVICE_KINDS } from "../../e2e/traces";
import { waitEndpointsMatchPods, workload } from "../../e2e/workloads";
import { requireE2e } from "./fixture";

const ROOT = path.resolve(__dirname, "..", "..");
const NAME = "podinfo";
const MIN = 2;
const MAX = 4;
const API_TOKEN = "e2e-api-token-8c2a";
const DB_PASSWORD = "e2e-db-password-41fe";

/** One consumer: an example program and how to run it here. */
interface Consumer {
    language: string;
    example: string;
    namespace: string;
    /** Whether the program creates its namespace (then destroy must remove it). */
    createsNamespace: boolean;
    /** The kinds of the objects the component makes for this program (found by its labels). */
    kinds: string[];
    /** Prepares the environment and returns the CLI to run the program with. */
    prepare(cli: PulumiCli, stack: StackRef, kube: Kube, venvBin: string): Promise<PulumiCli>;
    /**
     * Whether the program passes outputs inside env and annotations: a Secret's
     * generated name in a secretKeyRef, a secret value, and a whole annotations map.
     */
    outputsInEnv: boolean;
}

const consumers: Consumer[] = [
    {
        language: "Pulumi YAML",
        example: "yaml",
        // The program creates its namespace and passes its name, an output, to the component.
        namespace: "podinfo-yaml",
        createsNamespace: true,
        // The secret env value: the auto-named Secret <name>-env-<suffix>.
        kinds: [...SERVICE_KINDS, "Secret"],
        outputsInEnv: true,
        prepare: async (cli, stack) => {
            await setConfig(cli, stack, "namespace", "podinfo-yaml");
            await setSecrets(cli, stack);
            return cli;
        },
    },
    {
        language: "Python",
        example: "python",
        namespace: "podinfo-python",
        createsNamespace: false,
        kinds: [...SERVICE_KINDS, "Secret"],
        outputsInEnv: true,
        prepare: async (cli, stack, kube, venv) => {
            // As a user would: pip install the generated SDK into the program's venv
            // (the toolchain's, which has the Pulumi SDK from PyPI). From a copy, as
            // pip's in-tree build writes build/ and egg-info beside the sources.
            const sdk = path.join(stack.cwd, "sdk-python");
            fs.cpSync(path.join(SDK_ROOT, "python"), sdk, { recursive: true });
            run(
                path.join(venv, "pip"),
                [
                    "install",
                    "--quiet",
                    "--no-deps",
                    "--no-build-isolation",
                    "--force-reinstall",
                    sdk,
                ],
                stack.cwd,
            );
            await kube.run(["create", "namespace", "podinfo-python"]);
            const python = cli.withPathFirst(venv);
            await setConfig(python, stack, "namespace", "podinfo-python");
            await setSecrets(python, stack);
            return python;
        },
    },
    {
        language: "Go",
        example: "go",
        namespace: "podinfo-go",
        createsNamespace: false,
        kinds: SERVICE_KINDS,
        outputsInEnv: false,
        // The Go host builds the program with the go on PATH, against ../../sdk (a replace directive).
        prepare: async (cli, stack, kube) => {
            fs.cpSync(SDK_ROOT, path.join(stack.cwd, "..", "..", "sdk"), { recursive: true });
            await kube.run(["create", "namespace", "podinfo-go"]);
            await setConfig(cli, stack, "namespace", "podinfo-go");
            return cli;
        },
    },
];

/** The secret config the YAML and Python programs read. */
async function setSecrets(cli: PulumiCli, s: StackRef) {
    await setConfig(cli, s, "apiToken", API_TOKEN, true);
    await setConfig(cli, s, "dbPassword", DB_PASSWORD, true);
}

async function setConfig(cli: PulumiCli, s: StackRef, key: string, value: string, secret = false) {
    await cli.run(s.cwd, [
        "config",
        "set",
        ...(secret ? ["--secret"] : []),
        key,
        value,
        "--stack",
        s.stack,
    ]);
}

describe("the component package from other languages, on a real control plane", function () {
    this.timeout(900_000);
    let kube: Kube;
    let base: PulumiCli;
    let workDir: string;

    before(async function () {
        const env = requireE2e(this);
        kube = env.cluster.kube;
        base = env.pulumi;
        workDir = fs.mkdtempSync(path.join(env.workDir, "languages-"));
        const pluginDir = buildPluginDir(path.join(workDir, "plugin"), packPackage(workDir));
        await base.run(workDir, [
            "plugin",
            "install",
            "resource",
            PACKAGE_NAME,
            PACKAGE.version,
            "--file",
            pluginDir,
        ]);
    });

    for (const language of SDK_LANGUAGES) {
        it(`has a checked-in ${language} SDK that is exactly what the schema generates`, function () {
            const sdkgen = requireE2e(this).toolchain.bin("pulumi-sdkgen");
            assert.deepEqual(
                staleSdkFiles(sdkgen, language),
                [],
                `sdk/${language} is stale: run npm run sdk`,
            );
        });
    }

    for (const consumer of consumers) {
        describe(`a ${consumer.language} program (examples/${consumer.example})`, function () {
            let cli: PulumiCli;
            let stack: StackRef;

            before(async function () {
                requireE2e(this);
                const dir = path.join(workDir, "examples", consumer.example);
                fs.cpSync(path.join(ROOT, "examples", consumer.example), dir, { recursive: true });
                stack = { cwd: dir, stack: "e2e" };
                await base.init(stack);
                const venvBin = path.join(requireE2e(this).toolchain.bin("python-venv"), "bin");
                cli = await consumer.prepare(base, stack, kube, venvBin);
                // Through a preview, as a user's first `up` goes, in each language's host.
                const up = await cli.up(stack, { preview: true });
                assert.ok(previewed(up.stdout), "the first up ran no preview");
            });

            after(async function () {
                await cli?.cleanUp(stack);
            });

            it("deploys a ready Deployment, Service and HPA, and outputs serviceName and url", async function () {
                const w = await workload(kube, consumer.namespace, NAME);
                assert.ok(
                    w.readyPods.length >= MIN,
                    `${w.readyPods.length} ready pods right after up`,
                );
                await waitEndpointsMatchPods(kube, consumer.namespace, NAME);
                const hpa = await kube.get("hpa", NAME, consumer.namespace);
                assert.deepEqual(
                    [hpa.spec.scaleTargetRef.name, hpa.spec.minReplicas, hpa.spec.maxReplicas],
                    [NAME, MIN, MAX],
                );
                assert.deepEqual(await cli.outputs(stack), {
                    serviceName: NAME,
                    url: `http://${NAME}.${consumer.namespace}.svc.cluster.local:80`,
                });
            });

            if (consumer.example === "yaml") {
                it("unwraps a nested output (podLabels from the Namespace's name) onto the pods", async function () {
                    const w = await workload(kube, consumer.namespace, NAME);
                    assert.ok(w.readyPods.length > 0);
                    for (const p of w.readyPods) {
                        assert.equal(p.metadata.labels["part-of"], consumer.namespace);
                    }
                });
            }

            if (consumer.outputsInEnv) {
                it("takes outputs in env and annotations: a Secret's generated name, a secret value, a whole map", async function () {
                    const deployment = await kube.get("deployment", NAME, consumer.namespace);
                    const live = JSON.stringify(deployment);
                    for (const secret of [API_TOKEN, DB_PASSWORD]) {
                        for (const form of [secret, Buffer.from(secret).toString("base64")]) {
                            assert.ok(!live.includes(form), `${form} is in the Deployment`);
                        }
                    }
                    const container = deployment.spec.template.spec.containers[0];
                    const refOf = (name: string) =>
                        (container.env as KubeObject[]).find((e) => e.name === name)?.valueFrom
                            ?.secretKeyRef;
                    // The program's Secret, by the name Pulumi generated for it.
                    assert.match(refOf("DB_PASSWORD")?.name ?? "", /^db-credentials-[a-z0-9]+$/);
                    // The secret value, from the component's own Secret.
                    assert.match(refOf("API_TOKEN")?.name ?? "", new RegExp(`^${NAME}-env-`));
                    const env = await containerEnvironment(kube, consumer.namespace, container);
                    assert.equal(env.API_TOKEN, API_TOKEN);
                    assert.equal(env.DB_PASSWORD, DB_PASSWORD);
                    const sa = await kube.get("serviceaccount", NAME, consumer.namespace);
                    assert.equal(sa.metadata.annotations?.team, "podinfo");
                    assert.equal(sa.metadata.annotations?.tier, "backend");
                });

                it("lists env so the kubelet expands $(DB_PASSWORD) into DATABASE_URL", async function () {
                    const deployment = await kube.get("deployment", NAME, consumer.namespace);
                    const container = deployment.spec.template.spec.containers[0];
                    const names = (container.env as KubeObject[]).map((e) => e.name as string);
                    assert.ok(
                        names.indexOf("DB_PASSWORD") < names.indexOf("DATABASE_URL"),
                        names.join(","),
                    );
                    const env = await containerEnvironment(kube, consumer.namespace, container);
                    assert.equal(env.DATABASE_URL, `postgres://app:${DB_PASSWORD}@db/app`);
                });
            }

            it("fails an invalid arg with the component's message, naming the field and its value", async function () {
                await setConfig(cli, stack, "minReplicas", "5");
                try {
                    const r = await cli.preview(stack, [], true);
                    assert.notEqual(r.code, 0, "the preview succeeded");
                    assert.match(
                        r.stdout + r.stderr,
                        /'autoscaling\.minReplicas' \(5\) must be <= 'autoscaling\.maxReplicas' \(4\)/,
                    );
                } finally {
                    await cli.run(stack.cwd, [
                        "config",
                        "rm",
                        "minReplicas",
                        "--stack",
                        stack.stack,
                    ]);
                }
            });

            it(
                consumer.createsNamespace
                    ? "is destroyed without a trace: no object labelled as the service's in any namespace, the namespace it created gone, the state empty"
                    : "is destroyed without a trace: no object labelled as the service's in any namespace, the state empty",
                async function () {
                    await destroyWithoutTrace(kube, {
                        serviceNames: [NAME],
                        kinds: consumer.kinds,
                        namespacesGone: consumer.createsNamespace ? [consumer.namespace] : [],
                        destroy: () => cli.destroy(stack),
                    });
                    assert.deepEqual(await cli.resourceUrns(stack), []);
                },
            );
        });
    }
});
