import { exec } from "./proc";

/**
 * The previous release, found from the repository itself: its version from
 * CHANGELOG.md's headings, its commit from git history (the parent of the
 * commit that moved package.json's version away from it). No tag or sha is
 * written down anywhere, so the upgrade test follows each new release.
 */

/** One `## <version>` heading of CHANGELOG.md. */
export interface ChangelogVersion {
    version: string;
    /** The heading says `(unreleased)`. */
    unreleased: boolean;
}

/** The version headings of a changelog, newest (first) first: `## 0.2.0 (unreleased)`. */
export function changelogVersions(changelog: string): ChangelogVersion[] {
    return [...changelog.matchAll(/^## +v?(\d+\.\d+\.\d+\S*)(.*)$/gm)].map((m) => ({
        version: m[1],
        unreleased: /unreleased/i.test(m[2]),
    }));
}

/**
 * The release an upgrade starts from: the newest released version heading of
 * the changelog other than `current` (package.json's version), or undefined.
 */
export function previousRelease(changelog: string, current: string): string | undefined {
    return changelogVersions(changelog).find((v) => !v.unreleased && v.version !== current)
        ?.version;
}

/** The commit of a release: `sha` has package.json at `version`; `bump` is its child that moved it on. */
export interface ReleaseCommit {
    version: string;
    sha: string;
    bump: string;
}

/** Why the release's commit can't be found here (a shallow clone, a rewritten history). */
export interface ReleaseMissing {
    missing: string;
}

async function git(repo: string, args: string[], allowFailure = false) {
    return exec("git", ["-C", repo, ...args], { allowFailure, timeoutMs: 60_000 });
}

/** package.json's version at `sha`, or undefined when the file or the commit is absent. */
async function versionAt(repo: string, sha: string): Promise<string | undefined> {
    const r = await git(repo, ["show", `${sha}:package.json`], true);
    if (r.code !== 0) return undefined;
    try {
        return (JSON.parse(r.stdout) as { version?: string }).version;
    } catch {
        return undefined;
    }
}

/**
 * The last commit of HEAD's history whose package.json is at `version`, as
 * the parent of the first commit (not a merge) that changed package.json's
 * version from `version` to another.
 */
export async function findReleaseCommit(
    repo: string,
    version: string,
): Promise<ReleaseCommit | ReleaseMissing> {
    const log = await git(repo, ["log", "--topo-order", "--format=%H", "--", "package.json"], true);
    if (log.code !== 0) {
        return { missing: `git log of package.json in ${repo} failed: ${log.stderr.trim()}` };
    }
    let found: ReleaseCommit | undefined;
    for (const sha of log.stdout.split("\n").filter((s) => s)) {
        const parents = (await git(repo, ["rev-parse", `${sha}^@`], true)).stdout.split("\n");
        const parent = parents.filter((p) => p)[0];
        if (parents.filter((p) => p).length !== 1) continue;
        if ((await versionAt(repo, sha)) === version) continue;
        if ((await versionAt(repo, parent)) === version)
            found = { version, sha: parent, bump: sha };
    }
    return found ?? { missing: await whyMissing(repo, version) };
}

async function whyMissing(repo: string, version: string): Promise<string> {
    const shallow = (await git(repo, ["rev-parse", "--is-shallow-repository"], true)).stdout;
    return shallow.trim() === "true"
        ? `the clone of ${repo} is shallow, so the commit of release ${version} (package.json at ` +
              `${version}) is not in it; clone with full history (fetch-depth: 0)`
        : `no commit in HEAD's history of ${repo} changes package.json's version from ${version}`;
}
