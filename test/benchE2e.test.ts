import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import type { RecordedResource } from "../components/testing";
import { barePlan, escapeHelm, helmChart, objectKey, urnKey } from "../bench/e2e/artifacts";
import { caseName, checkBudgets, E2E_BUDGETS, rssPerServiceKb, runsOf } from "../bench/e2e/budgets";
import { deployed } from "../bench/e2e/cluster";
import { failureText, formatReport, memoryTable, timesTable } from "../bench/e2e/format";
import { samplePeaks } from "../bench/e2e/processTree";
import { CaseResult, ratio, summarize } from "../bench/e2e/results";
import { ProcessPeak, processKind, rssByKind, totalRss } from "../bench/e2e/rss";

/** The pure parts of `npm run bench:e2e`: what it deploys, its arithmetic, its budgets, its text. */

const STACK = "urn:pulumi:bench::orchestration::";

function recorded(
    type: string,
    name: string,
    extra: Partial<RecordedResource> = {},
): RecordedResource {
    const kind = type.split(":").pop()!;
    return {
        type,
        name,
        inputs: { metadata: { name, namespace: kind === "Namespace" ? undefined : "apps" } },
        secretInputs: [],
        state: {},
        custom: true,
        protect: false,
        ignoreChanges: [],
        replaceOnChanges: [],
        deleteBeforeReplace: false,
        dependencies: [],
        id: name,
        ...extra,
    };
}

const COMPONENT = `${STACK}orchestration:index:ScalableService::web`;
const NS = recorded("kubernetes:core/v1:Namespace", "apps");
const DEPLOYMENT = recorded("kubernetes:apps/v1:Deployment", "web", {
    parent: COMPONENT,
    ignoreChanges: ["spec.replicas"],
    dependencies: [`${STACK}kubernetes:core/v1:Namespace::apps`],
});
const SERVICE = recorded("kubernetes:core/v1:Service", "web", {
    parent: COMPONENT,
    dependencies: [`${STACK}kubernetes:core/v1:Namespace::apps`],
});
const HPA = recorded("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "web-hpa", {
    parent: COMPONENT,
    dependencies: [
        `${STACK}orchestration:index:ScalableService$kubernetes:apps/v1:Deployment::web`,
    ],
});
const COMPONENT_RESOURCE = recorded("orchestration:index:ScalableService", "web", {
    custom: false,
});
const PROXY = recorded("kubernetes:apps/v1:Deployment", "proxy", {
    dependencies: [COMPONENT],
});

describe("bench:e2e: the bare program's plan, from the mocked evaluation", function () {
    const resources = [NS, COMPONENT_RESOURCE, DEPLOYMENT, SERVICE, HPA];

    it("keys a URN by its own type (not its parents') and its name", function () {
        assert.equal(
            urnKey(`${STACK}orchestration:index:ScalableService$kubernetes:core/v1:Service::web`),
            objectKey("kubernetes:core/v1:Service", "web"),
        );
    });

    it("lists every Kubernetes object in registration order with its manifest file, dependencies and ignoreChanges", function () {
        assert.deepEqual(barePlan(resources), [
            {
                key: "kubernetes:core/v1:Namespace::apps",
                type: "kubernetes:core/v1:Namespace",
                name: "apps",
                file: "kubernetes/_cluster/namespace-apps.yaml",
                dependsOn: [],
                ignoreChanges: [],
            },
            {
                key: "kubernetes:apps/v1:Deployment::web",
                type: "kubernetes:apps/v1:Deployment",
                name: "web",
                file: "kubernetes/apps/deployment-web.yaml",
                dependsOn: ["kubernetes:core/v1:Namespace::apps"],
                ignoreChanges: ["spec.replicas"],
            },
            {
                key: "kubernetes:core/v1:Service::web",
                type: "kubernetes:core/v1:Service",
                name: "web",
                file: "kubernetes/apps/service-web.yaml",
                dependsOn: ["kubernetes:core/v1:Namespace::apps"],
                ignoreChanges: [],
            },
            {
                key: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler::web-hpa",
                type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
                name: "web-hpa",
                file: "kubernetes/apps/horizontalpodautoscaler-web-hpa.yaml",
                dependsOn: ["kubernetes:apps/v1:Deployment::web"],
                ignoreChanges: [],
            },
        ]);
    });

    it("expands a dependency on a component to every object it parents", function () {
        const plan = barePlan([...resources, PROXY]);
        assert.deepEqual(plan.find((o) => o.name === "proxy")?.dependsOn, [
            "kubernetes:apps/v1:Deployment::web",
            "kubernetes:autoscaling/v2:HorizontalPodAutoscaler::web-hpa",
            "kubernetes:core/v1:Service::web",
        ]);
    });

    it("refuses an object whose manifest would carry a redacted secret", function () {
        const secret = recorded("kubernetes:core/v1:Secret", "env", {
            inputs: { metadata: { name: "env", namespace: "apps" }, data: { K: "djE=" } },
            secretInputs: ["data"],
        });
        assert.throws(() => barePlan([secret]), /kubernetes:core\/v1:Secret::env has a secret/);
    });
});

