import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { Running, startBackground } from "./background";
import { Completed, exec } from "./proc";
import { Toolchain, VERSIONS } from "./toolchain";

/** One Pulumi project on disk, and the stack config file to use with it. */
export interface StackRef {
    /** The project directory (where Pulumi.yaml is). */
    cwd: string;
    stack: string;
    /** A stack config file outside the project, so a test never edits a committed one. */
    configFile?: string;
}

/** Options for {@link PulumiCli.up}. */
export interface UpOptions {
    /** Run the preview first, as `pulumi up` does for a user. @default false (`--skip-preview`) */
    preview?: boolean;
    /** Resolve with a non-zero exit code instead of throwing. @default false */
    allowFailure?: boolean;
}

/** The secrets passphrase of the e2e stacks (throwaway state, nothing secret in it). */
export const E2E_PASSPHRASE = "e2e";

/**
 * The directories the CLI needs first on PATH: the toolchain (the CLI finds its
 * language host there), then the Node.js running this process (for the program).
 */
export function pulumiPathFirst(binDir: string): string[] {
    return [binDir, path.dirname(process.execPath)];
}

/**
 * The variables, beside PATH, that isolate the toolchain's CLI from the user's
 * own setup: a home of its own under `workDir` (where the Kubernetes provider is
 * installed), a file state backend in `workDir/state`, no update checks, no
 * plugin downloads, and only plugins installed into that home at an exact
 * version, never one found on PATH. `kubeconfig` is the cluster the program deploys to.
 */
export function pulumiVariables(
    workDir: string,
    kubeconfig: string,
    passphrase: string,
): Record<string, string> {
    return {
        PULUMI_HOME: path.join(workDir, "pulumi-home"),
        PULUMI_BACKEND_URL: `file://${path.join(workDir, "state")}`,
        PULUMI_CONFIG_PASSPHRASE: passphrase,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
        KUBECONFIG: kubeconfig,
    };
}

/**
 * The Pulumi CLI built by the toolchain, isolated from the user's own setup:
 * its own PULUMI_HOME, a file state backend, no update checks and no plugin
 * downloads. The Kubernetes provider is installed into that home from the
 * toolchain's build, at the version `@pulumi/kubernetes` asks for.
 */
export class PulumiCli {
    private constructor(
        private readonly toolchain: Toolchain,
        readonly env: NodeJS.ProcessEnv,
    ) {}

    private static environment(
        toolchain: Toolchain,
        workDir: string,
        kubeconfig: string,
        passphrase: string,
    ): NodeJS.ProcessEnv {
        fs.mkdirSync(path.join(workDir, "state"), { recursive: true });
        return {
            ...process.env,
            PATH: [...pulumiPathFirst(toolchain.binDir), process.env.PATH].join(path.delimiter),
            ...pulumiVariables(workDir, kubeconfig, passphrase),
            PULUMI_ACCESS_TOKEN: "",
        };
    }

    /** The same CLI, home and state, with `dir` first on PATH (a Python venv's `bin`, say). */
    withPathFirst(dir: string): PulumiCli {
        return new PulumiCli(this.toolchain, {
            ...this.env,
            PATH: [dir, this.env.PATH].join(path.delimiter),
        });
    }

    /** The same CLI, home and state, with `vars` added to its environment. */
    withEnv(vars: Record<string, string>): PulumiCli {
        return new PulumiCli(this.toolchain, { ...this.env, ...vars });
    }

    /** A CLI whose home has the toolchain's Kubernetes provider installed. */
    static async create(
        toolchain: Toolchain,
        workDir: string,
        kubeconfig: string,
        passphrase = E2E_PASSPHRASE,
    ): Promise<PulumiCli> {
        const cli = new PulumiCli(
            toolchain,
            PulumiCli.environment(toolchain, workDir, kubeconfig, passphrase),
        );
        await cli.run(process.cwd(), [
            "plugin",
            "install",
            "resource",
            "kubernetes",
            VERSIONS.pulumiKubernetes.stampAs,
            "--file",
            toolchain.bin("pulumi-resource-kubernetes"),
        ]);
        return cli;
    }

    /** The arguments `run` passes for `args`: never interactive, no colour. */
    commandLine(args: string[]): string[] {
        return [...args, "--non-interactive", "--color", "never"];
    }

    /** Runs `pulumi <args>` in `cwd`; throws with the output on failure unless `allowFailure`. */
    run(cwd: string, args: string[], allowFailure = false): Promise<Completed> {
        return exec(this.toolchain.bin("pulumi"), this.commandLine(args), {
            cwd,
            env: this.env,
            allowFailure,
            timeoutMs: 900_000,
        });
    }

    /**
     * Starts `pulumi <args>` in `cwd` in the background, in a process group of
     * its own, so a test can signal it (or its plugins) mid-run. Debug
     * commands are on, for `--event-log`.
     */
    start(cwd: string, args: string[]): Running {
        return startBackground(this.toolchain.bin("pulumi"), this.commandLine(args), {
            cwd,
            env: { ...this.env, PULUMI_DEBUG_COMMANDS: "true" },
            timeoutMs: 900_000,
        });
    }

