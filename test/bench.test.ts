import { strict as assert } from "assert";
import type { EvaluateResult, ScaleResult } from "../bench/common";
import { BenchReport, checkBudgets, formatReport, scaleTable, startupTable } from "../bench/format";
import { BUDGETS, formatBudgets, median } from "../bench/report";
import { scaleRow, startupRow, StartupRuns } from "../bench/summary";

/** The pure parts of `npm run bench`: its summaries, its budgets and its text. */

function evaluated(resources: number, maxRssKb: number): EvaluateResult {
    return { resources, maxRssKb, cpuMs: 0 } as EvaluateResult;
}

function startupRuns(compiledMs: number[], typecheckMs: number[]): StartupRuns {
    return {
        wallsMs: { compiled: compiledMs, typecheck: typecheckMs },
        cpusMs: { compiled: [100, 300, 200], typecheck: [900, 700, 800] },
        last: { compiled: evaluated(25, 200_000), typecheck: evaluated(25, 500_000) },
    };
}

function scaleResult(registerMs: number, cpuMs: number, maxRssKb: number): ScaleResult {
    return {
        registerMs,
        registerCpuMs: cpuMs,
        maxRssKb,
        baseRssKb: 100_000,
        resources: 7,
    } as ScaleResult;
}

/** One row at N = 500: ScalableService 1.1× bare in CPU, 1.05× in RSS. */
const ROW_500 = scaleRow(500, {
    scalable: [scaleResult(5000, 4400, 840_000), scaleResult(5200, 4600, 860_000)],
    bare: [scaleResult(4800, 4000, 800_000), scaleResult(4900, 4200, 820_000)],
});

function report(overrides: Partial<BenchReport> = {}): BenchReport {
    return {
        date: "2026-11-28T00:00:00.000Z",
        machine: {
            cpus: 2,
            cpuModel: "Test CPU",
            memoryGb: 24,
            node: "v24.0.0",
            platform: "linux x64",
        },
        runs: 3,
        load: { median: 1, max: 1.5 },
        startup: [startupRow("local", startupRuns([300, 100, 200], [900, 700, 800]))],
        objectsPerService: ["kubernetes:apps/v1:Deployment", "kubernetes:core/v1:Service"],
        scale: [ROW_500],
        unit: { wallMs: 9000, cpuMs: 12_000, exitCode: 0, summary: "mocha: 437 passing" },
        ...overrides,
    };
}

describe("bench: summaries", () => {
    it("summarizes a stack's start-up as medians, and the speed-up as type-checking ÷ compiled", () => {
        const row = startupRow("dev", startupRuns([300, 100, 200], [900, 700, 800]));
        assert.equal(row.compiled.medianMs, 200);
        assert.deepEqual(row.compiled.runsMs, [300, 100, 200]);
        assert.equal(row.compiled.cpuMs, 200);
        assert.equal(row.typecheck.medianMs, 800);
        assert.equal(row.speedup, 4);
        assert.equal(row.resources, 25);
        assert.equal(row.typecheck.maxRssKb, 500_000);
    });

    it("refuses a start-up whose two paths registered different resource counts", () => {
        const runs = startupRuns([1], [2]);
        runs.last.typecheck = evaluated(24, 1);
        assert.throws(
            () => startupRow("prod", runs),
            /prod: the compiled program registered 25 resources, the sources 24/,
        );
    });

    it("summarizes N services per variant: medians, cost per service above the base RSS, and ratios", () => {
        assert.equal(ROW_500.scalable.registerCpuMs, 4500);
        assert.equal(ROW_500.bare.registerCpuMs, 4100);
        assert.equal(ROW_500.scalable.perServiceCpuMs, 9);
        // (850 000 − 100 000) KB over 500 services.
        assert.equal(ROW_500.scalable.perServiceKb, 1500);
        assert.equal(ROW_500.cpuRatio, round3(4500 / 4100));
        assert.equal(ROW_500.wallRatio, round3(5100 / 4850));
        assert.equal(ROW_500.rssRatio, round3(850_000 / 810_000));
        assert.equal(ROW_500.scalable.resources, 7);
    });

    it("takes the median of an even count as the mean of the middle two", () => {
        assert.equal(median([4, 1, 3, 2]), 2.5);
        assert.throws(() => median([]), /median of no values/);
    });
});

