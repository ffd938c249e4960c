import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/**
 * The published artifact as a consumer gets it: `npm pack` of this package,
 * installed into a fresh project outside the repository. Shared by the
 * integration test (under mocks) and the e2e test (on a real cluster).
 */

const ROOT = path.resolve(__dirname, "..");
/** This package's package.json. */
export const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    name: string;
    version: string;
    license: string;
};

/** The exact version installed here, so an offline install finds it in the npm cache. */
export function installedVersion(name: string): string {
    return JSON.parse(
        fs.readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8"),
    ).version as string;
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

/**
 * Writes a consumer package.json that depends on the tarball and on the Pulumi
 * SDKs at the versions installed here, then installs it offline (from the
 * npm cache) with install scripts off, as the repository itself does.
 */
export function installConsumer(dir: string, tarball: string): void {
    const manifest = {
        name: "consumer",
        version: "1.0.0",
        private: true,
        dependencies: {
            [PACKAGE.name]: `file:${tarball}`,
            "@pulumi/pulumi": installedVersion("@pulumi/pulumi"),
            "@pulumi/kubernetes": installedVersion("@pulumi/kubernetes"),
        },
        devDependencies: {
            typescript: installedVersion("typescript"),
            "@types/node": installedVersion("@types/node"),
        },
    };
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(manifest, null, 2));
    run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], dir);
}
