/** The command line of `npm run recover` (docs/operations.md#interrupted-deploys). */

/** What to do with orphans: list them, delete them, import them into the stack, or ask. */
export type OrphanAction = "report" | "delete" | "import" | "ask";

/** The parsed command line. */
export interface RecoverArgs {
    stack: string;
    /** The Pulumi project's directory. @default the current directory */
    cwd?: string;
    /** A stack config file other than `Pulumi.<stack>.yaml`. @default none */
    configFile?: string;
    /** The cluster's kubeconfig. @default the stack's `kubeconfig` output, else KUBECONFIG or ~/.kube/config */
    kubeconfig?: string;
    /** @default "ask" on a terminal, "report" otherwise */
    orphans?: OrphanAction;
}

export const USAGE = `usage: npm run recover -- --stack <name> [options]

After an interrupted or failed pulumi up: removes the stack's stale locks, imports
or clears the operations left pending, refreshes the state from the cluster, and
lists the objects labelled as the stack's that its state doesn't track (orphans).
Then run pulumi up.

options:
  --stack <name>          the stack (required)
  --cwd <dir>             the Pulumi project's directory (default: the current one)
  --config-file <file>    the stack's config file, if not Pulumi.<stack>.yaml
  --kubeconfig <file>     the cluster (default: the stack's kubeconfig output, else
                          KUBECONFIG or ~/.kube/config)
  --orphans <action>      report (list them), delete, import (into the stack, unprotected),
                          or ask (default on a terminal; report otherwise)`;

const VALUE_FLAGS = ["--stack", "--cwd", "--config-file", "--kubeconfig", "--orphans"];
const ACTIONS: OrphanAction[] = ["report", "delete", "import", "ask"];

/** Parses `argv`; an error names the argument and its value. */
export function parseRecoverArgs(argv: string[]): RecoverArgs | { error: string } | { help: true } {
    if (argv.includes("--help") || argv.includes("-h")) return { help: true };
    const values: Record<string, string> = {};
    for (let i = 0; i < argv.length; i++) {
        const [flag, inline] = argv[i].split(/=(.*)/s, 2);
        if (!VALUE_FLAGS.includes(flag)) {
            return { error: `unknown argument "${argv[i]}"` };
        }
        const value = inline ?? argv[++i];
        if (value === undefined || value === "") {
            return { error: `${flag} needs a value` };
        }
        values[flag] = value;
    }
    if (!values["--stack"]) {
        return { error: "--stack is required" };
    }
    const orphans = values["--orphans"] as OrphanAction | undefined;
    if (orphans !== undefined && !ACTIONS.includes(orphans)) {
        return { error: `--orphans "${orphans}" must be one of ${ACTIONS.join(", ")}` };
    }
    return {
        stack: values["--stack"],
        cwd: values["--cwd"],
        configFile: values["--config-file"],
        kubeconfig: values["--kubeconfig"],
        orphans,
    };
}
