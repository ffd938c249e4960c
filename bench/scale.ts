import * as fs from "fs";
import { performance } from "perf_hooks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
    installMocks,
    RecordedResource,
    ResourceRecorder,
    settleRegistrations,
} from "../components/testing";
import type { ScalableServiceArgs } from "../components/scalable-service/args";
import { cpuMs, DumpedObject, report, runChild, ScaleResult, urnName } from "./common";
import { CONSTRUCTORS, DEPLOYMENT_TYPE, HPA_TYPE } from "./kubernetesTypes";

/**
 * N services registered under mocks in this fresh process, either through
 * ScalableService or as the same bare Kubernetes objects:
 *
 *   node BUILD_DIR/bench/scale.js template <template.json>
 *   node BUILD_DIR/bench/scale.js scalable <N> [dump.json]
 *   node BUILD_DIR/bench/scale.js bare <N> <template.json> [dump.json]
 *
 * `template` registers one ScalableService and writes what it created: every
 * child's type, name, inputs and dependencies. `bare` registers exactly those
 * objects N times, renamed, with the same dependencies, straight from that
 * JSON: no validation, no spec building, no component. So the baseline is
 * whatever ScalableService creates by default (today a ServiceAccount, a
 * Deployment, a Service, an HPA, a PDB and a NetworkPolicy), and it follows
 * the component when the component changes. The N = 1 runs dump what they
 * registered, and the parent checks that both are identical.
 *
 * Inputs are prepared before the clock starts in both variants; the clock
 * stops when every registration has reached the mocks.
 */

/** The service every variant registers: the program's backend, with a PDB (min 2 replicas). */
export const SERVICE_ARGS: ScalableServiceArgs = {
    image: "stefanprodan/podinfo:6.7.1",
    port: 9898,
    servicePort: 80,
    namespace: "apps",
    autoscaling: { minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 70 },
    probes: { readiness: { path: "/readyz" }, liveness: { path: "/healthz" } },
    resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "128Mi" } },
    env: { PODINFO_UI_MESSAGE: "Hello from the benchmark" },
    labels: { "app.kubernetes.io/part-of": "bench" },
};

/** The template's service name, replaced by each service's own in the bare variant. */
const TEMPLATE_NAME = "benchtemplate";
const serviceName = (i: number) => `svc-${i}`;
const COMPONENT_TYPE = "orchestration:index:ScalableService";

/** The Kubernetes objects a run registered (not the provider, not components), comparable across variants. */
function dump(resources: readonly RecordedResource[]): DumpedObject[] {
    return resources
        .filter((r) => r.custom && r.type.startsWith("kubernetes:") && r.type !== COMPONENT_TYPE)
        .map((r) => ({
            type: r.type,
            name: r.name,
            inputs: r.inputs,
            dependencies: r.dependencies.map(urnName).sort(),
            provider: r.provider !== undefined,
        }))
        .sort((a, b) => `${a.type} ${a.name}`.localeCompare(`${b.type} ${b.name}`));
}

function newProvider(): k8s.Provider {
    return new k8s.Provider("bench", { context: "bench" });
}

async function registerTemplate(mocks: ResourceRecorder, out: string): Promise<void> {
    const { ScalableService } = await import("../components/scalable-service/component");
    new ScalableService(TEMPLATE_NAME, SERVICE_ARGS, { provider: newProvider() });
    await settleRegistrations();
    const objects = dump(mocks.resources);
    if (objects.some((o) => !(o.type in CONSTRUCTORS))) {
        throw new Error(
            `ScalableService created a type bench/scale.ts can't register bare: ${objects.map((o) => o.type).join(", ")}`,
        );
    }
    fs.writeFileSync(out, JSON.stringify(objects, null, 2));
}

/** Wall and CPU time of a registration span, in ms. */
interface Span {
    wallMs: number;
    cpuMs: number;
}

