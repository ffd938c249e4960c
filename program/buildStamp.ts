import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

/**
 * `pulumi up` runs the compiled program in bin/, with no type-check at deploy
 * time. The build writes a stamp with a hash of the sources it compiled; the
 * compiled program recomputes the hash at start and refuses to run when the
 * sources have changed since, so a stale build can't be deployed silently.
 */

/** The stamp file, inside the build output. */
export const STAMP_FILE = "build-stamp.json";

/** What the compiled program is built from, relative to the project root. */
const SOURCE_DIRS = ["program", "components"];
const SOURCE_FILES = ["index.ts", "tsconfig.json", "tsconfig.build.json"];

function listSources(root: string): string[] {
    const found: string[] = SOURCE_FILES.filter((f) => fs.existsSync(path.join(root, f)));
    const walk = (dir: string) => {
        for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
            const rel = path.posix.join(dir, entry.name);
            if (entry.isDirectory()) {
                walk(rel);
            } else if (entry.name.endsWith(".ts")) {
                found.push(rel);
            }
        }
    };
    for (const dir of SOURCE_DIRS.filter((d) => fs.existsSync(path.join(root, d)))) {
        walk(dir);
    }
    return found.sort();
}

/** A hash over every source file's path and content. */
export function computeSourceHash(root: string): string {
    const hash = createHash("sha256");
    for (const file of listSources(root)) {
        hash.update(file)
            .update("\0")
            .update(fs.readFileSync(path.join(root, file)))
            .update("\0");
    }
    return hash.digest("hex");
}

/** Writes the stamp for the sources under `root` into `outDir`. */
export function writeStamp(root: string, outDir: string): string {
    const sourceHash = computeSourceHash(root);
    fs.writeFileSync(path.join(outDir, STAMP_FILE), JSON.stringify({ sourceHash }, null, 2) + "\n");
    return sourceHash;
}

/**
 * Throws when the program in `outDir` was built from sources other than those
 * under `root` now, or carries no stamp. The message says how to fix it.
 */
export function assertFreshBuild(root: string, outDir: string): void {
    const stampPath = path.join(outDir, STAMP_FILE);
    const fix = "Run `npm run build`, then run the command again.";
    if (!fs.existsSync(stampPath)) {
        throw new Error(
            `${path.relative(root, outDir) || "."}/ has no ${STAMP_FILE}: it was not built by \`npm run build\`. ${fix}`,
        );
    }
    const { sourceHash } = JSON.parse(fs.readFileSync(stampPath, "utf8")) as {
        sourceHash?: string;
    };
    if (sourceHash !== computeSourceHash(root)) {
        throw new Error(
            `the compiled program in ${path.relative(root, outDir)}/ is stale: the TypeScript sources changed after the last build. ${fix}`,
        );
    }
}

// `node bin/program/buildStamp.js`: stamp the build that just finished.
if (require.main === module) {
    const outDir = path.resolve(__dirname, "..");
    const root = path.resolve(outDir, "..");
    const hash = writeStamp(root, outDir);
    console.log(`stamped ${path.relative(root, outDir)}/ with source hash ${hash.slice(0, 12)}`);
}
