import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

/**
 * Reads the config a stack would run with, the way the engine assembles it:
 * Pulumi.yaml's declared defaults (in the project's namespace) overlaid with
 * Pulumi.<stack>.yaml. Used by `render` and by the tests, which have no CLI.
 */

/** The project root, where Pulumi.yaml and the stack files live. */
export const PROJECT_ROOT = path.resolve(__dirname, "..");

/** The stacks that have a Pulumi.<stack>.yaml, sorted. */
export function listStacks(root = PROJECT_ROOT): string[] {
    return fs
        .readdirSync(root)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/**
 * Pulumi.yaml's declared defaults, keyed `<project>:<key>`: the config a new
 * stack gets before its stack file sets anything.
 */
export function projectDefaults(root = PROJECT_ROOT): Record<string, unknown> {
    const project = parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as {
        name: string;
        config?: Record<string, { default?: unknown; value?: unknown } | null>;
    };
    const config: Record<string, unknown> = {};
    for (const [key, spec] of Object.entries(project.config ?? {})) {
        const fullKey = key.includes(":") ? key : `${project.name}:${key}`;
        if (spec && "default" in spec) {
            config[fullKey] = spec.default;
        } else if (spec && "value" in spec) {
            config[fullKey] = spec.value;
        }
    }
    return config;
}

/** The config the engine hands the program for `stack`. Throws for an unknown stack. */
export function stackConfig(stack: string, root = PROJECT_ROOT): Record<string, unknown> {
    const stackFile = path.join(root, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(stackFile)) {
        throw new Error(
            `unknown stack "${stack}": there is no Pulumi.${stack}.yaml (stacks: ${listStacks(root).join(", ")})`,
        );
    }
    const config = projectDefaults(root);
    const stackDoc = parse(fs.readFileSync(stackFile, "utf8")) as {
        config?: Record<string, unknown>;
    } | null;
    return { ...config, ...(stackDoc?.config ?? {}) };
}
