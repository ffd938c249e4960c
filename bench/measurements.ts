import * as fs from "fs";
import * as path from "path";
import { OPERATOR_CONFIG, stackConfig, STACKS } from "../test/stacks";
import { child, log, resultOf, resultOrThrow, runChild } from "./child";
import { DumpedObject, EvaluateResult, ScaleResult, ScaleVariant, StartPath } from "./common";
import { mb, ms, round } from "./report";
import { scaleRow, ScaleRow, startupRow, StartupRow, StartupRuns, UnitSuite } from "./summary";

/**
 * The three measurements of `npm run bench`, each child a fresh process:
 * start-up per stack and path, N services per variant, the unit suite.
 */

/** What the operator adds to an EKS stack before its first `pulumi up`. */
const deployConfig = (stack: string) => ({
    ...stackConfig(stack),
    ...(stack === "local" ? {} : OPERATOR_CONFIG),
});

/** Start-up: each stack's program evaluated under mocks, compiled and type-checking, `runs` times. */
export async function measureStartup(runs: number): Promise<StartupRow[]> {
    const measured: Record<string, StartupRuns> = {};
    for (let run = 1; run <= runs; run++) {
        for (const stack of STACKS) {
            const m = (measured[stack] ??= {
                wallsMs: { compiled: [], typecheck: [] },
                cpusMs: { compiled: [], typecheck: [] },
                last: {} as Record<StartPath, EvaluateResult>,
            });
            for (const startPath of ["compiled", "typecheck"] as const) {
                const r = await runChild([child("evaluate"), startPath, stack], {
                    BENCH_STACK_CONFIG: JSON.stringify(deployConfig(stack)),
                });
                const result = resultOf<EvaluateResult>(r, `evaluating ${stack} (${startPath})`);
                m.wallsMs[startPath].push(r.wallMs);
                m.cpusMs[startPath].push(result.cpuMs);
                m.last[startPath] = result;
                log(`  start-up ${stack} ${startPath} run ${run}/${runs}: ${ms(r.wallMs)}`);
            }
        }
    }
    return STACKS.map((stack) => startupRow(stack, measured[stack]));
}

/** Records the template, and checks that both variants register identical objects at N = 1. */
export async function checkEquivalence(tmp: string): Promise<{ objectsPerService: string[] }> {
    const template = path.join(tmp, "template.json");
    resultOrThrow(await runChild([child("scale"), "template", template]), "recording the template");
    const dumps: Record<ScaleVariant, string> = {
        scalable: path.join(tmp, "scalable-1.json"),
        bare: path.join(tmp, "bare-1.json"),
    };
    resultOf<ScaleResult>(
        await runChild([child("scale"), "scalable", "1", dumps.scalable]),
        "ScalableService N=1",
    );
    resultOf<ScaleResult>(
        await runChild([child("scale"), "bare", "1", template, dumps.bare]),
        "bare N=1",
    );
    const [a, b] = [dumps.scalable, dumps.bare].map(
        (f) => JSON.parse(fs.readFileSync(f, "utf8")) as DumpedObject[],
    );
    if (JSON.stringify(a) !== JSON.stringify(b)) {
        throw new Error(
            `the bare baseline does not register what ScalableService does; compare ${dumps.scalable} with ${dumps.bare}`,
        );
    }
    return { objectsPerService: a.map((o) => o.type) };
}

/** Scale: N services through ScalableService and as bare objects, `runs` times per N. */
export async function measureScale(
    runs: number,
    sizes: number[],
    tmp: string,
): Promise<ScaleRow[]> {
    const template = path.join(tmp, "template.json");
    const results: Record<number, Record<ScaleVariant, ScaleResult[]>> = {};
    for (let run = 1; run <= runs; run++) {
        for (const n of sizes) {
            results[n] ??= { scalable: [], bare: [] };
            // Alternate which variant goes first, so drift favours neither.
            const order: ScaleVariant[] =
                run % 2 === 1 ? ["scalable", "bare"] : ["bare", "scalable"];
            for (const variant of order) {
                const args =
                    variant === "scalable"
                        ? [child("scale"), "scalable", String(n)]
                        : [child("scale"), "bare", String(n), template];
                const r = resultOf<ScaleResult>(await runChild(args), `${variant} N=${n}`);
                results[n][variant].push(r);
                log(
                    `  scale N=${n} ${variant} run ${run}/${runs}: ${ms(r.registerMs)} (CPU ${ms(r.registerCpuMs)}), peak RSS ${mb(r.maxRssKb)}`,
                );
            }
        }
    }
    return sizes.map((n) => scaleRow(n, results[n]));
}

/** The unit suite, as `npm run unit` runs it, once. */
export async function measureUnitSuite(tmp: string): Promise<UnitSuite> {
    const cpuFile = path.join(tmp, "unit-cpu.json");
    const r = await runChild(["-r", child("cpuAtExit"), require.resolve("mocha/bin/mocha.js")], {
        BENCH_CPU_FILE: cpuFile,
    });
    const summary =
        r.stdout
            .split("\n")
            .reverse()
            .find((l) => l.startsWith("mocha:")) ?? "(no summary line)";
    const cpu = fs.existsSync(cpuFile)
        ? (JSON.parse(fs.readFileSync(cpuFile, "utf8")) as { cpuMs: number }).cpuMs
        : null;
    log(`  unit suite: ${ms(r.wallMs)} (CPU ${cpu === null ? "?" : ms(cpu)}), ${summary}`);
    return {
        wallMs: round(r.wallMs),
        cpuMs: cpu === null ? null : round(cpu),
        exitCode: r.code,
        summary,
    };
}
