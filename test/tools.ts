import { findTool, installCommand, ToolName } from "../judges/tools";

export { findTool, TOOLS } from "../judges/tools";
export type { ToolName } from "../judges/tools";

/**
 * The tool's path. When it is missing, the test fails under CI (CI=true) and
 * is skipped otherwise, with the command that installs it. Call it from inside
 * a mocha test or hook (`this` is the mocha context).
 */
export function requireTool(ctx: Mocha.Context, name: ToolName): string {
    const found = findTool(name);
    if (found) {
        return found;
    }
    if (process.env.CI === "true") {
        throw new Error(
            `${name} is not installed, and CI requires it. .ci/run installs it with: ${installCommand(name)}`,
        );
    }
    console.warn(
        `      (skipped: ${name} is not installed; install it with: ${installCommand(name)})`,
    );
    ctx.skip();
}

/**
 * `found` when it is set. Otherwise the test fails under CI (CI=true) and is
 * skipped elsewhere, naming `what` is missing and `install`, the command that
 * provides it. Call it from inside a mocha test or hook.
 */
export function requireBinary(
    ctx: Mocha.Context,
    what: string,
    found: string | undefined,
    install: string,
): string {
    if (found) {
        return found;
    }
    if (process.env.CI === "true") {
        throw new Error(
            `${what} is not installed, and CI requires it. Install it with: ${install}`,
        );
    }
    console.warn(`      (skipped: ${what} is not installed; install it with: ${install})`);
    ctx.skip();
}
