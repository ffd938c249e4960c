import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { NodeShape, startCluster } from "../../e2e/cluster";
import { PulumiCli } from "../../e2e/pulumi";
import { findToolchain } from "../../e2e/toolchain";
import { compileBench, ensureCompiledProgram } from "../build";
import { ROOT } from "../common";
import { median, ms, round } from "../report";
import { caseName, checkBudgets, E2E_BUDGETS, Runs, runsOf } from "./budgets";
import { appCase, Case, NAMESPACE, servicesCase } from "./cases";
import { failureText, formatReport } from "./format";
import { loadSamples } from "./measure";
import { CaseResult, Sample, summarize, Way } from "./results";
import { Bench, helmEnv, viaFloor, viaHelm, viaKubectl, viaPulumi } from "./ways";

/**
 * `npm run bench:e2e`: issue 12's benchmark on a real engine and a real
 * control plane (the e2e toolchain's KWOK cluster). For the app, and for N
 * services, it deploys the same objects several ways, each command a fresh
 * process, each way torn down before the next, several times in a rotating
 * order; it reports medians, prints a table, writes bench/e2e-results.json,
 * and exits 1 when a budget is missed or was not measured (2 when it could
 * not run).
 *
 * Options: --app-runs <n> (default 7: the app carries the tight budgets, and
 * its runs are short), --runs <n> (default 3, the N cases up to N=50),
 * --big-runs <n> (default 1: the N cases above 50, whose runs are long),
 * --sizes <n,...> (default 1,10,50,100: the memory-flat budget's three sizes
 * and the total RSS budget's), --out <file> (default bench/e2e-results.json).
 */

interface Options extends Runs {
    sizes: number[];
    out: string;
}