    /** The file state backend's directory (PULUMI_BACKEND_URL without `file://`). */
    get backendRoot(): string {
        return this.env.PULUMI_BACKEND_URL!.replace(/^file:\/\//, "");
    }

    /** `--stack` and, with a `configFile`, `--config-file`. */
    stackArgs(s: StackRef): string[] {
        return ["--stack", s.stack, ...(s.configFile ? ["--config-file", s.configFile] : [])];
    }

    /**
     * Creates the stack. With a `configFile`, the stack file `stack init` writes
     * into the project (its secrets salt) moves there, so the project stays as it
     * was, and `config` becomes the stack's config.
     */
    async init(s: StackRef, config: Record<string, unknown> = {}): Promise<void> {
        await this.run(s.cwd, ["stack", "init", s.stack]);
        if (s.configFile) {
            const created = path.join(s.cwd, `Pulumi.${s.stack}.yaml`);
            const salt = (
                YAML.parse(fs.readFileSync(created, "utf8")) as { encryptionsalt?: string }
            ).encryptionsalt;
            fs.rmSync(created);
            fs.writeFileSync(s.configFile, YAML.stringify({ encryptionsalt: salt }));
            this.setConfig(s, config);
        }
    }

    /** Replaces the config in the stack's `configFile`, keeping its secrets salt. */
    setConfig(s: StackRef, config: Record<string, unknown>): void {
        const current = YAML.parse(fs.readFileSync(s.configFile!, "utf8")) as Record<
            string,
            unknown
        >;
        fs.writeFileSync(s.configFile!, YAML.stringify({ ...current, config }));
    }

    /**
     * `pulumi up --yes`. It skips the preview unless `preview` is set: a suite's
     * first `up` previews, as a user's does, since only a preview meets the
     * unknowns of objects that don't exist yet (a new Secret's UID, say).
     */
    up(s: StackRef, opts: UpOptions = {}): Promise<Completed> {
        return this.run(
            s.cwd,
            ["up", "--yes", ...(opts.preview ? [] : ["--skip-preview"]), ...this.stackArgs(s)],
            opts.allowFailure ?? false,
        );
    }

    preview(s: StackRef, extra: string[] = [], allowFailure = false): Promise<Completed> {
        return this.run(s.cwd, ["preview", ...extra, ...this.stackArgs(s)], allowFailure);
    }

    refresh(s: StackRef, extra: string[] = []): Promise<Completed> {
        return this.run(s.cwd, ["refresh", "--yes", ...extra, ...this.stackArgs(s)]);
    }

    destroy(s: StackRef): Promise<Completed> {
        return this.run(s.cwd, ["destroy", "--yes", "--skip-preview", ...this.stackArgs(s)]);
    }

    /** For an `after` hook: destroys the stack if it still has resources, and only logs a failure. */
    async cleanUp(s: StackRef | undefined): Promise<void> {
        if (!s) return;
        try {
            if ((await this.resourceUrns(s)).length > 0) {
                await this.destroy(s);
            }
        } catch (err) {
            console.error(`clean-up of stack ${s.stack} failed: ${(err as Error).message}`);
        }
    }

    async outputs(s: StackRef): Promise<Record<string, unknown>> {
        const r = await this.run(s.cwd, [
            "stack",
            "output",
            "--json",
            "--show-secrets",
            "--stack",
            s.stack,
        ]);
        return JSON.parse(r.stdout) as Record<string, unknown>;
    }

    /** The URNs of the stack's resources (from `pulumi stack export`). */
    async resourceUrns(s: StackRef): Promise<string[]> {
        const r = await this.run(s.cwd, ["stack", "export", "--stack", s.stack]);
        const deployment = JSON.parse(r.stdout) as {
            deployment?: { resources?: { urn: string }[] };
        };
        return (deployment.deployment?.resources ?? []).map((x) => x.urn);
    }
}

/**
 * The "Resources:" summary of an up/preview/destroy: counts per operation, e.g.
 * `{ created: 22 }`. An `up` that previewed prints two; this reads the last, the update's.
 */
export function summary(output: string): Record<string, number> {
    const counts: Record<string, number> = {};
    const blocks = output.split(/^Resources:\s*$/m);
    const block = blocks.length > 1 ? blocks[blocks.length - 1] : "";
    for (const m of block.matchAll(/^\s+(?:[+~\-±]+\s+)?(\d+) (?:to )?(\w[\w ]*?)\s*$/gm)) {
        counts[m[2].trim()] = Number(m[1]);
    }
    return counts;
}

/** Whether an `up`'s output shows that it previewed before it updated. */
export function previewed(output: string): boolean {
    return /^Previewing update \(/m.test(output) && /^Updating \(/m.test(output);
}
