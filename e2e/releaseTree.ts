import * as fs from "fs";
import * as path from "path";
import { exec } from "./proc";
import { ReleaseCommit } from "./release";

/**
 * A release's tree, outside the checkout: extracted from git, its
 * dependencies installed as its lockfile says, built and packed with its own
 * package.json scripts.
 */
export interface ReleaseTree {
    version: string;
    sha: string;
    /** Where the tree was extracted. */
    dir: string;
    /** How its node_modules came: the checkout's own (identical lockfiles) or `npm ci`. */
    install: "linked" | "npm ci";
    /** Its packed package, as a consumer installs it. */
    tarball: string;
}

/** `git archive` of `sha`, unpacked into `dir` (created). */
export async function extractTree(repo: string, sha: string, dir: string): Promise<void> {
    fs.mkdirSync(dir, { recursive: true });
    const tar = `${dir}.tar`;
    await exec("git", ["-C", repo, "archive", "--format=tar", "-o", tar, sha]);
    await exec("tar", ["-xf", tar, "-C", dir]);
    fs.rmSync(tar);
}

/**
 * Whether two package-lock.json texts lock the same dependency tree: every
 * package at the same version and integrity. The root entry (the project's
 * own name, version and scripts) is left out.
 */
export function sameLockedTree(a: string, b: string): boolean {
    const tree = (text: string) => {
        const lock = JSON.parse(text) as { packages?: Record<string, Record<string, unknown>> };
        const packages = Object.entries(lock.packages ?? {}).filter(([k]) => k !== "");
        return JSON.stringify(packages.map(([k, p]) => [k, p.version, p.integrity, p.link]).sort());
    };
    return tree(a) === tree(b);
}

/**
 * Installs the tree's dependencies. When its lockfile locks what the
 * checkout's does, it shares the checkout's node_modules (a symlink: no
 * install at all); otherwise `npm ci` from the npm cache, scripts off.
 */
export async function installTree(dir: string, checkout: string): Promise<ReleaseTree["install"]> {
    const lock = (root: string) => fs.readFileSync(path.join(root, "package-lock.json"), "utf8");
    if (sameLockedTree(lock(dir), lock(checkout))) {
        fs.symlinkSync(path.join(checkout, "node_modules"), path.join(dir, "node_modules"));
        return "linked";
    }
    await exec("npm", ["ci", "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund"], {
        cwd: dir,
        timeoutMs: 600_000,
        env: { ...process.env, npm_config_loglevel: "error" },
    });
    return "npm ci";
}

/**
 * `npm pack` of the tree into `dest`, which runs the tree's own `prepare`
 * (the program's build) and `prepack` (the library's), and returns the tarball.
 */
export async function packTree(dir: string, dest: string): Promise<string> {
    fs.mkdirSync(dest, { recursive: true });
    const r = await exec("npm", ["pack", "--json", "--pack-destination", dest], {
        cwd: dir,
        timeoutMs: 600_000,
        env: { ...process.env, npm_config_loglevel: "error" },
    });
    // The builds' messages precede the JSON.
    const packed = JSON.parse(r.stdout.slice(r.stdout.search(/^\[/m))) as { filename: string }[];
    return path.join(dest, packed[0].filename);
}

/** Extracts, installs, builds and packs the release `commit` of `repo` under `workDir`. */
export async function prepareRelease(
    repo: string,
    commit: ReleaseCommit,
    workDir: string,
): Promise<ReleaseTree> {
    const dir = path.join(workDir, `release-${commit.version}`);
    await extractTree(repo, commit.sha, dir);
    const install = await installTree(dir, repo);
    const tarball = await packTree(dir, path.join(workDir, `release-${commit.version}-pack`));
    return { version: commit.version, sha: commit.sha, dir, install, tarball };
}

/** The exact version of `name` installed in the tree, read from its node_modules. */
export function treeVersion(tree: ReleaseTree, name: string): string {
    const file = path.join(tree.dir, "node_modules", name, "package.json");
    return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
}

/** The consumer project's files in a tree (the one test/e2e/package.test.ts deploys). */
export const CONSUMER_PROJECT = path.join("test", "e2e", "consumer");

/**
 * Copies the release's own consumer project into `dir` and installs it as a
 * user did: its packed package, and the Pulumi SDKs and compiler at the
 * versions the release locked (from the npm cache, scripts off); then compiles it.
 */
export async function installReleaseConsumer(tree: ReleaseTree, dir: string): Promise<void> {
    const source = path.join(tree.dir, CONSUMER_PROJECT);
    if (!fs.existsSync(source)) {
        throw new Error(`release ${tree.version} (${tree.sha}) has no ${CONSUMER_PROJECT}`);
    }
    fs.cpSync(source, dir, { recursive: true });
    const pinned = (names: string[]) =>
        Object.fromEntries(names.map((n) => [n, treeVersion(tree, n)]));
    const own = JSON.parse(fs.readFileSync(path.join(tree.dir, "package.json"), "utf8")) as {
        name: string;
    };
    const manifest = {
        name: "consumer",
        version: "1.0.0",
        private: true,
        dependencies: {
            [own.name]: `file:${tree.tarball}`,
            ...pinned(["@pulumi/pulumi", "@pulumi/kubernetes"]),
        },
        devDependencies: pinned(["typescript", "@types/node"]),
    };
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(manifest, null, 2));
    const npm = ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"];
    await exec("npm", npm, { cwd: dir, timeoutMs: 600_000 });
    await exec(path.join(dir, "node_modules", ".bin", "tsc"), ["-p", "."], { cwd: dir });
}