describe("bench:e2e: the Helm chart of the rendered manifests", function () {
    const manifests = [
        {
            path: "kubernetes/_cluster/namespace-apps.yaml",
            content: "kind: Namespace\nmetadata:\n  name: apps\n",
        },
        {
            path: "kubernetes/apps/configmap-x.yaml",
            content: "kind: ConfigMap\ndata:\n  t: '{{ x }}'\n",
        },
    ];

    it("escapes the template engine's delimiters", function () {
        assert.equal(escapeHelm("a {{ b }} c"), 'a {{ "{{" }} b }} c');
    });

    it("has Chart.yaml and one template per manifest, named by namespace and file, never starting with _", function () {
        const chart = helmChart("bench", manifests);
        assert.deepEqual(
            chart.map((f) => f.path),
            [
                "Chart.yaml",
                "templates/cluster-namespace-apps.yaml",
                "templates/apps-configmap-x.yaml",
            ],
        );
        assert.match(chart[0].content, /^apiVersion: v2\nname: bench\n/);
        assert.match(chart[2].content, /\{\{ "\{\{" \}\} x \}\}/);
    });
});

/** A case with the given medians (ms) and (b)'s peak RSS (KiB); the provider's defaults to 50 000 + 2 000 per service. */
function caseOf(
    name: string,
    services: number,
    medians: Record<string, number>,
    rss?: { engine: number; program: number; provider?: number },
): CaseResult {
    const ways = Object.fromEntries(
        Object.entries(medians).map(([w, m]) => [w, { medianMs: m, runsMs: [m] }]),
    ) as CaseResult["ways"];
    if (rss && ways.pulumi) {
        const kinds = { provider: 50_000 + 2000 * services, ...rss, other: 0 };
        const total = kinds.engine + kinds.program + kinds.provider;
        ways.pulumi = { ...ways.pulumi, rssKb: { ...kinds, total, maxTotal: total } };
    }
    return { name, services, objects: services * 6, ways };
}

