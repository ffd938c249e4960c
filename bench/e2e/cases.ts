import * as fs from "fs";
import * as path from "path";
import type { StackRef } from "../../e2e/pulumi";
import { PROJECT_ROOT, stackConfig } from "../../program/stackFiles";
import { BUILD_DIR } from "../common";
import { caseName } from "./budgets";
import { CaseFiles, recordApp, recordServices, writeCase } from "./sources";

/**
 * The cases the e2e benchmark deploys: the app (the `local` stack as the e2e
 * suite deploys it) and N services, each with its files and its two stacks.
 */

/** The namespace every case deploys into. */
export const NAMESPACE = "apps";

/** The e2e suite's settings for the local stack (test/e2e/program.test.ts): PDBs at 2 replicas. */
const E2E_SETTINGS = {
    "orchestration:namespace": NAMESPACE,
    "orchestration:minReplicas": 2,
    "orchestration:maxReplicas": 4,
};

/** One case: its files, the program's stack (b), the bare program's stack (c). */
export interface Case {
    name: string;
    files: CaseFiles;
    program: StackRef;
    programConfig: Record<string, unknown>;
    bare: StackRef;
    bareConfig: Record<string, unknown>;
    /** The floor program's stack (floorProgram.ts), for the app only: its no-change preview. */
    floor?: StackRef;
    /** Resources in the program's stack (the stack resource included). */
    pulumiResources: number;
}

/** A Pulumi project in BUILD_DIR whose program is a compiled bench/e2e module. */
function project(name: string, module: string): string {
    const dir = path.join(BUILD_DIR, "projects", name);
    fs.mkdirSync(dir, { recursive: true });
    const yaml = [
        `name: ${name}`,
        "description: A program of the e2e benchmark (bench/e2e), generated.",
        "main: index.js",
        "runtime:",
        "  name: nodejs",
        "  options:",
        "    typescript: false",
        // As the program's Pulumi.yaml: the compile cache before the SDK loads.
        `    nodeargs: --require ${path.join(BUILD_DIR, "program", "compileCache.js")}`,
        "",
    ].join("\n");
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), yaml);
    const target = path.join(BUILD_DIR, "bench", "e2e", `${module}.js`);
    fs.writeFileSync(
        path.join(dir, "index.js"),
        `module.exports = require(${JSON.stringify(target)});\n`,
    );
    return dir;
}

const stackRef = (cwd: string, stack: string, work: string): StackRef => ({
    cwd,
    stack,
    configFile: path.join(work, `Pulumi.${stack}.yaml`),
});

function bareStack(name: string, files: CaseFiles, work: string) {
    return {
        bare: stackRef(project("orchestration-bench-bare", "bareProgram"), `${name}-bare`, work),
        bareConfig: { "bench:plan": files.plan, "bench:manifests": files.manifests },
    };
}

/** The app: the program (index.ts) with the e2e suite's local settings. */
export async function appCase(work: string): Promise<Case> {
    const recorded = await recordApp("bench", { ...stackConfig("local"), ...E2E_SETTINGS });
    const files = writeCase(path.join(work, "app"), recorded);
    const local = path.join(PROJECT_ROOT, "Pulumi.local.yaml");
    const shipped = (await import("yaml")).parse(fs.readFileSync(local, "utf8")) as {
        config: Record<string, unknown>;
    };
    return {
        name: "app",
        files,
        program: stackRef(PROJECT_ROOT, "bench-app", work),
        programConfig: { ...shipped.config, ...E2E_SETTINGS },
        ...bareStack("bench-app", files, work),
        floor: stackRef(project("orchestration-bench-floor", "floorProgram"), "bench-floor", work),
        pulumiResources: recorded.length + 1,
    };
}

/** N services with the app's backend settings, in the one namespace. */
export async function servicesCase(n: number, work: string): Promise<Case> {
    // The scale project has no config schema: pass the local stack's values, defaults included.
    const local = Object.fromEntries(
        Object.entries(stackConfig("local")).filter(([, v]) => !Array.isArray(v)),
    );
    const config = { ...local, ...E2E_SETTINGS };
    const recorded = await recordServices(n, "bench", config);
    const name = caseName(n);
    const files = writeCase(path.join(work, `n${n}`), recorded);
    return {
        name,
        files,
        program: stackRef(
            project("orchestration-bench-scale", "scaleProgram"),
            `bench-n${n}`,
            work,
        ),
        programConfig: { ...config, "bench:services": n },
        ...bareStack(`bench-n${n}`, files, work),
        pulumiResources: recorded.length + 1,
    };
}
