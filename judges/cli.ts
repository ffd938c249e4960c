/**
 * `npm run judges [-- --stack <name>]`: renders each stack (or one) under
 * mocks and runs kubeconform, kube-score and kube-linter on its manifests.
 * Exits 1 on any finding beyond the documented exemptions (docs/judges.md).
 * EKS stacks get a documentation-range API CIDR when their stack file has
 * none, since the operator sets that value and the manifests don't depend on it.
 */
import { listStacks, stackConfig } from "../program/stackFiles";
import { findOpenApiSpec } from "./openapi";
import { Finding, Judges, judgeStack } from "./run";
import { findTool, installCommand, ToolName } from "./tools";

/** The value render and the judges use for a missing `orchestration:publicAccessCidrs`. */
export const RENDER_API_CIDR = { "orchestration:publicAccessCidrs": ["192.0.2.0/24"] };

/** Config to add so an EKS stack without operator values still evaluates. */
export function operatorDefaults(stack: string): Record<string, unknown> {
    const config = stackConfig(stack);
    const cidrs = config["orchestration:publicAccessCidrs"];
    const isEks = (config["orchestration:platform"] ?? "eks") === "eks";
    return isEks && (!Array.isArray(cidrs) || cidrs.length === 0) ? RENDER_API_CIDR : {};
}

/** The installed judges, or an error naming what is missing and how to install it. */
export function locateJudges(): Judges {
    const tool = (name: ToolName) => {
        const found = findTool(name);
        if (!found) {
            throw new Error(`${name} is not installed; install it with: ${installCommand(name)}`);
        }
        return found;
    };
    const openApiSpec = findOpenApiSpec();
    if (!openApiSpec) {
        throw new Error(
            "the Kubernetes OpenAPI document is missing: install Go, or set K8S_OPENAPI_SPEC to a swagger.json",
        );
    }
    return {
        kubeconform: tool("kubeconform"),
        kubeScore: tool("kube-score"),
        kubeLinter: tool("kube-linter"),
        openApiSpec,
    };
}

if (require.main === module) {
    (async () => {
        const argv = process.argv.slice(2);
        const i = argv.indexOf("--stack");
        const stacks = i >= 0 ? [argv[i + 1]] : listStacks();
        const judges = locateJudges();
        let all: Finding[] = [];
        for (const stack of stacks) {
            const findings = await judgeStack(judges, stack, operatorDefaults(stack));
            process.stdout.write(
                `${stack}: ${findings.length === 0 ? "no findings" : `${findings.length} findings`}\n`,
            );
            for (const f of findings) {
                process.stdout.write(`  [${f.judge}] ${f.file ? `${f.file}: ` : ""}${f.message}\n`);
            }
            all = all.concat(findings);
        }
        process.exit(all.length === 0 ? 0 : 1);
    })().catch((err: unknown) => {
        process.stderr.write(
            `judges failed: ${err instanceof Error ? err.message : String(err)}\n`,
        );
        process.exit(1);
    });
}