describe("bench:e2e: figures and budgets", function () {
    const app = caseOf("app", 3, { kubectl: 1500, pulumi: 4000, bare: 3800, preview: 1900 });
    // Per service from N=1: engine 1000 KiB at both sizes (linear); program 1250 at N=10, 1500 at N=50.
    const base = caseOf(
        caseName(1),
        1,
        { kubectl: 1000, pulumi: 3000 },
        { engine: 91_000, program: 188_750 },
    );
    const small = caseOf(
        caseName(10),
        10,
        { kubectl: 3000, pulumi: 8000 },
        { engine: 100_000, program: 200_000 },
    );
    const large = caseOf(
        caseName(50),
        50,
        { kubectl: 10_000, pulumi: 31_000 },
        { engine: 140_000, program: 262_250 },
    );
    // All together 200 000 + 400 000 + 250 000 (the provider) = 850 000 KiB: 870 MB, under 1 GiB.
    const hundred = caseOf(
        caseName(100),
        100,
        { kubectl: 20_000, pulumi: 60_000 },
        { engine: 200_000, program: 400_000 },
    );

    it("summarizes runs as medians, per kind of process and all together, ignoring runs whose peaks could not be read", function () {
        const kinds = (engine: number, program: number, provider: number, other = 10) => ({
            engine,
            program,
            provider,
            other,
        });
        const f = summarize([
            { wallMs: 3000.4, rssKb: kinds(0, 200, 300) },
            { wallMs: 1000, rssKb: kinds(90, 200, 400) },
            { wallMs: 2000, rssKb: kinds(110, 300, 600, 30) },
            { wallMs: 1500 },
        ]);
        assert.deepEqual(f, {
            medianMs: 1750,
            runsMs: [3000, 1000, 2000, 1500],
            rssKb: {
                engine: 100,
                program: 250,
                provider: 500,
                other: 20,
                total: 870,
                maxTotal: 1040,
            },
        });
        assert.deepEqual(summarize([{ wallMs: 5 }]), { medianMs: 5, runsMs: [5] });
    });

    it("divides two ways' medians, and says nothing when one is missing", function () {
        assert.equal(ratio(app, "pulumi", "kubectl"), 2.67);
        assert.equal(ratio(app, "helm", "kubectl"), undefined);
    });

    it("measures memory per service as the growth between two sizes over the services added", function () {
        assert.equal(rssPerServiceKb(small, large, "engine"), 1000);
        assert.equal(rssPerServiceKb(base, small, "program"), 1250);
        assert.equal(rssPerServiceKb(base, large, "program"), 1500);
        assert.equal(rssPerServiceKb(base, large, "provider"), 2000);
    });

    it("checks every budget and names the measured ratio of a miss", function () {
        const checks = checkBudgets([app, base, small, large, hundred]);
        assert.deepEqual(
            checks.map((c) => [c.met, c.actual]),
            [
                [true, "2.67 (4.00 s vs 1.50 s)"],
                [true, "1.05 (4.00 s vs 3.80 s)"],
                [true, "1.90 s"],
                [false, "3.1 (31.00 s vs 10.00 s)"],
                [true, "1 (1.02 MB vs 1.02 MB per service)"],
                [true, "1.2 (1.54 MB vs 1.28 MB per service)"],
                [true, "1 (2.05 MB vs 2.05 MB per service)"],
                [
                    true,
                    "870 MB (medians: engine 205 MB, program 410 MB, provider 256 MB, other 0 MB)",
                ],
            ],
        );
        assert.equal(
            checks[7].name,
            "N=100: (b) pulumi up, peak RSS of all processes together (largest run)",
        );
        assert.equal(checks[7].limit, "<= 1 GiB (1074 MB)");
        assert.match(checks[3].name, /^N=50: \(b\) pulumi up ÷ \(a\) kubectl/);
        assert.equal(checks[3].limit, `<= ${E2E_BUDGETS.maxUpOverKubectl}`);
        assert.match(
            checks[4].name,
            /engine \(pulumi\) peak RSS per service from N=1, at N=50 ÷ at N=10$/,
        );
    });

    it("misses the memory budget of the engine and of the provider when their cost per service grows with N (quadratic memory)", function () {
        // RSS = 90 000 + 100·N² KiB: 1 100 per service to N=10, 5 100 to N=50.
        const quadratic = (n: number) =>
            caseOf(
                caseName(n),
                n,
                { pulumi: 1000 },
                { engine: 90_000 + 100 * n * n, program: 1, provider: 50_000 + 200 * n * n },
            );
        const checks = checkBudgets([quadratic(1), quadratic(10), quadratic(50)]);
        assert.deepEqual(
            checks.slice(4, 7).map((c) => [c.met, c.actual.split(" ")[0]]),
            [
                [false, "4.64"],
                [null, "not"],
                [false, "4.64"],
            ],
        );
        assert.match(
            checks[6].name,
            /^memory flat per service: provider \(pulumi-resource-kubernetes\)/,
        );
    });

    it("fails a budget whose case was not run, saying which case and that --sizes left it out", function () {
        const checks = checkBudgets([app]);
        assert.deepEqual(
            checks.map((c) => c.met),
            [true, true, true, null, null, null, null, null],
        );
        assert.equal(checks[3].actual, "not measured: N=50 was not run (not in --sizes)");
        assert.equal(checks[4].actual, "not measured: N=1 was not run (not in --sizes)");
        assert.equal(
            failureText(checks),
            [
                "budget not measured: N=50: (b) pulumi up ÷ (a) kubectl apply + wait (budget <= 3): N=50 was not run (not in --sizes)",
                `budget not measured: ${checks[4].name} (budget <= 1.5): N=1 was not run (not in --sizes)`,
                `budget not measured: ${checks[5].name} (budget <= 1.5): N=1 was not run (not in --sizes)`,
                `budget not measured: ${checks[6].name} (budget <= 1.5): N=1 was not run (not in --sizes)`,
                `budget not measured: ${checks[7].name} (budget <= 1 GiB (1074 MB)): N=100 was not run (not in --sizes)`,
            ].join("\n"),
        );
    });

    it("fails a budget whose way or peak RSS was not measured, naming them", function () {
        const noKubectl = caseOf(caseName(50), 50, { pulumi: 31_000 });
        const checks = checkBudgets([app, base, small, noKubectl]);
        assert.equal(checks[3].met, null);
        assert.equal(
            checks[3].actual,
            'not measured: N=50: "(a) kubectl apply + wait" was not measured',
        );
        assert.equal(checks[4].met, null);
        assert.equal(
            checks[4].actual,
            `not measured: N=50: the peak RSS of the engine (pulumi) was not read for "(b) pulumi up"`,
        );
        const noPreview = checkBudgets([caseOf("app", 3, { pulumi: 1 })])[2];
        assert.deepEqual(
            [noPreview.met, noPreview.actual],
            [null, 'not measured: app: "preview, no change" was not measured'],
        );
    });

    it("lists a missed budget with its figure, and has nothing to say when all are met", function () {
        const checks = checkBudgets([app, base, small, large, hundred]);
        assert.equal(
            failureText(checks),
            `budget missed: ${checks[3].name} is 3.1 (31.00 s vs 10.00 s), budget <= 3`,
        );
        assert.equal(failureText(checks.filter((c) => c.met === true)), undefined);
    });

    it("misses the total RSS budget at N=100 when the largest run's processes together pass 1 GiB, and fails it when the provider's or the program's peak was not read", function () {
        const big = caseOf(
            caseName(100),
            100,
            { pulumi: 60_000 },
            { engine: 200_000, program: 400_000, provider: 448_577 },
        );
        const over = checkBudgets([big])[7];
        assert.deepEqual([over.met, over.actual.split(" (")[0]], [false, "1074 MB"]);
        const noProvider = caseOf(
            caseName(100),
            100,
            { pulumi: 60_000 },
            { engine: 200_000, program: 400_000, provider: 0 },
        );
        const unread = checkBudgets([noProvider])[7];
        assert.deepEqual(
            [unread.met, unread.actual],
            [
                null,
                'not measured: N=100: the peak RSS of the provider (pulumi-resource-kubernetes) was not read for "(b) pulumi up"',
            ],
        );
        const noProgram = caseOf(
            caseName(100),
            100,
            { pulumi: 60_000 },
            { engine: 200_000, program: 0, provider: 250_000 },
        );
        assert.deepEqual(
            checkBudgets([noProgram])[7].actual,
            'not measured: N=100: the peak RSS of the program (node) was not read for "(b) pulumi up"',
        );
    });

    it("runs the app appRuns times, N up to 50 runs times and N above 50 bigRuns times", function () {
        const r = { appRuns: 7, runs: 3, bigRuns: 1 };
        assert.deepEqual(
            [
                runsOf({ name: "app", services: 3 }, r),
                runsOf({ name: "N=50", services: 50 }, r),
                runsOf({ name: "N=100", services: 100 }, r),
            ],
            [7, 3, 1],
        );
    });

    it("misses the preview budget above 2 s", function () {
        const slow = caseOf("app", 3, { preview: 2001 });
        assert.equal(checkBudgets([slow])[2].met, false);
    });
});

