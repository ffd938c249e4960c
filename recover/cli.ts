/**
 * `npm run recover -- --stack <name>` (docs/operations.md#interrupted-deploys).
 */
import * as readline from "readline/promises";
import { parseRecoverArgs, USAGE } from "./args";
import { recover, RecoverError, RecoveryReport } from "./run";
import { describeObject } from "./state";

const log = (line: string) => console.log(`recover: ${line}`);

/** The closing lines: what was found, what was done, and what to run next. */
export function closingMessage(stack: string, r: RecoveryReport): string {
    const found = [
        `${r.staleLocks.length} stale lock(s) removed`,
        ...(r.emptyCheckpointAttrs ? ["the empty checkpoint metadata file removed"] : []),
        `${r.pending.length} pending operation(s) (${r.imported.length} create(s) imported, ${r.cleared.length} cleared)`,
        `${r.orphans.length} orphan(s)${r.orphans.length > 0 ? ` (${r.orphanOutcome})` : ""}`,
    ];
    const lines = [`recover: done: ${found.join("; ")}.`];
    for (const o of r.lost) {
        lines.push(
            `recover: the state still tracks ${describeObject(o)}, which the cluster doesn't have`,
        );
    }
    const orphansLeft = r.orphans.length > 0 && ["reported", "kept"].includes(r.orphanOutcome);
    lines.push(
        orphansLeft
            ? `recover: next: act on the orphans above, then pulumi up --stack ${stack}`
            : `recover: next: pulumi up --stack ${stack}`,
    );
    return lines.join("\n");
}

async function main(argv: string[]): Promise<number> {
    const args = parseRecoverArgs(argv);
    if ("help" in args) {
        console.log(USAGE);
        return 0;
    }
    if ("error" in args) {
        console.error(`recover: ${args.error}\n\n${USAGE}`);
        return 2;
    }
    const terminal = process.stdin.isTTY && process.stdout.isTTY;
    const rl = terminal
        ? readline.createInterface({ input: process.stdin, output: process.stdout })
        : undefined;
    try {
        const report = await recover({
            ...args,
            env: process.env,
            log,
            ask: rl ? (q) => rl.question(`recover: ${q}`) : undefined,
        });
        console.log(closingMessage(args.stack, report));
        return 0;
    } catch (err) {
        console.error(
            `recover: ${err instanceof RecoverError ? err.message : ((err as Error).stack ?? String(err))}`,
        );
        return 1;
    } finally {
        rl?.close();
    }
}

void main(process.argv.slice(2)).then((code) => process.exit(code));
