import * as path from "path";
import { performance } from "perf_hooks";
import * as pulumi from "@pulumi/pulumi";
import { installMocks, settleRegistrations, valueOf } from "../components/testing";
import { cpuMs, EvaluateResult, report, ROOT, runChild } from "./common";

/**
 * One cold evaluation of the program for one stack, in this fresh process:
 *
 *   node BUILD_DIR/bench/evaluate.js <compiled|typecheck> <stack>
 *
 * with the stack's config (Pulumi.yaml defaults + Pulumi.<stack>.yaml + the
 * operator's values) as JSON in BENCH_STACK_CONFIG. It installs the test kit's
 * mocks, then starts the program the way Pulumi's Node.js host would:
 *
 * - compiled: `require("bin/index.js")`, what `main: bin/index.js` with
 *   `typescript: false` runs; no TypeScript at all.
 * - typecheck: registers ts-node with type-checking (Pulumi's default when
 *   `typescript` is true and tsconfig has no `noCheck`), then requires index.ts.
 *
 * It reports load and run times and peak RSS on one line (see common.ts).
 */

type Program = () => Promise<Record<string, unknown>>;

async function main(): Promise<void> {
    const [mode, stack] = process.argv.slice(2);
    if ((mode !== "compiled" && mode !== "typecheck") || !stack) {
        throw new Error(
            `usage: evaluate.js <compiled|typecheck> <stack> (got ${process.argv.slice(2).join(" ")})`,
        );
    }
    const config = JSON.parse(process.env.BENCH_STACK_CONFIG ?? "{}") as Record<string, unknown>;
    const mocks = await installMocks({ project: "orchestration", stack, config });

    const t0 = performance.now();
    let entry: string;
    if (mode === "typecheck") {
        const tsNode = await import("ts-node");
        tsNode.register({ project: path.join(ROOT, "tsconfig.json"), transpileOnly: false });
        entry = path.join(ROOT, "index.ts");
    } else {
        entry = path.join(ROOT, "bin", "index.js");
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const program = require(entry) as Program;
    const t1 = performance.now();
    await valueOf(pulumi.output(await program()));
    await settleRegistrations();
    const t2 = performance.now();

    const result: EvaluateResult = {
        path: mode,
        stack,
        resources: mocks.resources.length,
        loadMs: t1 - t0,
        runMs: t2 - t1,
        sinceStartMs: performance.now(),
        cpuMs: cpuMs(),
        maxRssKb: process.resourceUsage().maxRSS,
    };
    report(result);
}

runChild(main);
