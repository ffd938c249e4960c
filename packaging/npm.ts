import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/**
 * The published artifact as a consumer gets it: `npm pack` of this package,
 * and installs from the npm cache at the versions this checkout uses. Shared
 * by the plugin build and by the tests that install the package.
 */

const ROOT = path.resolve(__dirname, "..");
/** This package's package.json. */
export const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    name: string;
    version: string;
    license: string;
};

/** The exact version installed here, so an install from the npm cache finds it. */
export function installedVersion(name: string): string {
    const manifest = fs.readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8");
    return (JSON.parse(manifest) as { version: string }).version;
}

/** Runs a command and returns its stdout; a failure throws with the command, directory and output. */
export function run(
    cmd: string,
    args: string[],
    cwd: string,
    env: NodeJS.ProcessEnv = process.env,
): string {
    try {
        return execFileSync(cmd, args, {
            cwd,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
            env: { ...env, npm_config_loglevel: "error" },
        });
    } catch (err) {
        const e = err as { stdout?: string; stderr?: string; message: string };
        throw new Error(
            `${cmd} ${args.join(" ")} failed in ${cwd}:\n${e.stdout ?? ""}\n${e.stderr ?? e.message}`,
        );
    }
}

/** Packs the package into `dir` (running its prepare and prepack builds) and returns the tarball's path. */
export function packPackage(dir: string): string {
    const packOutput = run("npm", ["pack", "--json", "--pack-destination", dir], ROOT);
    // The builds' messages precede the JSON.
    const packed = JSON.parse(packOutput.slice(packOutput.search(/^\[/m))) as {
        filename: string;
    }[];
    return path.join(dir, packed[0].filename);
}

/** The runtime dependencies of a project using the tarball: the package and the Pulumi SDKs it peers. */
export function runtimeDependencies(tarball: string): Record<string, string> {
    return {
        [PACKAGE.name]: `file:${tarball}`,
        "@pulumi/pulumi": installedVersion("@pulumi/pulumi"),
        "@pulumi/kubernetes": installedVersion("@pulumi/kubernetes"),
    };
}

/** `npm install` in `dir`, preferring the npm cache, with install scripts off as the repository itself does. */
export function npmInstall(dir: string, extra: string[] = []): void {
    run(
        "npm",
        ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", ...extra],
        dir,
    );
}