/** N ScalableServices; returns the registration time. */
async function registerScalable(n: number): Promise<Span> {
    const { ScalableService } = await import("../components/scalable-service/component");
    const args = Array.from({ length: n }, () => ({ ...SERVICE_ARGS }));
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const provider = newProvider();
    for (let i = 0; i < n; i++) {
        new ScalableService(serviceName(i), args[i], { provider });
    }
    await settleRegistrations();
    return { wallMs: performance.now() - t0, cpuMs: cpuMs(cpu0) };
}

/** N copies of the template's objects, renamed; returns the registration time. */
async function registerBare(n: number, templateFile: string): Promise<Span> {
    const template = fs.readFileSync(templateFile, "utf8");
    const sets = Array.from(
        { length: n },
        (_, i) => JSON.parse(template.replaceAll(TEMPLATE_NAME, serviceName(i))) as DumpedObject[],
    );
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const provider = newProvider();
    for (const objects of sets) {
        const byName = new Map<string, pulumi.CustomResource>();
        // The template is sorted by type; register in dependency order instead.
        const pending = [...objects];
        while (pending.length > 0) {
            const next = pending.findIndex((o) => o.dependencies.every((d) => byName.has(d)));
            if (next === -1) {
                throw new Error(`unresolvable dependencies in ${templateFile}`);
            }
            const [o] = pending.splice(next, 1);
            const deployment = o.type === HPA_TYPE ? findDeployment(objects, byName) : undefined;
            const inputs = deployment ? withScaleTarget(o.inputs, deployment) : o.inputs;
            // The HPA depends on its Deployment through its input, as in the component.
            const explicit = o.dependencies.filter(
                (d) => !(deployment && d === deploymentName(objects)),
            );
            byName.set(
                o.name,
                CONSTRUCTORS[o.type](o.name, inputs, {
                    provider,
                    ...(explicit.length > 0
                        ? { dependsOn: explicit.map((d) => byName.get(d)!) }
                        : {}),
                }),
            );
        }
    }
    await settleRegistrations();
    return { wallMs: performance.now() - t0, cpuMs: cpuMs(cpu0) };
}

function deploymentName(objects: DumpedObject[]): string | undefined {
    return objects.find((o) => o.type === DEPLOYMENT_TYPE)?.name;
}

function findDeployment(
    objects: DumpedObject[],
    byName: Map<string, pulumi.CustomResource>,
): k8s.apps.v1.Deployment | undefined {
    const name = deploymentName(objects);
    return name ? (byName.get(name) as k8s.apps.v1.Deployment | undefined) : undefined;
}

/** The HPA's inputs with `scaleTargetRef.name` taken from the Deployment, as ScalableService does. */
function withScaleTarget(
    inputs: Record<string, unknown>,
    deployment: k8s.apps.v1.Deployment,
): Record<string, unknown> {
    const spec = inputs.spec as { scaleTargetRef: Record<string, unknown> };
    return {
        ...inputs,
        spec: {
            ...spec,
            scaleTargetRef: { ...spec.scaleTargetRef, name: deployment.metadata.name },
        },
    };
}

async function main(): Promise<void> {
    const [mode, ...rest] = process.argv.slice(2);
    const mocks = await installMocks({ project: "bench", stack: "bench" });
    if (mode === "template") {
        await registerTemplate(mocks, rest[0]);
        return;
    }
    const n = Number(rest[0]);
    if ((mode !== "scalable" && mode !== "bare") || !Number.isInteger(n) || n < 1) {
        throw new Error(
            `usage: scale.js <template|scalable|bare> ... (got ${process.argv.slice(2).join(" ")})`,
        );
    }
    const baseRssKb = Math.round(process.memoryUsage().rss / 1024);
    const span = mode === "scalable" ? await registerScalable(n) : await registerBare(n, rest[1]);
    const dumpFile = mode === "scalable" ? rest[1] : rest[2];
    const result: ScaleResult = {
        variant: mode,
        n,
        resources: mocks.resources.length,
        registerMs: span.wallMs,
        registerCpuMs: span.cpuMs,
        baseRssKb,
        maxRssKb: process.resourceUsage().maxRSS,
    };
    if (dumpFile) {
        fs.writeFileSync(dumpFile, JSON.stringify(dump(mocks.resources), null, 2));
    }
    report(result);
}

runChild(main);
