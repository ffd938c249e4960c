import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/**
 * The third-party checkers are Go programs. .ci/run installs them into a
 * cache directory outside the checkout and puts it on PATH; on a developer
 * machine they may also be in .tools/bin or $(go env GOPATH)/bin.
 */

/** The versions .ci/run installs; keep the two in step. */
export const TOOLS = {
    actionlint: "github.com/rhysd/actionlint/cmd/actionlint@v1.7.7",
    kubeconform: "github.com/yannh/kubeconform/cmd/kubeconform@v0.7.0",
    "kube-score": "github.com/zegl/kube-score/cmd/kube-score@v1.20.0",
    // Built from .ci/tools/kube-linter (a pinned replace), not with `go install`.
    "kube-linter": "golang.stackrox.io/kube-linter/cmd/kube-linter@v0.8.3",
} as const;

/** A checker's name. */
export type ToolName = keyof typeof TOOLS;

/** The project root. */
export const ROOT = path.resolve(__dirname, "..");

/** `go env <name>`, or undefined without a Go toolchain. */
export function goEnv(name: string): string | undefined {
    try {
        return execFileSync("go", ["env", name], {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "ignore"],
        }).trim();
    } catch {
        return undefined;
    }
}

/** The tool's path, or undefined when it is not installed. */
export function findTool(name: ToolName): string | undefined {
    const gopath = goEnv("GOPATH");
    const dirs = [
        path.join(ROOT, ".tools", "bin"),
        ...(process.env.PATH ?? "").split(path.delimiter).filter(Boolean),
        ...(gopath ? [path.join(gopath, "bin")] : []),
    ];
    return dirs.map((d) => path.join(d, name)).find((p) => fs.existsSync(p));
}

/** The command that installs a tool, for messages. */
export function installCommand(name: ToolName): string {
    return name === "kube-linter"
        ? `(cd .ci/tools/kube-linter && go build -o ../../../.tools/bin/kube-linter ${TOOLS[name].split("@")[0]})`
        : `GOBIN="$PWD/.tools/bin" go install ${TOOLS[name]}`;
}
