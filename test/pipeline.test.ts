import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { requireTool } from "./tools";

/**
 * The delivery pipeline (.github/workflows): its structure (promotion order,
 * approval gate, permissions, pins, concurrency) read from the YAML, and the
 * behaviour of its shell steps, run with bash against stub `pulumi` and `gh`
 * commands. docs/pipeline.md explains the design these tests hold in place.
 */

const ROOT = path.resolve(__dirname, "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");
const STACKS = ["dev", "staging", "prod"];

const read = (file: string) => fs.readFileSync(path.join(WORKFLOWS, file), "utf8");
const workflow = (file: string): any => parse(read(file));
const workflowFiles = () =>
    fs
        .readdirSync(WORKFLOWS)
        .filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"))
        .sort();

const REUSABLE = "./.github/workflows/pulumi-stack.yml";
const asList = (value: string | string[] | undefined): string[] =>
    value === undefined ? [] : Array.isArray(value) ? value : [value];

/** The one job of the reusable workflow, and one of its steps by id or name. */
function stackJob(): any {
    const jobs = Object.values<any>(workflow("pulumi-stack.yml").jobs);
    assert.equal(jobs.length, 1, "pulumi-stack.yml has one job");
    return jobs[0];
}
function step(idOrName: string): any {
    const found = stackJob().steps.filter((s: any) => s.id === idOrName || s.name === idOrName);
    assert.equal(found.length, 1, `exactly one step "${idOrName}" in pulumi-stack.yml`);
    return found[0];
}

/** Every job of every workflow, with its file. */
function allJobs(): { file: string; name: string; job: any }[] {
    return workflowFiles().flatMap((file) =>
        Object.entries<any>(workflow(file).jobs).map(([name, job]) => ({ file, name, job })),
    );
}

/** Jobs that call the reusable stack workflow, which assumes an AWS role. */
const callsStackWorkflow = (job: any) => job.uses === REUSABLE;

/**
 * What every step that runs Pulumi sets PULUMI_ACCESS_TOKEN to: the write token for `up`
 * only, the read-only token otherwise. A preview or a drift check never gets the write
 * token, whatever its caller passes.
 */
const STEP_TOKEN =
    "${{ inputs.command == 'up' && secrets.PULUMI_ACCESS_TOKEN || secrets.PULUMI_READ_ACCESS_TOKEN }}";
/** What a deploy job passes: the name only; GitHub resolves it from the job's environment. */
const WRITE_TOKEN = { PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}" };
/** What a preview or a drift check passes: the read-only repository secret. */
const READ_TOKEN = { PULUMI_READ_ACCESS_TOKEN: "${{ secrets.PULUMI_READ_ACCESS_TOKEN }}" };

/** Whether a value refers to a secret, or a key names a Pulumi token. */
const mentionsSecret = (env: Record<string, unknown> | undefined) =>
    Object.entries(env ?? {}).some(
        ([key, value]) => /^PULUMI_.*TOKEN$/.test(key) || /\bsecrets\./.test(String(value)),
    );

