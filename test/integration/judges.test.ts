import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { KUBE_LINTER_STACK_EXEMPTIONS, KUBE_SCORE_EXEMPTIONS } from "../../judges/config";
import { findOpenApiSpec } from "../../judges/openapi";
import { Judges, judgeManifests, judgeStack, runKubeconform } from "../../judges/run";
import { EKS_DEFAULTS } from "../../components/eks-cluster/args";
import { KUBERNETES_OPENAPI_VERSION } from "../../judges/schemas";
import { loadStackConfig } from "../../program/config";
import { runProgram } from "../../program/evaluate";
import { renderStack } from "../../program/render";
import { OPERATOR_CONFIG, ROOT, stackConfig, STACKS } from "../stacks";
import { requireTool } from "../tools";

/**
 * The independent judges, on the rendered manifests of every stack: zero
 * findings beyond the exemptions documented in docs/judges.md. And proof that
 * they judge: the seed's manifest and a weakened one fail.
 */
describe("judges on every stack's rendered manifests", function () {
    let judges: Judges;

    before(function () {
        const kubeconform = requireTool(this, "kubeconform");
        const kubeScore = requireTool(this, "kube-score");
        const kubeLinter = requireTool(this, "kube-linter");
        const openApiSpec = findOpenApiSpec();
        if (!openApiSpec) {
            if (process.env.CI === "true") {
                throw new Error(
                    "the Kubernetes OpenAPI document is missing; CI needs Go to download it",
                );
            }
            this.skip();
        }
        judges = { kubeconform, kubeScore, kubeLinter, openApiSpec };
    });

    it("validates against the Kubernetes version the clusters pin", function () {
        assert.equal(
            KUBERNETES_OPENAPI_VERSION.replace(/^v(\d+\.\d+)\.\d+$/, "$1"),
            EKS_DEFAULTS.kubernetesVersion,
        );
        assert.ok(
            judges.openApiSpec.includes(`kubernetes@${KUBERNETES_OPENAPI_VERSION}`) ||
                process.env.K8S_OPENAPI_SPEC,
        );
    });

    for (const stack of STACKS) {
        it(`${stack}: kubeconform (strict), kube-score and kube-linter find nothing`, async function () {
            const findings = await judgeStack(
                judges,
                stack,
                stack === "local" ? {} : OPERATOR_CONFIG,
            );
            assert.deepEqual(findings, []);
        });
    }

    it("rejects the seed's livenessProbe beside containers, as strict field validation does", function () {
        const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "seed-"));
        try {
            const findings = runKubeconform(
                judges,
                [path.join(ROOT, "test", "fixtures", "seed", "deployment.yaml")],
                scratch,
            );
            assert.equal(findings.length, 1);
            assert.match(
                findings[0].message,
                /statusInvalid: .*at '\/spec\/template\/spec': additional properties 'livenessProbe' not allowed/,
            );
        } finally {
            fs.rmSync(scratch, { recursive: true, force: true });
        }
    });

    it("catches a weakened service: no NetworkPolicy, a root user, no readiness probe", async function () {
        const config: Record<string, unknown> = { ...stackConfig("prod"), ...OPERATOR_CONFIG };
        const { mocks } = await runProgram("prod", config);
        const cfg = loadStackConfig("prod", "orchestration", (k) => {
            const v = config[k];
            return v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
        });
        const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "weak-"));
        try {
            for (const file of renderStack("prod", mocks.resources)) {
                if (
                    !file.path.startsWith("kubernetes/") ||
                    file.path.includes("networkpolicy-backend-user")
                ) {
                    continue;
                }
                let content = file.content;
                if (file.path.endsWith("deployment-backend-user.yaml")) {
                    const d = parse(content);
                    const c = d.spec.template.spec.containers[0];
                    delete c.readinessProbe;
                    c.securityContext.runAsUser = 0;
                    c.securityContext.runAsNonRoot = false;
                    d.spec.template.spec.securityContext.runAsUser = 0;
                    d.spec.template.spec.securityContext.runAsNonRoot = false;
                    content = JSON.stringify(d);
                }
                const target = path.join(scratch, file.path);
                fs.mkdirSync(path.dirname(target), { recursive: true });
                fs.writeFileSync(target, content);
            }
            const findings = judgeManifests(judges, path.join(scratch, "kubernetes"), cfg, scratch);
            const text = findings.map((f) => `${f.judge} ${f.message}`).join("\n");
            assert.match(text, /kube-linter non-isolated-pod/);
            assert.match(text, /kube-linter run-as-non-root/);
            assert.match(text, /kube-linter no-readiness-probe/);
            assert.match(text, /kube-score \[CRITICAL\] backend-user.*(NetworkPolicy|readiness)/i);
        } finally {
            fs.rmSync(scratch, { recursive: true, force: true });
        }
    });
});

describe("the judges' exemptions are listed in one place (docs/judges.md)", function () {
    const doc = fs.readFileSync(path.join(ROOT, "docs", "judges.md"), "utf8");
    const tableChecks = [
        ...doc.matchAll(/^\|\s*(kube-score|kube-linter)\s*\|\s*`([a-z0-9-]+)`\s*\|/gm),
    ]
        .map((m) => `${m[1]} ${m[2]}`)
        .sort();

    it("lists exactly the exemptions the judges are configured with", function () {
        const kubeLinter = parse(fs.readFileSync(path.join(ROOT, ".kube-linter.yaml"), "utf8")) as {
            checks: { exclude: string[] };
        };
        const configured = [
            ...kubeLinter.checks.exclude.map((c) => `kube-linter ${c}`),
            ...KUBE_LINTER_STACK_EXEMPTIONS.map((e) => `kube-linter ${e.check}`),
            ...KUBE_SCORE_EXEMPTIONS.map((e) => `kube-score ${e.check}`),
        ].sort();
        assert.deepEqual(tableChecks, configured);
    });
});