function parseOptions(argv: string[]): Options {
    const o: Options = {
        appRuns: 7,
        runs: 3,
        bigRuns: 1,
        sizes: [E2E_BUDGETS.baseN, E2E_BUDGETS.smallN, E2E_BUDGETS.largeN, E2E_BUDGETS.rssN],
        out: path.join(ROOT, "bench", "e2e-results.json"),
    };
    for (let i = 0; i < argv.length; i += 2) {
        const [flag, value] = [argv[i], argv[i + 1]];
        if (value === undefined) throw new Error(`${flag} needs a value`);
        if (flag === "--app-runs") o.appRuns = Number(value);
        else if (flag === "--runs") o.runs = Number(value);
        else if (flag === "--big-runs") o.bigRuns = Number(value);
        else if (flag === "--sizes") o.sizes = value.split(",").map(Number);
        else if (flag === "--out") o.out = path.resolve(value);
        else throw new Error(`unknown option ${flag}`);
    }
    if (![o.appRuns, o.runs, o.bigRuns, ...o.sizes].every((n) => Number.isInteger(n) && n >= 1)) {
        throw new Error(
            `--app-runs, --runs, --big-runs and --sizes take positive integers (got ${argv.join(" ")})`,
        );
    }
    return o;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Nine nodes over three zones (36 CPUs): room for 100 services at 2 replicas of 100m. */
const NODES: NodeShape[] = Array.from({ length: 9 }, (_, i) => ({
    name: `kwok-node-${i}`,
    zone: `zone-${"abc"[i % 3]}`,
}));

type Step = (b: Bench, c: Case) => Promise<Partial<Record<Way, Sample>>>;

/** Measures one case: every way, `runs` times, in an order that rotates each run. */
async function measureCase(b: Bench, c: Case, runs: number): Promise<CaseResult> {
    await b.cli.init(c.program, c.programConfig);
    await b.cli.init(c.bare, c.bareConfig);
    const { floor } = c;
    if (floor) {
        await b.cli.init(floor, { "bench:namespace": b.namespace });
    }
    // The app's case also times the bare objects' preview and the floor's.
    const app = c.name === "app";
    const steps: [string, Step][] = [
        ["kubectl", async (x, k) => ({ kubectl: await viaKubectl(x, k.files) })],
        ["pulumi", (x, k) => viaPulumi(x, k.program, "pulumi", true)],
        ["bare", (x, k) => viaPulumi(x, k.bare, "bare", app)],
    ];
    if (app) {
        steps.push(["helm", async (x, k) => ({ helm: await viaHelm(x, k.files) })]);
    }
    if (floor) {
        steps.push(["floor", async (x) => ({ previewFloor: await viaFloor(x, floor) })]);
    }
    const samples: Partial<Record<Way, Sample[]>> = {};
    for (let run = 0; run < runs; run++) {
        const order = [...steps.slice(run % steps.length), ...steps.slice(0, run % steps.length)];
        for (const [label, step] of order) {
            const got = await step(b, c);
            for (const [way, s] of Object.entries(got) as [Way, Sample][]) {
                (samples[way] ??= []).push(s);
            }
            const line = Object.entries(got)
                .map(([w, s]) => `${w} ${ms(s.wallMs)}`)
                .join(", ");
            log(`  ${c.name} run ${run + 1}/${runs} ${label}: ${line}`);
        }
    }
    const ways = Object.fromEntries(
        Object.entries(samples).map(([w, s]) => [w, summarize(s)]),
    ) as CaseResult["ways"];
    return {
        name: c.name,
        services: c.files.services,
        objects: c.files.objects,
        pulumiResources: c.pulumiResources,
        ways,
    };
}

async function measureAll(o: Options, work: string): Promise<CaseResult[]> {
    const toolchain = await findToolchain();
    if ("missing" in toolchain) {
        throw new Error(`the e2e toolchain is not built: ${toolchain.missing}`);
    }
    log("recording the cases under mocks (manifests, bare plans, charts)");
    // One at a time: each recording installs its own mocks.
    const cases = [await appCase(work)];
    for (const n of o.sizes) {
        cases.push(await servicesCase(n, work));
    }
    log(`starting a KWOK cluster (${NODES.length} nodes)`);
    const cluster = await startCluster({
        name: `bench-${process.pid}`,
        workDir: path.join(work, "cluster"),
        toolchain,
        nodes: NODES,
    });
    try {
        const cli = await PulumiCli.create(toolchain, work, cluster.kubeconfig);
        const b: Bench = {
            cluster,
            toolchain,
            cli,
            namespace: NAMESPACE,
            helmEnv: helmEnv(work, cluster.kubeconfig),
        };
        const results: CaseResult[] = [];
        for (const c of cases) {
            log(`${c.name}: ${c.files.services} services, ${c.files.objects} objects`);
            results.push(
                await measureCase(b, c, runsOf({ name: c.name, services: c.files.services }, o)),
            );
        }
        return results;
    } finally {
        await cluster.delete();
    }
}

async function main(): Promise<number> {
    const o = parseOptions(process.argv.slice(2));
    log("preparing: the compiled program (bin/) and the benchmark's own build");
    ensureCompiledProgram();
    compileBench();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "orchestration-bench-e2e-"));
    let cases: CaseResult[];
    try {
        cases = await measureAll(o, work);
    } finally {
        if (process.env.E2E_KEEP !== "1") fs.rmSync(work, { recursive: true, force: true });
    }
    const checks = checkBudgets(cases);
    const cpus = os.cpus();
    const info = {
        date: new Date().toISOString(),
        cpus: cpus.length,
        cpuModel: cpus[0]?.model ?? "unknown",
        node: process.version,
        appRuns: o.appRuns,
        runs: o.runs,
        bigRuns: o.bigRuns,
        load: { median: round(median(loadSamples)), max: round(Math.max(...loadSamples)) },
    };
    process.stdout.write(`${formatReport(info, cases, checks)}\n`);
    const prettier = await import("prettier");
    const json = JSON.stringify({ ...info, sizes: o.sizes.map(caseName), cases, budgets: checks });
    const config = (await prettier.resolveConfig(o.out)) ?? {};
    fs.writeFileSync(o.out, await prettier.format(json, { ...config, parser: "json" }));
    process.stdout.write(`\nwrote ${path.relative(ROOT, o.out)}\n`);
    const failure = failureText(checks);
    if (failure) {
        process.stderr.write(`\n${failure}\n`);
        return 1;
    }
    return 0;
}

main().then(
    (code) => process.exit(code),
    (err: unknown) => {
        process.stderr.write(
            `bench:e2e: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
        );
        process.exit(2);
    },
);