describe("bench:e2e: the report", function () {
    const app = caseOf("app", 3, { kubectl: 1500, pulumi: 4000, bare: 3800 });
    const n10 = caseOf(
        "N=10",
        10,
        { kubectl: 3000, pulumi: 8000 },
        { engine: 102_400, program: 204_800 },
    );

    it("has a row per case and a column per way measured, with both budgeted ratios", function () {
        const lines = timesTable([app, n10]).split("\n");
        assert.match(
            lines[0],
            /^case\s+services\s+objects\s+\(a\) kubectl apply \+ wait\s+\(b\) pulumi up\s+\(c\) pulumi up, bare\s+\(b\)÷\(a\)\s+\(b\)÷\(c\)$/,
        );
        assert.match(lines[1], /^app\s+3\s+18\s+1\.50 s\s+4\.00 s\s+3\.80 s\s+2\.67×\s+1\.05×$/);
        assert.match(lines[2], /^N=10\s+10\s+60\s+3\.00 s\s+8\.00 s\s+—\s+2\.67×\s+—$/);
    });

    it("shows (b)'s peak RSS per kind of process and all together, and (c)'s together, in MB", function () {
        const [header, row] = memoryTable([n10]).split("\n");
        assert.match(
            header,
            /^case\s+\(b\) engine\s+\(b\) program\s+\(b\) provider\s+\(b\) other\s+\(b\) all\s+\(c\) all$/,
        );
        assert.match(row, /^N=10\s+105 MB\s+210 MB\s+72 MB\s+0 MB\s+386 MB\s+—$/);
    });

    it("warns when the machine was busy, and lists the budgets, an unmeasured one as FAIL", function () {
        const info = {
            date: "d",
            cpus: 2,
            cpuModel: "m",
            node: "v24",
            appRuns: 5,
            runs: 3,
            bigRuns: 1,
            load: { median: 1, max: 3.5 },
        };
        const text = formatReport(info, [app], checkBudgets([app]));
        assert.match(
            text,
            /medians of 5 runs \(the app\), 3 \(N services up to 50\) and 1 \(above\)/,
        );
        assert.match(text, /WARNING: the machine was busy/);
        assert.match(text, /Budgets:\n {2}ok {3}app: \(b\) pulumi up ÷ \(a\)/);
        assert.match(
            text,
            /\n {2}FAIL N=50: \(b\) pulumi up ÷ \(a\) kubectl apply \+ wait: not measured: N=50 was not run/,
        );
    });
});

