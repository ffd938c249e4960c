import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { loadStackConfig, StackConfig } from "../program/config";
import { runProgram } from "../program/evaluate";
import { renderStack } from "../program/render";
import { stackConfig } from "../program/stackFiles";
import {
    applicable,
    KUBE_LINTER_STACK_EXEMPTIONS,
    KUBE_SCORE_EXEMPTIONS,
    KUBE_SCORE_OPTIONAL,
} from "./config";
import { generateSchemas } from "./schemas";
import { ROOT } from "./tools";

/**
 * Runs the independent judges on rendered manifests: kubeconform (strict,
 * against schemas of the pinned Kubernetes version), kube-score and
 * kube-linter (with the exemptions in judges/config.ts and .kube-linter.yaml).
 */

/** One finding: which judge, which file, what it said. */
export interface Finding {
    judge: "kubeconform" | "kube-score" | "kube-linter";
    file: string;
    message: string;
}

/** Paths of the installed judges and the OpenAPI document. */
export interface Judges {
    kubeconform: string;
    kubeScore: string;
    kubeLinter: string;
    openApiSpec: string;
}

function run(
    bin: string,
    args: string[],
    cwd: string,
): { status: number; stdout: string; stderr: string } {
    const r = spawnSync(bin, args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (r.error) {
        throw r.error;
    }
    return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The findings, or, when the tool failed without reporting any (a crash, a bad
 * flag), one finding carrying its exit status and output: a judge that didn't
 * run must not pass.
 */
function orExitFailure(
    judge: Finding["judge"],
    r: { status: number; stdout: string; stderr: string },
    findings: Finding[],
): Finding[] {
    return r.status !== 0 && findings.length === 0
        ? [{ judge, file: "", message: `exit ${r.status}: ${r.stderr || r.stdout}` }]
        : findings;
}

/** The apiVersion and kind of every manifest. */
function kindsOf(files: string[]): Array<{ apiVersion: string; kind: string }> {
    const seen = new Map<string, { apiVersion: string; kind: string }>();
    for (const file of files) {
        const text = fs.readFileSync(file, "utf8");
        const apiVersion = /^apiVersion: (.+)$/m.exec(text)?.[1].trim();
        const kind = /^kind: (.+)$/m.exec(text)?.[1].trim();
        if (apiVersion && kind) {
            seen.set(`${apiVersion} ${kind}`, { apiVersion, kind });
        }
    }
    return [...seen.values()];
}

/** kubeconform in strict mode, with schemas generated for exactly these kinds. */
export function runKubeconform(judges: Judges, files: string[], schemaDir: string): Finding[] {
    generateSchemas(judges.openApiSpec, kindsOf(files), schemaDir);
    const r = run(
        judges.kubeconform,
        [
            "-strict",
            "-output",
            "json",
            "-schema-location",
            path.join(schemaDir, "{{ .ResourceKind }}{{ .KindSuffix }}.json"),
            ...files,
        ],
        ROOT,
    );
    const out = JSON.parse(r.stdout || "{}") as {
        resources?: Array<{ filename: string; status: string; msg: string }>;
    };
    const findings = (out.resources ?? [])
        .filter((res) => res.status !== "statusValid")
        .map((res) => ({
            judge: "kubeconform" as const,
            file: res.filename,
            message: `${res.status}: ${res.msg}`,
        }));
    return orExitFailure("kubeconform", r, findings);
}

/** The kube-score arguments for a stack: opt-in checks, and the exemptions that apply. */
export function kubeScoreArgs(cfg: StackConfig): string[] {
    const args = ["score", "--output-format", "ci"];
    for (const test of KUBE_SCORE_OPTIONAL) {
        args.push("--enable-optional-test", test);
    }
    for (const e of applicable(KUBE_SCORE_EXEMPTIONS, cfg)) {
        args.push(
            ...(e.check === "container-cpu-limit"
                ? ["--ignore-container-cpu-limit"]
                : ["--ignore-test", e.check]),
        );
    }
    return args;
}

/** kube-score over all manifests at once, so it can match Services and PDBs to pods. */
export function runKubeScore(judges: Judges, files: string[], cfg: StackConfig): Finding[] {
    const r = run(judges.kubeScore, [...kubeScoreArgs(cfg), ...files], ROOT);
    const findings = r.stdout
        .split("\n")
        .filter((line) => /^\[(WARNING|CRITICAL)\]/.test(line))
        .map((line) => ({ judge: "kube-score" as const, file: "", message: line }));
    return orExitFailure("kube-score", r, findings);
}

/**
 * The kube-linter config for a stack: .kube-linter.yaml with the stack's
 * exemptions added to its exclusions. (kube-linter's `--exclude` flag would
 * replace the file's list rather than extend it.)
 */
export function kubeLinterConfig(cfg: StackConfig): Record<string, any> {
    const base = parse(fs.readFileSync(path.join(ROOT, ".kube-linter.yaml"), "utf8")) as Record<
        string,
        any
    >;
    const extra = applicable(KUBE_LINTER_STACK_EXEMPTIONS, cfg).map((e) => e.check);
    return {
        ...base,
        checks: { ...base.checks, exclude: [...(base.checks?.exclude ?? []), ...extra] },
    };
}

/** kube-linter over the rendered directory. */
export function runKubeLinter(
    judges: Judges,
    dir: string,
    cfg: StackConfig,
    scratch: string,
): Finding[] {
    const configFile = path.join(scratch, "kube-linter.yaml");
    fs.writeFileSync(configFile, stringify(kubeLinterConfig(cfg)));
    const r = run(
        judges.kubeLinter,
        ["lint", "--config", configFile, "--format", "json", dir],
        ROOT,
    );
    const out = JSON.parse(r.stdout || "{}") as {
        Reports?: Array<{
            Check: string;
            Diagnostic: { Message: string };
            Object: { Metadata: { FilePath: string } };
        }>;
    };
    const findings = (out.Reports ?? []).map((rep) => ({
        judge: "kube-linter" as const,
        file: rep.Object.Metadata.FilePath,
        message: `${rep.Check}: ${rep.Diagnostic.Message}`,
    }));
    return orExitFailure("kube-linter", r, findings);
}

/** Runs all three judges on manifests already on disk. */
export function judgeManifests(
    judges: Judges,
    dir: string,
    cfg: StackConfig,
    scratch: string,
): Finding[] {
    const files: string[] = [];
    const walk = (d: string) => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
            const p = path.join(d, e.name);
            if (e.isDirectory()) {
                walk(p);
            } else if (e.name.endsWith(".yaml")) {
                files.push(p);
            }
        }
    };
    walk(dir);
    files.sort();
    return [
        ...runKubeconform(judges, files, path.join(scratch, "schemas")),
        ...runKubeScore(judges, files, cfg),
        ...runKubeLinter(judges, dir, cfg, scratch),
    ];
}

/**
 * Renders `stack` (plus `extraConfig`) into a scratch directory and judges its
 * Kubernetes manifests. Returns the findings; an empty list is a pass.
 */
export async function judgeStack(
    judges: Judges,
    stack: string,
    extraConfig: Record<string, unknown> = {},
): Promise<Finding[]> {
    const config = { ...stackConfig(stack), ...extraConfig };
    const lookup = (key: string) => {
        const v = config[key];
        return v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
    };
    const cfg = loadStackConfig(stack, "orchestration", lookup);
    const { mocks, error } = await runProgram(stack, config);
    if (error !== undefined) {
        throw error instanceof Error ? error : new Error(JSON.stringify(error));
    }
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `judges-${stack}-`));
    try {
        for (const file of renderStack(stack, mocks.resources)) {
            if (file.path.startsWith("kubernetes/")) {
                const target = path.join(scratch, file.path);
                fs.mkdirSync(path.dirname(target), { recursive: true });
                fs.writeFileSync(target, file.content);
            }
        }
        return judgeManifests(judges, path.join(scratch, "kubernetes"), cfg, scratch);
    } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
    }
}
