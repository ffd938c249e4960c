import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/**
 * Third-party checkers (actionlint, kube-score, kube-linter, kubeconform) are
 * Go programs that .ci/run installs with `go install` into .tools/bin. A test
 * that needs one calls `requireTool`: in CI (CI=true) a missing tool fails the
 * test; on a developer machine without it, the test is skipped with the
 * command that installs it.
 */

/** The versions .ci/run installs; keep the two in step. */
export const TOOLS = {
    actionlint: "github.com/rhysd/actionlint/cmd/actionlint@v1.7.7",
    kubeconform: "github.com/yannh/kubeconform/cmd/kubeconform@v0.7.0",
    "kube-score": "github.com/zegl/kube-score/cmd/kube-score@v1.20.0",
    // Built from .ci/tools/kube-linter (a pinned replace), not with `go install`.
    "kube-linter": "golang.stackrox.io/kube-linter/cmd/kube-linter@v0.8.3",
} as const;

export type ToolName = keyof typeof TOOLS;

const ROOT = path.resolve(__dirname, "..");

function candidates(name: string): string[] {
    const dirs = [
        path.join(ROOT, ".tools", "bin"),
        ...(process.env.PATH ?? "").split(path.delimiter),
    ];
    try {
        const gopath = execFileSync("go", ["env", "GOPATH"], { encoding: "utf8" }).trim();
        dirs.push(path.join(gopath, "bin"));
    } catch {
        // No Go toolchain: only .tools/bin and PATH are searched.
    }
    return dirs.filter(Boolean).map((d) => path.join(d, name));
}

/** The tool's path, or undefined when it is not installed. */
export function findTool(name: ToolName): string | undefined {
    return candidates(name).find((p) => fs.existsSync(p));
}

/**
 * The tool's path. When it is missing, fails under CI and skips otherwise.
 * Call it from inside a mocha test or hook (`this` is the mocha context).
 */
export function requireTool(ctx: Mocha.Context, name: ToolName): string {
    const found = findTool(name);
    if (found) {
        return found;
    }
    const install =
        name === "kube-linter"
            ? `(cd .ci/tools/kube-linter && go build -o "$PWD/../../../.tools/bin/kube-linter" ${TOOLS[name].split("@")[0]})`
            : `GOBIN="$PWD/.tools/bin" go install ${TOOLS[name]}`;
    if (process.env.CI === "true") {
        throw new Error(
            `${name} is not installed, and CI requires it. .ci/run installs it with: ${install}`,
        );
    }
    console.warn(`      (skipped: ${name} is not installed; install it with: ${install})`);
    ctx.skip();
}