describe("bench: budgets", () => {
    it("meets every budget when start-up, scale and the unit suite are within them", () => {
        const checks = checkBudgets(report());
        assert.deepEqual(
            checks.map((c) => c.met),
            [true, true, true, true],
        );
        assert.equal(formatBudgets(checks).missed.length, 0);
    });

    it("misses the start-up budget when compiled is less than 3× faster", () => {
        const slow = startupRow("local", startupRuns([300, 300, 300], [800, 800, 800]));
        const [startup] = checkBudgets(report({ startup: [slow] }));
        assert.equal(startup.met, false);
        assert.match(startup.actual, /^2\.67× \(300 ms vs 800 ms\)$/);
    });

    it("misses the scale budget on CPU or RSS over 1.25×, and skips it when N = 500 was not measured", () => {
        const heavy = scaleRow(BUDGETS.scaleRatioAt, {
            scalable: [scaleResult(1, 1300, 1_300_000)],
            bare: [scaleResult(1, 1000, 1_000_000)],
        });
        const [, cpu, rss] = checkBudgets(report({ scale: [heavy] }));
        assert.equal(cpu.met, false);
        assert.equal(rss.met, false);
        const [, cpuSkipped, rssSkipped] = checkBudgets(report({ scale: [] }));
        assert.equal(cpuSkipped.met, null);
        assert.equal(rssSkipped.actual, "not measured");
    });

    it("misses the unit-suite budget when a test failed, even when it was fast", () => {
        const failed = { wallMs: 1000, cpuMs: 1000, exitCode: 1, summary: "mocha: 1 failing" };
        const checks = checkBudgets(report({ unit: failed }));
        assert.equal(checks[checks.length - 1].met, false);
        assert.equal(checkBudgets(report({ unit: undefined })).pop()!.met, null);
    });
});

describe("bench: the report", () => {
    it("prints the start-up table with the speed-up and both paths' CPU and RSS", () => {
        const lines = startupTable(report().startup).split("\n");
        assert.match(lines[0], /^stack\s+resources\s+compiled \(bin\/index\.js\)/);
        assert.match(lines[1], /^local\s+25\s+200 ms\s+800 ms\s+4\.0×\s+200 ms \/ 800 ms/);
    });

    it("prints a scale row per N with both variants and the three ratios", () => {
        const lines = scaleTable([ROW_500]).split("\n");
        assert.equal(lines.length, 2);
        assert.match(lines[1], /^500\s+5\.10 s\s+4\.50 s\s+9\.0 ms/);
        assert.match(lines[1], /1\.10\s+1\.05\s+1\.05$/);
    });

    it("warns when the load average says other work inflated the wall times", () => {
        const quiet = formatReport(report(), checkBudgets(report()));
        assert.doesNotMatch(quiet, /WARNING: the machine was busy/);
        const busy = report({ load: { median: 3, max: 3.5 } });
        assert.match(formatReport(busy, checkBudgets(busy)), /WARNING: the machine was busy/);
    });

    it("ends with the budget lines, and says when the unit suite was skipped", () => {
        const r = report({ unit: undefined });
        const text = formatReport(r, checkBudgets(r));
        assert.match(text, /Unit suite: skipped \(--no-unit\)/);
        assert.match(text, /Per registered object at N = 500: bare 4\.10 ms CPU/);
        assert.match(text.split("\n").pop()!, /SKIP unit suite wall time/);
    });
});

function round3(x: number): number {
    return Math.round(x * 1000) / 1000;
}
