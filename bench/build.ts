import { spawnSync } from "child_process";
import * as path from "path";
import { assertFreshBuild } from "../program/buildStamp";
import { ROOT } from "./common";

/**
 * What both benchmarks (`npm run bench`, `npm run bench:e2e`) do before they
 * measure: a fresh compiled program in bin/, and the benchmark compiled into
 * BUILD_DIR, so every measured child runs compiled JavaScript.
 */

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Builds bin/ with `npm run build` when it is missing or stale; returns what happened. */
export function ensureCompiledProgram(): { rebuilt: boolean; buildMs?: number } {
    try {
        assertFreshBuild(ROOT, path.join(ROOT, "bin"));
        return { rebuilt: false };
    } catch (err) {
        log(`bin/ is not a fresh build (${(err as Error).message}); running npm run build`);
    }
    const start = Date.now();
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const build = spawnSync(npm, ["run", "build"], { cwd: ROOT, encoding: "utf8" });
    if (build.status !== 0) {
        throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
    }
    assertFreshBuild(ROOT, path.join(ROOT, "bin"));
    return { rebuilt: true, buildMs: Date.now() - start };
}

/** Compiles bench/ (and what it imports) into BUILD_DIR, type-checking it; returns the ms taken. */
export function compileBench(): number {
    const start = Date.now();
    const tsc = spawnSync(
        process.execPath,
        [require.resolve("typescript/bin/tsc"), "-p", path.join("bench", "tsconfig.json")],
        { cwd: ROOT, encoding: "utf8" },
    );
    if (tsc.status !== 0) {
        throw new Error(`tsc -p bench/tsconfig.json failed:\n${tsc.stdout}${tsc.stderr}`);
    }
    return Date.now() - start;
}
