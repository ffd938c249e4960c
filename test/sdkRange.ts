/**
 * `npm run test:sdk-range`: runs the test kit's own tests (test/testKit.test.ts)
 * against the oldest and the newest `@pulumi/pulumi` that package.json's peer
 * range allows, each installed into a scratch directory. The floor is read from
 * `peerDependencies["@pulumi/pulumi"]`, the one place to raise it.
 *
 * It needs the npm registry (or a warm npm cache), so the default unit run
 * leaves it out. `SDK_RANGE_VERSIONS="3.142.0 3.276.0"` pins the versions
 * instead of asking the registry for the newest.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const SDK = "@pulumi/pulumi";
/** What the kit's tests need besides the SDK, copied from the repository. */
const SOURCES = ["components/testing", "test/testKit.test.ts"];
/** Tools that don't depend on the SDK, linked from the repository's node_modules. */
const TOOLS = ["mocha", "ts-node", "typescript"];

/** The peer range's floor: `^X.Y.Z` or `>=X.Y.Z ...` gives X.Y.Z. */
export function peerFloor(range: string): string {
    const match = /^(?:\^|>=\s*)(\d+\.\d+\.\d+)(?:\s|$)/.exec(range.trim());
    if (!match) {
        throw new Error(
            `package.json 'peerDependencies["${SDK}"]' (${JSON.stringify(range)}) must start with ^X.Y.Z or >=X.Y.Z`,
        );
    }
    return match[1];
}

function peerRange(): string {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    return pkg.peerDependencies[SDK];
}

/** The floor and the newest version in the range, as the registry knows it. */
function versionsToTest(range: string): string[] {
    const pinned = process.env.SDK_RANGE_VERSIONS?.trim();
    if (pinned) {
        return pinned.split(/\s+/);
    }
    const out = execFileSync("npm", ["view", `${SDK}@${range}`, "version", "--json"], {
        encoding: "utf8",
    });
    const all = ([] as string[]).concat(JSON.parse(out));
    return [...new Set([peerFloor(range), all[all.length - 1]])];
}

/** A scratch project holding the SDK at `version`, the kit's sources and its tests. */
function prepare(version: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kit-sdk-${version}-`));
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ private: true }));
    fs.writeFileSync(
        path.join(dir, "tsconfig.json"),
        JSON.stringify({ compilerOptions: { module: "commonjs", target: "es2022", strict: true } }),
    );
    execFileSync(
        "npm",
        [
            "install",
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
            "--prefer-offline",
            `${SDK}@${version}`,
        ],
        { cwd: dir, stdio: ["ignore", "ignore", "inherit"] },
    );
    for (const source of SOURCES) {
        fs.cpSync(path.join(ROOT, source), path.join(dir, source), { recursive: true });
    }
    for (const tool of TOOLS) {
        fs.symlinkSync(path.join(ROOT, "node_modules", tool), path.join(dir, "node_modules", tool));
    }
    return dir;
}

/** Runs the kit's tests in `dir`; true when they pass. */
function runKitTests(dir: string): boolean {
    const mocha = path.join(dir, "node_modules", "mocha", "bin", "mocha.js");
    const args = [mocha, "--no-config", "-r", "ts-node/register/transpile-only"];
    try {
        execFileSync(process.execPath, [...args, "--timeout", "20000", "test/testKit.test.ts"], {
            cwd: dir,
            stdio: "inherit",
        });
        return true;
    } catch {
        return false;
    }
}

function main(): void {
    const range = peerRange();
    const versions = versionsToTest(range);
    console.log(`test kit against ${SDK} ${versions.join(" and ")} (peer range ${range})`);
    const failed: string[] = [];
    for (const version of versions) {
        const dir = prepare(version);
        try {
            if (!runKitTests(dir)) {
                failed.push(version);
            }
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    }
    if (failed.length > 0) {
        console.error(`the test kit fails with ${SDK} ${failed.join(", ")}`);
        process.exit(1);
    }
    console.log(`the test kit passes with ${SDK} ${versions.join(" and ")}`);
}

if (require.main === module) {
    main();
}
