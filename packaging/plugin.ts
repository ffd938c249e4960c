import * as fs from "fs";
import * as path from "path";
import { npmInstall, PACKAGE, runtimeDependencies, run } from "./npm";
import { PACKAGE_NAME } from "./packageSchema";

/**
 * The provider plugin that lets programs in any Pulumi language use the
 * components: a directory holding the packed npm package with its runtime
 * dependencies, and the executable the engine starts,
 * `pulumi-resource-orchestration`, which runs `lib/provider/main.js` with
 * the Node.js on PATH. It is a plain executable plugin, so it needs no
 * language host and installs with `pulumi plugin install --file`.
 */

/** The executable's name, as the engine looks it up. */
export const PLUGIN_BINARY = `pulumi-resource-${PACKAGE_NAME}`;

/** The launcher script: Node.js 22 or later on PATH runs the provider. */
export function launcherScript(): string {
    return [
        "#!/bin/sh",
        `# The ${PACKAGE_NAME} component package's provider (${PACKAGE.name} ${PACKAGE.version}).`,
        'dir=$(dirname "$(readlink -f "$0")")',
        `exec node "$dir/node_modules/${PACKAGE.name}/lib/provider/main.js" "$@"`,
        "",
    ].join("\n");
}

/** Builds the plugin in `dir` (which must be empty or absent) from a packed tarball. */
export function buildPluginDir(dir: string, tarball: string): string {
    fs.mkdirSync(dir, { recursive: true });
    const manifest = {
        name: `${PLUGIN_BINARY}-plugin`,
        version: PACKAGE.version,
        private: true,
        dependencies: runtimeDependencies(tarball),
    };
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(manifest, null, 2));
    npmInstall(dir, ["--omit=dev"]);
    fs.writeFileSync(path.join(dir, PLUGIN_BINARY), launcherScript(), { mode: 0o755 });
    return dir;
}

/** The plugin as a tarball `pulumi plugin install resource <name> <version> --file` takes. */
export function tarPlugin(dir: string, out: string): string {
    run("tar", ["-czf", out, "-C", dir, "."], dir);
    return out;
}
