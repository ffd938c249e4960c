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