/** Whether a step of pulumi-stack.yml talks to the state backend (every Pulumi command but logout). */
function usesBackend(s: any): boolean {
    if (String(s.uses ?? "").startsWith("pulumi/actions@")) {
        return s.with?.command !== undefined;
    }
    const commands = String(s.run ?? "")
        .split("\n")
        .filter((line) => !line.trimStart().startsWith("#"))
        .join("\n");
    return /(^|[\s;(|&])pulumi\s+(?!logout\b)[a-z]/m.test(commands);
}

/** The workflow's jobs in an order that respects `needs` (ties broken by declaration order). */
function topologicalOrder(jobs: Record<string, any>): string[] {
    const order: string[] = [];
    const pending = Object.keys(jobs);
    while (pending.length > 0) {
        const next = pending.find((name) =>
            asList(jobs[name].needs).every((dep) => order.includes(dep)),
        );
        assert.ok(next, `a cycle among ${pending.join(", ")}`);
        order.push(next);
        pending.splice(pending.indexOf(next), 1);
    }
    return order;
}

interface ScriptRun {
    status: number | null;
    stdout: string;
    stderr: string;
    outputs: Record<string, string>;
    exported: Record<string, string>;
    summary: string;
    /** One line per stub invocation: `<command> <args...>`. */
    calls: string[];
}

/**
 * Runs a step's `run` script the way the runner does (`bash -eo pipefail`), with
 * stubs for pulumi and gh that record their arguments, print STUB_<CMD>_OUTPUT
 * and exit with STUB_<CMD>_EXIT.
 */
function runStep(script: string, env: Record<string, string>, cwd = ROOT): ScriptRun {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pipeline-step-"));
    const bin = path.join(dir, "bin");
    const temp = path.join(dir, "runner-temp");
    fs.mkdirSync(bin);
    fs.mkdirSync(temp);
    const calls = path.join(dir, "calls");
    for (const cmd of ["pulumi", "gh"]) {
        const upper = cmd.toUpperCase();
        fs.writeFileSync(
            path.join(bin, cmd),
            [
                "#!/usr/bin/env bash",
                `echo "${cmd} $*" >> "${calls}"`,
                `if [ "${cmd} $1 $2" = "gh issue list" ]; then echo "\${STUB_GH_LIST:-[]}"; exit 0; fi`,
                `[ -z "\${STUB_${upper}_OUTPUT:-}" ] || printf '%s\\n' "$STUB_${upper}_OUTPUT"`,
                `exit "\${STUB_${upper}_EXIT:-0}"`,
                "",
            ].join("\n"),
            { mode: 0o755 },
        );
    }
    const files = {
        GITHUB_OUTPUT: path.join(dir, "output"),
        GITHUB_ENV: path.join(dir, "env"),
        GITHUB_STEP_SUMMARY: path.join(dir, "summary"),
    };
    for (const f of Object.values(files)) {
        fs.writeFileSync(f, "");
    }
    const scriptFile = path.join(dir, "step.sh");
    fs.writeFileSync(scriptFile, script);
    const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", scriptFile], {
        cwd,
        encoding: "utf8",
        env: {
            PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
            HOME: process.env.HOME ?? dir,
            RUNNER_TEMP: temp,
            ...files,
            ...env,
        },
    });
    const keyValues = (file: string) =>
        Object.fromEntries(
            fs
                .readFileSync(file, "utf8")
                .split("\n")
                .filter((l) => l.includes("="))
                .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
        );
    const run: ScriptRun = {
        status: result.status,
        stdout: result.stdout,
        stderr: result.stderr,
        outputs: keyValues(files.GITHUB_OUTPUT),
        exported: keyValues(files.GITHUB_ENV),
        summary: fs.readFileSync(files.GITHUB_STEP_SUMMARY, "utf8"),
        calls: fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").trim().split("\n") : [],
    };
    fs.rmSync(dir, { recursive: true, force: true });
    return run;
}

/** A minimal glob for workflow `paths` filters: `**` crosses directories, `*` does not. */
function globMatches(glob: string, file: string): boolean {
    const source = glob
        .split("**")
        .map((part) =>
            part
                .split("*")
                .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
                .join("[^/]*"),
        )
        .join(".*");
    return new RegExp(`^${source}$`).test(file);
}