describe("bench:e2e: peak RSS by kind of process", function () {
    const peak = (pid: number, argv0: string, peakKb: number) => ({ pid, argv0, peakKb });

    it("tells the engine, the program, the provider and the rest apart by argv[0]'s base name", function () {
        assert.deepEqual(
            [
                "/opt/e2e/bin/pulumi",
                "node",
                "/x/pulumi-resource-kubernetes",
                "/x/pulumi-language-nodejs",
                "/bin/sh",
                "/x/pulumi-resource-kubernetes-v2",
            ].map(processKind),
            ["engine", "program", "provider", "other", "other", "other"],
        );
    });

    it("sums the peaks of a kind's processes, and all kinds together", function () {
        const byKind = rssByKind([
            peak(1, "/b/pulumi", 100),
            peak(2, "/b/pulumi-language-nodejs", 10),
            peak(3, "/n/node", 300),
            peak(4, "/b/pulumi-resource-kubernetes", 500),
            peak(5, "/bin/sh", 5),
        ]);
        assert.deepEqual(byKind, { engine: 100, program: 300, provider: 500, other: 15 });
        assert.equal(totalRss(byKind), 915);
    });

    it("reads the peak RSS of a live process and of its children from /proc", async function () {
        if (!fs.existsSync("/proc/self/status")) this.skip();
        const child = spawn("sleep", ["5"]);
        try {
            await new Promise((resolve) => child.once("spawn", resolve));
            const peaks = new Map<number, ProcessPeak>();
            samplePeaks(process.pid, peaks);
            const me = peaks.get(process.pid);
            assert.equal(processKind(me?.argv0 ?? ""), "program");
            assert.ok(me!.peakKb * 1024 >= process.memoryUsage().heapUsed);
            assert.match(peaks.get(child.pid!)?.argv0 ?? "", /sleep$/);
        } finally {
            child.kill();
        }
    });
});

describe("bench:e2e: what way (a) waits for", function () {
    const deployment = (ready: number) => ({
        kind: "Deployment",
        metadata: { name: "web", generation: 1 },
        spec: { replicas: 2 },
        status: {
            observedGeneration: 1,
            replicas: 2,
            updatedReplicas: 2,
            readyReplicas: ready,
            conditions: [{ type: "Available", status: "True" }],
        },
    });
    const service = { kind: "Service", metadata: { name: "web" } };
    const slice = (ready: boolean) => ({
        kind: "EndpointSlice",
        metadata: { labels: { "kubernetes.io/service-name": "web" } },
        endpoints: [{ conditions: { ready } }],
    });

    it("holds once every Deployment is rolled out and every Service has a ready endpoint", function () {
        assert.equal(deployed([deployment(2), service, slice(true)]), true);
        assert.equal(deployed([deployment(1), service, slice(true)]), false);
        assert.equal(deployed([deployment(2), service, slice(false)]), false);
        assert.equal(deployed([]), false);
    });
});
