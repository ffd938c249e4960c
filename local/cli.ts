/**
 * `npm run local:up | local:env | local:down` (docs/local-cluster.md).
 */
import * as os from "os";
import { localPaths, parseArgs, USAGE } from "./plan";
import { down, interruption, LocalError, printEnv, up } from "./run";

async function main(argv: string[]): Promise<number> {
    const args = parseArgs(argv);
    if ("error" in args) {
        console.error(`local: ${args.error}\n\n${USAGE}`);
        return 2;
    }
    const paths = localPaths(process.env, os.homedir());
    if ("error" in paths) {
        console.error(`local: ${paths.error}`);
        return 2;
    }
    // Ctrl-C reaches the children too (kwokctl, pulumi, which cancels cleanly):
    // wait for them to stop rather than leave them running. A second one exits at once.
    let interrupted = false;
    process.on("SIGINT", () => {
        if (interrupted) process.exit(130);
        interrupted = true;
        interruption.requested = true;
        console.error(
            "\nlocal: interrupted; waiting for the running step to stop (Ctrl-C again to leave now). The next npm run local:up recovers.",
        );
    });
    try {
        if (args.command === "env") await printEnv(paths);
        else if (args.command === "up") await up(paths);
        else await down(paths);
        return interrupted ? 130 : 0;
    } catch (err) {
        if (interrupted) {
            console.error(
                "local: interrupted. npm run local:up resumes (it recreates a half-started cluster); npm run local:down removes what is there.",
            );
            return 130;
        } else if (err instanceof LocalError) {
            console.error(`local: ${err.message}`);
        } else {
            console.error(`local: ${(err as Error).stack ?? String(err)}`);
        }
        return 1;
    }
}

void main(process.argv.slice(2)).then((code) => process.exit(code));