describe("delivery pipeline: structure", () => {
    it("has the three pipelines and the reusable workflows they call", () => {
        assert.deepEqual(workflowFiles(), [
            "checks.yml",
            "deploy.yml",
            "drift.yml",
            "pull-request.yml",
            "pulumi-stack.yml",
        ]);
        for (const file of ["checks.yml", "pulumi-stack.yml"]) {
            assert.ok("workflow_call" in workflow(file).on, `${file} is reusable`);
        }
    });

    it("deploys on a merge to main: checks, then dev, then staging, then prod", () => {
        const deploy = workflow("deploy.yml");
        assert.deepEqual(deploy.on.push.branches, ["main"]);
        assert.deepEqual(topologicalOrder(deploy.jobs), ["checks", "dev", "staging", "prod"]);
        // Each stage waits for exactly the one before it, so a failure stops the promotion.
        assert.deepEqual(asList(deploy.jobs.dev.needs), ["checks"]);
        assert.deepEqual(asList(deploy.jobs.staging.needs), ["dev"]);
        assert.deepEqual(asList(deploy.jobs.prod.needs), ["staging"]);
        for (const stack of STACKS) {
            const job = deploy.jobs[stack];
            assert.equal(job.uses, REUSABLE, stack);
            assert.deepEqual(job.with, { stack, command: "up", environment: stack }, stack);
            assert.equal(job.if, undefined, `${stack} runs whenever the previous stage succeeded`);
        }
        assert.equal(deploy.jobs.checks.uses, "./.github/workflows/checks.yml");
    });

    it("runs every deploy in its GitHub Environment, so prod waits for its required reviewers", () => {
        const deploy = workflow("deploy.yml");
        assert.equal(deploy.jobs.prod.with.environment, "prod");
        assert.equal(deploy.jobs.staging.with.environment, "staging");
        assert.equal(deploy.jobs.dev.with.environment, "dev");
        // The reusable job takes its environment from that input, and refuses an up outside it.
        assert.equal(stackJob().environment, "${{ inputs.environment }}");
        const resolve = step("resolve").run as string;
        assert.match(resolve, /\[ "\$GITHUB_ENVIRONMENT" = "\$STACK_NAME" \] \|\|/);
        assert.equal(step("resolve").env.GITHUB_ENVIRONMENT, "${{ inputs.environment }}");
    });

    it("previews and detects drift outside any environment (no approval wait, no deploy role)", () => {
        const preview = workflow("pull-request.yml").jobs.preview;
        const drift = workflow("drift.yml").jobs.drift;
        for (const job of [preview, drift]) {
            assert.equal(job.uses, REUSABLE);
            assert.equal(job.with.environment, undefined);
        }
        assert.equal(preview.with.command, "preview");
        assert.equal(drift.with.command, "drift");
    });

    it("grants id-token: write exactly to the jobs that assume an AWS role, never workflow-wide", () => {
        for (const file of workflowFiles()) {
            const perms = workflow(file).permissions;
            assert.ok(perms?.["id-token"] === undefined, `${file}: no workflow-level id-token`);
        }
        const withIdToken = allJobs()
            .filter(({ job }) => job.permissions?.["id-token"] === "write")
            .map(({ file, name }) => `${file}:${name}`)
            .sort();
        const assumingRole = allJobs()
            .filter(({ job }) => callsStackWorkflow(job))
            .map(({ file, name }) => `${file}:${name}`)
            .sort();
        assert.deepEqual(withIdToken, assumingRole);
        assert.deepEqual(assumingRole, [
            "deploy.yml:dev",
            "deploy.yml:prod",
            "deploy.yml:staging",
            "drift.yml:drift",
            "pull-request.yml:preview",
        ]);
        // The role is assumed in the reusable job, which inherits its caller's permissions:
        // it declares none, since a called workflow can only narrow them.
        const configure = stackJob().steps.filter((s: any) =>
            String(s.uses ?? "").startsWith("aws-actions/configure-aws-credentials@"),
        );
        assert.equal(configure.length, 1);
        assert.equal(workflow("pulumi-stack.yml").permissions, undefined);
        assert.equal(stackJob().permissions, undefined);
    });

    it("grants every other permission only where it is used", () => {
        for (const file of ["checks.yml", "deploy.yml", "drift.yml", "pull-request.yml"]) {
            assert.deepEqual(workflow(file).permissions, { contents: "read" }, file);
        }
        const granted = (perm: string) =>
            allJobs()
                .filter(({ job }) => job.permissions?.[perm] === "write")
                .map(({ file, name }) => `${file}:${name}`);
        assert.deepEqual(granted("pull-requests"), ["pull-request.yml:preview"]);
        assert.deepEqual(granted("issues"), ["drift.yml:drift"]);
        for (const { file, name, job } of allJobs()) {
            for (const [perm, level] of Object.entries<string>(job.permissions ?? {})) {
                if (level === "write") {
                    assert.ok(
                        ["id-token", "pull-requests", "issues"].includes(perm),
                        `${file}:${name} writes ${perm}`,
                    );
                }
            }
        }
    });

    it("pins every action to a full commit SHA annotated with its exact release", () => {
        const seen = new Map<string, string>();
        let remote = 0;
        for (const file of workflowFiles()) {
            const text = read(file);
            const parsedUses = allJobs()
                .filter((j) => j.file === file)
                .flatMap(({ job }) => [job.uses, ...(job.steps ?? []).map((s: any) => s.uses)])
                .filter((u): u is string => typeof u === "string");
            const lines = text.split("\n").filter((l) => /^\s*(-\s+)?uses:/.test(l));
            assert.equal(lines.length, parsedUses.length, `${file}: every uses: is on one line`);
            for (const line of lines) {
                const m = /uses:\s*(\S+)(?:\s+#\s*(\S+))?\s*$/.exec(line);
                assert.ok(m, `${file}: ${line}`);
                const [, ref, comment] = m;
                if (ref.startsWith("./")) {
                    assert.ok(fs.existsSync(path.join(ROOT, ref)), `${file}: ${ref} exists`);
                    continue;
                }
                remote++;
                const [action, version] = ref.split("@");
                const sha = /^[0-9a-f]{40}$/.test(version ?? "");
                const exactTag = /^v\d+\.\d+\.\d+$/.test(version ?? "");
                assert.ok(
                    sha || exactTag,
                    `${file}: ${ref} is pinned to a SHA or an exact release`,
                );
                if (sha) {
                    assert.match(
                        comment ?? "",
                        /^v\d+\.\d+\.\d+$/,
                        `${file}: ${ref} names its release`,
                    );
                }
                const previous = seen.get(action);
                assert.ok(previous === undefined || previous === version, `${action}: one pin`);
                seen.set(action, version);
            }
        }
        assert.ok(remote > 0);
        assert.deepEqual([...seen.keys()].sort(), [
            "actions/checkout",
            "actions/setup-go",
            "actions/setup-node",
            "aws-actions/configure-aws-credentials",
            "pulumi/actions",
        ]);
    });

    it("runs one deploy per environment and never cancels one in progress", () => {
        const deploy = workflow("deploy.yml");
        assert.equal(deploy.concurrency, undefined, "no workflow-wide group that could cancel");
        for (const stack of STACKS) {
            assert.deepEqual(deploy.jobs[stack].concurrency, {
                group: `deploy-${stack}`,
                "cancel-in-progress": false,
            });
        }
        const drift = workflow("drift.yml").jobs.drift;
        assert.deepEqual(drift.concurrency, {
            group: "drift-${{ matrix.stack }}",
            "cancel-in-progress": false,
        });
        // Pull requests may cancel: previews take no lock. Only an interrupted up holds one,
        // and only then does the job release it.
        const pr = workflow("pull-request.yml");
        assert.equal(pr.concurrency["cancel-in-progress"], true);
        const release = step("Release the stack lock after a cancelled update");
        assert.equal(release.if, "always() && steps.up.outcome == 'cancelled'");
        assert.match(release.run, /pulumi cancel --yes --stack "\$STACK"/);
        assert.equal(step("up").if, "inputs.command == 'up'");
    });

    it("previews each touched stack after the checks and posts the diff on the pull request", () => {
        const pr = workflow("pull-request.yml");
        assert.ok("pull_request" in pr.on);
        const preview = pr.jobs.preview;
        assert.deepEqual(asList(preview.needs).sort(), ["changes", "checks"]);
        assert.equal(
            preview.strategy.matrix.stack,
            "${{ fromJSON(needs.changes.outputs.stacks) }}",
        );
        assert.match(preview.if, /needs\.changes\.outputs\.stacks != '\[\]'/);
        assert.equal(pr.jobs.checks.uses, "./.github/workflows/checks.yml");
        const checks = workflow("checks.yml").jobs.checks;
        assert.deepEqual(
            checks.steps.map((s: any) => s.run ?? String(s.uses).split("@")[0]),
            ["actions/checkout", "actions/setup-node", "actions/setup-go", "bash .ci/run"],
        );
        assert.equal(checks.steps[1].with["node-version-file"], ".node-version");
        // The e2e upgrade test finds the previous release's commit in the history.
        assert.equal(checks.steps[0].with["fetch-depth"], 0, "the checks clone full history");

        const action = step("pulumi preview");
        assert.match(action.uses, /^pulumi\/actions@/);
        assert.equal(action.with.command, "preview");
        assert.equal(action.with["comment-on-pr"], "${{ inputs.command == 'preview' }}");
        assert.equal(action.with["comment-on-summary"], true);
        assert.equal(action.with["stack-name"], "${{ steps.resolve.outputs.stack }}");
    });

    it("deploys when a file that builds the stacks changes", () => {
        const paths: string[] = workflow("deploy.yml").on.push.paths;
        const deployed = (file: string) => paths.some((glob) => globMatches(glob, file));
        for (const file of [
            "index.ts",
            "program/app.ts",
            "components/eks-cluster/component.ts",
            "package.json",
            "package-lock.json",
            "tsconfig.json",
            "Pulumi.yaml",
            "Pulumi.dev.yaml",
            "Pulumi.staging.yaml",
            "Pulumi.prod.yaml",
            ".github/workflows/pulumi-stack.yml",
        ]) {
            assert.ok(deployed(file), file);
        }
        for (const file of [
            "README.md",
            "docs/pipeline.md",
            "test/x.test.ts",
            "bootstrap/index.ts",
        ]) {
            assert.ok(!deployed(file), file);
        }
    });

    it("detects drift daily with a refresh preview on every stack, and opens an issue", () => {
        const drift = workflow("drift.yml");
        assert.equal(drift.on.schedule.length, 1);
        assert.match(drift.on.schedule[0].cron, /^\d+ \d+ \* \* \*$/);
        assert.deepEqual(drift.jobs.drift.strategy.matrix.stack, STACKS);
        assert.equal(drift.jobs.drift.strategy["fail-fast"], false);
        assert.match(step("drift").run, /pulumi refresh --preview-only --expect-no-changes/);
        assert.equal(
            step("Open or update the drift issue").if,
            "steps.drift.outputs.drifted == 'true'",
        );
    });

    it("documents every variable and secret the workflows read", () => {
        const docs = fs.readFileSync(path.join(ROOT, "docs", "pipeline.md"), "utf8");
        const names = new Set<string>();
        for (const file of workflowFiles()) {
            for (const m of read(file).matchAll(/\b(vars|secrets)\.([A-Z0-9_]+)/g)) {
                names.add(m[2]);
            }
        }
        assert.deepEqual([...names].sort(), [
            "AWS_DEPLOY_ROLE_ARN",
            "AWS_READONLY_ROLE_ARN",
            "EKS_API_CIDRS",
            "PIPELINE_RUNNER",
            "PULUMI_ACCESS_TOKEN",
            "PULUMI_BACKEND_URL",
            "PULUMI_ORG",
            "PULUMI_READ_ACCESS_TOKEN",
        ]);
        for (const name of names) {
            assert.ok(docs.includes(`\`${name}\``), `docs/pipeline.md explains ${name}`);
        }
    });
});

describe("delivery pipeline: Pulumi tokens", () => {
    it("passes the write token only to the deploy jobs, which run in their environments", () => {
        const deploy = workflow("deploy.yml");
        for (const stack of STACKS) {
            assert.deepEqual(deploy.jobs[stack].secrets, WRITE_TOKEN, stack);
            assert.equal(deploy.jobs[stack].with.environment, stack);
        }
        // Previews and drift checks run outside any environment: a write token given to them
        // could only be a repository secret, which every branch's workflow can read.
        assert.deepEqual(workflow("pull-request.yml").jobs.preview.secrets, READ_TOKEN);
        assert.deepEqual(workflow("drift.yml").jobs.drift.secrets, READ_TOKEN);
        for (const file of ["pull-request.yml", "drift.yml"]) {
            assert.doesNotMatch(read(file), /secrets\.PULUMI_ACCESS_TOKEN\b/, file);
        }
    });

    it("hands each called workflow exactly the secrets it names, never all of them", () => {
        for (const { file, name, job } of allJobs()) {
            assert.notEqual(job.secrets, "inherit", `${file}:${name} inherits every secret`);
            if (job.uses === "./.github/workflows/checks.yml") {
                assert.equal(job.secrets, undefined, `${file}:${name}: the checks get no secret`);
            }
            // Only a caller whose called job runs in an environment may name the write token.
            if (job.uses && JSON.stringify(job).includes("secrets.PULUMI_ACCESS_TOKEN")) {
                assert.ok(
                    callsStackWorkflow(job) && STACKS.includes(job.with?.environment),
                    `${file}:${name} names PULUMI_ACCESS_TOKEN outside an environment`,
                );
            }
        }
        const declared = workflow("pulumi-stack.yml").on.workflow_call.secrets;
        assert.deepEqual(Object.keys(declared).sort(), [
            "PULUMI_ACCESS_TOKEN",
            "PULUMI_READ_ACCESS_TOKEN",
        ]);
        for (const secret of Object.values<any>(declared)) {
            assert.equal(secret.required, false, "the S3 backend needs no Pulumi token");
        }
    });

    it("puts no secret in any workflow's or job's env", () => {
        for (const file of workflowFiles()) {
            assert.ok(!mentionsSecret(workflow(file).env), `${file}: workflow env`);
        }
        for (const { file, name, job } of allJobs()) {
            assert.ok(!mentionsSecret(job.env), `${file}:${name}: job env`);
        }
    });

    it("gives the token to the steps that run Pulumi and to no other step", () => {
        const steps: any[] = stackJob().steps;
        const withToken = steps.filter((s) => mentionsSecret(s.env)).map((s) => s.id ?? s.name);
        const runningPulumi = steps.filter(usesBackend).map((s) => s.id ?? s.name);
        assert.deepEqual(withToken, runningPulumi);
        assert.deepEqual(runningPulumi, [
            "login",
            "Allow the configured networks to reach the EKS API endpoint",
            "pulumi preview",
            "up",
            "drift",
            "Put the preview and the error in the job summary",
            "Release the stack lock after a cancelled update",
        ]);
        for (const s of steps.filter(usesBackend)) {
            assert.equal(s.env.PULUMI_ACCESS_TOKEN, STEP_TOKEN, s.id ?? s.name);
            const secrets = Object.entries<string>(s.env).filter(([, v]) => /secrets\./.test(v));
            assert.deepEqual(secrets, [["PULUMI_ACCESS_TOKEN", STEP_TOKEN]], s.id ?? s.name);
        }
        // The workflow reads no secret anywhere else (not in `with:`, `if:` or `run:`).
        const references = read("pulumi-stack.yml")
            .split("\n")
            .filter((l) => !l.trimStart().startsWith("#") && /\bsecrets\./.test(l));
        assert.equal(references.length, runningPulumi.length);
    });

    it("installs the dependencies with no token, before anything logs in", () => {
        const steps: any[] = stackJob().steps;
        const npm = steps.filter((s) => /\bnpm\b/.test(String(s.run ?? "")));
        assert.deepEqual(
            npm.map((s) => s.run.trim()),
            ["npm ci --no-audit --no-fund"],
        );
        assert.equal(npm[0].env, undefined, "npm ci runs the branch's lifecycle scripts");
        assert.ok(!mentionsSecret(stackJob().env));
        // pulumi login also stores the token in ~/.pulumi/credentials.json, for the rest of
        // the job: the install must come before it, and the last step forgets it.
        const login = steps.findIndex((s) => s.id === "login");
        assert.ok(steps.indexOf(npm[0]) < login);
        assert.ok(steps.slice(0, login).every((s) => !usesBackend(s) && !mentionsSecret(s.env)));
        const logout = steps[steps.length - 1];
        assert.equal(logout.if, "always()");
        assert.match(logout.run, /pulumi logout --all/);
        assert.equal(logout.env, undefined);
    });
});

describe("delivery pipeline: step behaviour", () => {
    describe("the changed-files-to-stacks map", () => {
        const script = () =>
            workflow("pull-request.yml").jobs.changes.steps.find((s: any) => s.id === "map").run;
        const stacksFor = (files: string[]): string[] => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "changed-"));
            const list = path.join(dir, "files");
            fs.writeFileSync(list, files.map((f) => `${f}\n`).join(""));
            const run = runStep(script(), { CHANGED_FILES: list });
            fs.rmSync(dir, { recursive: true, force: true });
            assert.equal(run.status, 0, run.stderr);
            return JSON.parse(run.outputs.stacks);
        };

        it("touches no stack for docs, tests, the local stack or bootstrap/", () => {
            assert.deepEqual(stacksFor([]), []);
            assert.deepEqual(
                stacksFor([
                    "README.md",
                    "docs/pipeline.md",
                    "test/pipeline.test.ts",
                    "Pulumi.local.yaml",
                    "bootstrap/index.ts",
                ]),
                [],
            );
        });

        it("touches the stack whose Pulumi.<env>.yaml changed", () => {
            assert.deepEqual(stacksFor(["Pulumi.staging.yaml"]), ["staging"]);
            assert.deepEqual(stacksFor(["Pulumi.prod.yaml", "docs/x.md", "Pulumi.dev.yaml"]), [
                "dev",
                "prod",
            ]);
        });

        it("touches every stack when the program or what builds it changes", () => {
            for (const file of [
                "index.ts",
                "program/app.ts",
                "components/testing/state.ts",
                "package.json",
                "package-lock.json",
                "tsconfig.lib.json",
                "Pulumi.yaml",
                ".github/workflows/pulumi-stack.yml",
            ]) {
                assert.deepEqual(stacksFor([file, "Pulumi.dev.yaml"]), STACKS, file);
            }
        });
    });

    describe("resolving the stack and the role", () => {
        const base = {
            STACK_NAME: "prod",
            COMMAND: "up",
            GITHUB_ENVIRONMENT: "prod",
            PULUMI_BACKEND_URL: "",
            PULUMI_ORG: "acme",
            DEPLOY_ROLE_ARN: "arn:aws:iam::123456789012:role/orchestration-deploy-prod",
            READONLY_ROLE_ARN: "arn:aws:iam::123456789012:role/orchestration-readonly",
        };
        const resolve = (env: Partial<typeof base>) =>
            runStep(step("resolve").run, { ...base, ...env });

        it("reads the variables the docs name", () => {
            assert.deepEqual(step("resolve").env, {
                GITHUB_ENVIRONMENT: "${{ inputs.environment }}",
                PULUMI_ORG: "${{ vars.PULUMI_ORG }}",
                DEPLOY_ROLE_ARN: "${{ vars.AWS_DEPLOY_ROLE_ARN }}",
                READONLY_ROLE_ARN: "${{ vars.AWS_READONLY_ROLE_ARN }}",
            });
            assert.equal(stackJob().env.PULUMI_BACKEND_URL, "${{ vars.PULUMI_BACKEND_URL }}");
            assert.equal(stackJob().env.STACK_NAME, "${{ inputs.stack }}");
            assert.equal(stackJob().env.COMMAND, "${{ inputs.command }}");
        });

        it("deploys with the environment's role, an <org>/<stack> name on Pulumi Cloud, the stack file's region and the lockfile's CLI", () => {
            const run = resolve({});
            assert.equal(run.status, 0, run.stdout + run.stderr);
            const sdk = JSON.parse(
                fs.readFileSync(require.resolve("@pulumi/pulumi/package.json"), "utf8"),
            ).version;
            assert.deepEqual(run.outputs, {
                stack: "acme/prod",
                role: base.DEPLOY_ROLE_ARN,
                region: parse(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8")).config[
                    "aws:region"
                ],
                "pulumi-version": sdk,
            });
            assert.equal(run.exported.STACK, "acme/prod");
        });

        it("previews with the read-only role and plain stack names on an S3 backend", () => {
            const run = resolve({
                COMMAND: "preview",
                GITHUB_ENVIRONMENT: "",
                PULUMI_BACKEND_URL: "s3://acme-state?region=us-west-2",
                PULUMI_ORG: "",
            });
            assert.equal(run.status, 0, run.stdout + run.stderr);
            assert.equal(run.outputs.stack, "prod");
            assert.equal(run.outputs.role, base.READONLY_ROLE_ARN);
        });

        it("refuses an up outside its own environment, and a preview inside one", () => {
            for (const [env, message] of [
                [{ GITHUB_ENVIRONMENT: "" }, /must run in the prod GitHub Environment/],
                [{ GITHUB_ENVIRONMENT: "dev" }, /must run in the prod GitHub Environment/],
                [{ COMMAND: "preview" }, /preview runs outside GitHub Environments/],
                [{ COMMAND: "drift" }, /drift runs outside GitHub Environments/],
            ] as const) {
                const run = resolve(env);
                assert.equal(run.status, 1, JSON.stringify(env));
                assert.match(run.stdout, message);
                assert.deepEqual(run.outputs, {}, "no role is handed on");
            }
        });

        it("names the missing variable", () => {
            const cases = [
                [{ DEPLOY_ROLE_ARN: "" }, /AWS_DEPLOY_ROLE_ARN variable of the prod environment/],
                [
                    { COMMAND: "drift", GITHUB_ENVIRONMENT: "", READONLY_ROLE_ARN: "" },
                    /AWS_READONLY_ROLE_ARN repository variable/,
                ],
                [{ PULUMI_ORG: "" }, /PULUMI_ORG repository variable/],
                [{ STACK_NAME: "local", GITHUB_ENVIRONMENT: "local" }, /unknown stack 'local'/],
                [{ COMMAND: "destroy" }, /unknown command 'destroy'/],
            ] as const;
            for (const [env, message] of cases) {
                const run = resolve(env);
                assert.equal(run.status, 1, JSON.stringify(env));
                assert.match(run.stdout, message);
            }
        });
    });

    describe("logging in", () => {
        const base = {
            STACK_NAME: "prod",
            STACK: "acme/prod",
            COMMAND: "up",
            PULUMI_BACKEND_URL: "",
            PULUMI_ACCESS_TOKEN: "pul-0123",
        };
        const login = (env: Partial<typeof base>) =>
            runStep(step("login").run, { ...base, ...env });

        it("logs in and selects the stack", () => {
            const run = login({});
            assert.equal(run.status, 0, run.stdout + run.stderr);
            assert.deepEqual(run.calls, [
                "pulumi login --non-interactive",
                "pulumi stack select --non-interactive acme/prod",
            ]);
        });

        it("names the missing Pulumi Cloud token: the environment's for up, the read-only one otherwise", () => {
            for (const [env, message] of [
                [{ COMMAND: "up" }, /PULUMI_ACCESS_TOKEN secret of the prod environment/],
                [{ COMMAND: "preview" }, /PULUMI_READ_ACCESS_TOKEN repository secret/],
                [{ COMMAND: "drift" }, /PULUMI_READ_ACCESS_TOKEN repository secret/],
                [
                    { PULUMI_BACKEND_URL: "https://pulumi.acme.internal" },
                    /PULUMI_ACCESS_TOKEN secret of the prod environment/,
                ],
            ] as const) {
                const run = login({ ...env, PULUMI_ACCESS_TOKEN: "" });
                assert.equal(run.status, 1, JSON.stringify(env));
                assert.match(run.stdout, message);
                assert.deepEqual(run.calls, [], "no login attempt");
            }
        });

        it("needs no Pulumi token on the S3 backend", () => {
            for (const COMMAND of ["up", "preview", "drift"]) {
                const run = login({
                    COMMAND,
                    STACK: "prod",
                    PULUMI_BACKEND_URL: "s3://acme-state?region=us-west-2",
                    PULUMI_ACCESS_TOKEN: "",
                });
                assert.equal(run.status, 0, run.stdout + run.stderr);
                assert.equal(run.calls[0], "pulumi login --non-interactive");
            }
        });
    });

    describe("drift detection", () => {
        const env = { STACK: "acme/dev", STACK_NAME: "dev" };

        it("reports no drift when the refresh preview proposes no change", () => {
            const run = runStep(step("drift").run, { ...env, STUB_PULUMI_EXIT: "0" });
            assert.equal(run.status, 0, run.stderr);
            assert.equal(run.outputs.drifted, "false");
            assert.deepEqual(run.calls, [
                "pulumi refresh --preview-only --expect-no-changes --diff --non-interactive --suppress-progress --color never --stack acme/dev",
            ]);
        });

        it("reports drift, without failing, when --expect-no-changes trips", () => {
            const run = runStep(step("drift").run, {
                ...env,
                STUB_PULUMI_OUTPUT:
                    "~ aws:eks/cluster:Cluster platform update\nerror: no changes were expected but changes occurred",
                STUB_PULUMI_EXIT: "255",
            });
            assert.equal(run.status, 0, run.stderr);
            assert.equal(run.outputs.drifted, "true");
            assert.match(
                run.summary,
                /## Drift in acme\/dev[\s\S]*aws:eks\/cluster:Cluster platform update/,
            );
        });

        it("fails on any other error instead of calling it drift", () => {
            const run = runStep(step("drift").run, {
                ...env,
                STUB_PULUMI_OUTPUT: "error: could not decrypt the stack's secrets",
                STUB_PULUMI_EXIT: "255",
            });
            assert.equal(run.status, 255);
            assert.equal(run.outputs.drifted, undefined);
        });

        const issue = (list: unknown[]) =>
            runStep(
                `echo "~ update" > "$RUNNER_TEMP/pulumi-refresh.log"\n${step("Open or update the drift issue").run}`,
                {
                    ...env,
                    RUN_URL: "https://github.com/acme/orchestration/actions/runs/1",
                    STUB_GH_LIST: JSON.stringify(list),
                },
            );

        // The issue step filters gh's JSON with jq, which GitHub's runners have.
        function requireJq(ctx: Mocha.Context): void {
            if (spawnSync("jq", ["--version"]).status !== 0) {
                assert.notEqual(process.env.CI, "true", "jq is missing, and CI requires it");
                ctx.skip();
            }
        }

        it("opens a drift issue for the stack", function () {
            requireJq(this);
            const run = issue([{ number: 3, title: "Drift detected in the prod stack" }]);
            assert.equal(run.status, 0, run.stderr);
            assert.ok(
                run.calls.some((c) =>
                    /^gh issue create --title Drift detected in the dev stack --label drift --body-file \S+$/.test(
                        c,
                    ),
                ),
                run.calls.join("\n"),
            );
            assert.ok(!run.calls.some((c) => c.startsWith("gh issue comment")));
        });

        it("comments on the stack's open drift issue instead of opening another", function () {
            requireJq(this);
            const run = issue([{ number: 7, title: "Drift detected in the dev stack" }]);
            assert.equal(run.status, 0, run.stderr);
            assert.ok(run.calls.some((c) => /^gh issue comment 7 --body-file \S+$/.test(c)));
            assert.ok(!run.calls.some((c) => c.startsWith("gh issue create")));
        });
    });

    describe("failures and cancellations", () => {
        const summaryStep = () => step("Put the preview and the error in the job summary");

        it("runs the failure summary on failure only", () => {
            assert.equal(summaryStep().if, "failure()");
        });

        it("puts the failed update's error in the job summary", () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "summary-"));
            const script = `printf 'Updating (acme/prod)\\nerror: creating EKS Cluster: AccessDenied\\n' > "$RUNNER_TEMP/pulumi-up.log"\n${summaryStep().run}`;
            const run = runStep(script, {
                COMMAND: "up",
                STACK: "acme/prod",
                STACK_NAME: "prod",
                LOGGED_IN: "success",
            });
            fs.rmSync(dir, { recursive: true, force: true });
            assert.equal(run.status, 0, run.stderr);
            assert.match(run.summary, /## pulumi up failed on acme\/prod/);
            assert.match(run.summary, /The preview above is what the update was applying/);
            assert.match(run.summary, /error: creating EKS Cluster: AccessDenied/);
            assert.deepEqual(run.calls, [], "a failed update is not previewed again");
        });

        it("re-runs a failed preview read-only and puts its output in the job summary", () => {
            const run = runStep(summaryStep().run, {
                COMMAND: "preview",
                STACK: "acme/staging",
                STACK_NAME: "staging",
                LOGGED_IN: "success",
                STUB_PULUMI_OUTPUT:
                    "Previewing update (acme/staging)\nerror: Running program failed",
                STUB_PULUMI_EXIT: "255",
            });
            assert.equal(run.status, 0, run.stderr);
            assert.deepEqual(run.calls, [
                "pulumi preview --diff --non-interactive --suppress-progress --color never --stack acme/staging",
            ]);
            assert.match(
                run.summary,
                /Previewing update \(acme\/staging\)\nerror: Running program failed/,
            );
        });

        it("says where to look when the job failed before logging in", () => {
            const run = runStep(summaryStep().run, {
                COMMAND: "up",
                STACK_NAME: "dev",
                LOGGED_IN: "failure",
            });
            assert.equal(run.status, 0, run.stderr);
            assert.match(run.summary, /## pulumi up failed on dev/);
            assert.match(run.summary, /before it could log in/);
            assert.deepEqual(run.calls, []);
        });

        it("releases the lock of a cancelled update and says how to reconcile", () => {
            const run = runStep(step("Release the stack lock after a cancelled update").run, {
                STACK: "acme/prod",
                STUB_PULUMI_EXIT: "255",
            });
            assert.equal(run.status, 0, "a lock already released is not an error");
            assert.deepEqual(run.calls, ["pulumi cancel --yes --stack acme/prod"]);
            assert.match(run.summary, /pulumi refresh --stack acme\/prod/);
        });
    });
});

describe("delivery pipeline: actionlint", () => {
    it("finds no problem in .github/workflows", function () {
        this.timeout(60_000);
        const actionlint = requireTool(this, "actionlint");
        const files = workflowFiles().map((f) => path.join(".github", "workflows", f));
        const result = spawnSync(actionlint, ["-no-color", ...files], {
            cwd: ROOT,
            encoding: "utf8",
        });
        assert.equal(result.status, 0, `actionlint:\n${result.stdout}${result.stderr}`);
    });
});
