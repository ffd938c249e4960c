/**
 * `npm run render -- --stack <name> --out <dir> [--config key=value ...]`
 *
 * Evaluates the program for a stack with no cloud and no Pulumi CLI, and
 * writes every Kubernetes object it would apply (one YAML file each) plus a
 * summary of the AWS resources. `--config` adds or overrides a config value
 * (JSON values are parsed), for keys the stack file leaves to the operator.
 */
import * as fs from "fs";
import * as path from "path";
import { runProgram } from "./evaluate";
import { CostEstimate, formatCostTable } from "./cost";
import { renderStack } from "./render";
import { listStacks, stackConfig } from "./stackFiles";

interface CliArgs {
    stack: string;
    out: string;
    config: Record<string, unknown>;
}

const USAGE = "usage: npm run render -- --stack <name> --out <dir> [--config key=value ...]";

/** Parses the command line; throws with the usage on a mistake. */
export function parseArgs(argv: string[]): CliArgs {
    let stack: string | undefined;
    let out: string | undefined;
    const config: Record<string, unknown> = {};
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = argv[i + 1];
        if (
            (arg === "--stack" || arg === "--out" || arg === "--config") &&
            (value === undefined || value.startsWith("--"))
        ) {
            throw new Error(`${arg} needs a value\n${USAGE}`);
        }
        if (arg === "--stack") {
            stack = value;
        } else if (arg === "--out") {
            out = value;
        } else if (arg === "--config") {
            const eq = value.indexOf("=");
            if (eq <= 0) {
                throw new Error(`--config takes key=value, got ${JSON.stringify(value)}\n${USAGE}`);
            }
            const raw = value.slice(eq + 1);
            let parsed: unknown = raw;
            try {
                parsed = JSON.parse(raw);
            } catch {
                // A plain string.
            }
            config[value.slice(0, eq)] = parsed;
        } else {
            throw new Error(`unknown argument ${JSON.stringify(arg)}\n${USAGE}`);
        }
        i++;
    }
    if (!stack || !out) {
        throw new Error(
            `${stack ? "--out" : "--stack"} is required (stacks: ${listStacks().join(", ")})\n${USAGE}`,
        );
    }
    return { stack, out, config };
}

/** Renders `stack` into `out` (emptied first). Returns the paths written. */
export async function render(args: CliArgs): Promise<string[]> {
    const config = { ...stackConfig(args.stack), ...args.config };
    const run = await runProgram(args.stack, config);
    if (run.error !== undefined) {
        throw run.error instanceof Error ? run.error : new Error(JSON.stringify(run.error));
    }
    const summaryExtra = [
        "## Stack outputs",
        "",
        "Secret outputs (the kubeconfig) are left out.",
        "",
        "```json",
        JSON.stringify(
            Object.fromEntries(
                Object.entries(run.outputs ?? {}).filter(([k]) => k !== "kubeconfig"),
            ),
            null,
            2,
        ),
        "```",
    ];
    const cost = run.outputs?.estimatedMonthlyCost as CostEstimate | undefined;
    const costSection = cost
        ? ["## Estimated monthly cost", "", "```", formatCostTable(cost), "```"].join("\n")
        : "";
    const files = renderStack(
        args.stack,
        run.mocks.resources,
        [costSection, summaryExtra.join("\n")].filter(Boolean),
    );
    fs.rmSync(args.out, { recursive: true, force: true });
    for (const file of files) {
        const target = path.join(args.out, file.path);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, file.content);
    }
    return files.map((f) => f.path);
}

if (require.main === module) {
    (async () => {
        const args = parseArgs(process.argv.slice(2));
        process.stderr.write(`rendering stack "${args.stack}" under mocks...\n`);
        const written = await render(args);
        const manifests = written.filter((p) => p.startsWith("kubernetes/")).length;
        process.stdout.write(
            `wrote ${manifests} Kubernetes manifests, aws-resources.yaml and SUMMARY.md to ${args.out}\n`,
        );
    })().catch((err: unknown) => {
        process.stderr.write(
            `render failed: ${err instanceof Error ? err.message : String(err)}\n`,
        );
        process.exit(1);
    });
}
