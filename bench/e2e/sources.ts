import * as fs from "fs";
import * as path from "path";
import { installMocks, RecordedResource, settleRegistrations } from "../../components/testing";
import { runProgram } from "../../program/evaluate";
import { renderKubernetes, RenderedFile } from "../../program/render";
import { barePlan, helmChart } from "./artifacts";

/**
 * The objects each e2e case deploys, recorded under mocks in this process and
 * written to a directory: `manifests/` (as `npm run render` writes them),
 * `plan.json` for the bare program, and `chart/` for Helm.
 */

/** Where one case's files are. */
export interface CaseFiles {
    dir: string;
    manifests: string;
    plan: string;
    chart: string;
    /** Kubernetes objects in the case. */
    objects: number;
    /** Services (Deployments) in the case. */
    services: number;
}

/** What the app registers with this config (index.ts under mocks). */
export async function recordApp(stack: string, config: Record<string, unknown>) {
    const run = await runProgram(stack, config);
    if (run.error !== undefined) {
        throw run.error instanceof Error ? run.error : new Error(JSON.stringify(run.error));
    }
    return run.mocks.resources;
}

/** What the N-services program registers with this config. */
export async function recordServices(
    n: number,
    stack: string,
    config: Record<string, unknown>,
): Promise<readonly RecordedResource[]> {
    const mocks = await installMocks({ project: "orchestration-bench-scale", stack, config });
    // Imported once the mocks are in place, as the test kit asks.
    const k8s = await import("@pulumi/kubernetes");
    const { deployServices } = await import("./services");
    deployServices(n, new k8s.Provider("local", {}));
    await settleRegistrations();
    return mocks.resources;
}

function writeFiles(dir: string, files: readonly RenderedFile[]): void {
    for (const f of files) {
        fs.mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
        fs.writeFileSync(path.join(dir, f.path), f.content);
    }
}

/** Writes a case's manifests, bare plan and chart under `dir`. */
export function writeCase(dir: string, resources: readonly RecordedResource[]): CaseFiles {
    const manifests = renderKubernetes(resources);
    const files: CaseFiles = {
        dir,
        manifests: path.join(dir, "manifests"),
        plan: path.join(dir, "plan.json"),
        chart: path.join(dir, "chart"),
        objects: manifests.length,
        services: resources.filter((r) => r.type === "kubernetes:apps/v1:Deployment").length,
    };
    writeFiles(files.manifests, manifests);
    fs.writeFileSync(files.plan, JSON.stringify(barePlan(resources), null, 2));
    writeFiles(files.chart, helmChart("orchestration-bench", manifests));
    return files;
}
