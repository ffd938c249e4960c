import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describeStep, destructiveSteps, engineSteps } from "../e2e/engineEvents";
import { changelogVersions, findReleaseCommit, previousRelease } from "../e2e/release";
import { sameLockedTree } from "../e2e/releaseTree";
import { identityChanges, ServingObject } from "../e2e/servingObjects";

/** The upgrade test's pure parts and its git walk: what it starts from, and what it calls a replacement. */
describe("e2e upgrade harness", () => {
    const changelog = [
        "# Changelog",
        "## 0.3.0 (unreleased)",
        "- ## not a heading",
        "## 0.2.0",
        "## 0.1.0",
    ].join("\n");

    it("reads the previous release from CHANGELOG.md's headings: the newest released one other than package.json's", () => {
        assert.deepEqual(changelogVersions(changelog), [
            { version: "0.3.0", unreleased: true },
            { version: "0.2.0", unreleased: false },
            { version: "0.1.0", unreleased: false },
        ]);
        assert.equal(previousRelease(changelog, "0.3.0"), "0.2.0");
        // Released, and still package.json's version: the upgrade starts from the one before.
        assert.equal(previousRelease("## 0.2.0\n## 0.1.0\n", "0.2.0"), "0.1.0");
        assert.equal(previousRelease("## 0.1.0 (unreleased)\n", "0.1.0"), undefined);
        assert.equal(
            previousRelease(fs.readFileSync("CHANGELOG.md", "utf8"), "0.2.0"),
            "0.1.0",
            "this repository's",
        );
    });

    describe("finding the release's commit in git history", () => {
        let repo: string;
        const git = (dir: string, ...args: string[]) =>
            execFileSync("git", ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@t", ...args], {
                encoding: "utf8",
                stdio: ["ignore", "pipe", "pipe"],
            }).trim();
        const commit = (version: string, message: string) => {
            fs.writeFileSync(path.join(repo, "package.json"), JSON.stringify({ version, message }));
            git(repo, "commit", "-qam", message);
            return git(repo, "rev-parse", "HEAD");
        };

        before(() => {
            repo = fs.mkdtempSync(path.join(os.tmpdir(), "release-walk-"));
            git(repo, "init", "-q", "-b", "main");
            fs.writeFileSync(path.join(repo, "package.json"), "{}");
            git(repo, "add", ".");
            git(repo, "commit", "-qm", "no version");
        });
        after(() => fs.rmSync(repo, { recursive: true, force: true }));

        it("is the parent of the commit that moved package.json off the version, whatever a merged side branch still had", async () => {
            commit("0.1.0", "first");
            const release = commit("0.1.0", "last at 0.1.0");
            git(repo, "checkout", "-q", "-b", "side");
            commit("0.1.0", "side branch, still 0.1.0");
            git(repo, "checkout", "-q", "main");
            const bump = commit("0.2.0", "bump");
            git(repo, "merge", "-q", "--no-edit", "-X", "ours", "side");
            assert.deepEqual(await findReleaseCommit(repo, "0.1.0"), {
                version: "0.1.0",
                sha: release,
                bump,
            });
        });

        it("is missing, with the reason, for a version never bumped from or outside a shallow clone", async () => {
            assert.match(
                ((await findReleaseCommit(repo, "0.0.9")) as { missing: string }).missing,
                /no commit in HEAD's history of .* changes package\.json's version from 0\.0\.9/,
            );
            const shallow = `${repo}-shallow`;
            execFileSync("git", ["clone", "-q", "--depth", "1", `file://${repo}`, shallow]);
            try {
                assert.match(
                    ((await findReleaseCommit(shallow, "0.1.0")) as { missing: string }).missing,
                    /is shallow, so the commit of release 0\.1\.0 .* is not in it/,
                );
            } finally {
                fs.rmSync(shallow, { recursive: true, force: true });
            }
        });
    });

    it("shares node_modules only when two lockfiles lock the same tree, whatever the project's own version", () => {
        const lock = (version: string, sdk: string) =>
            JSON.stringify({
                packages: {
                    "": { name: "p", version },
                    "node_modules/@pulumi/pulumi": { version: sdk, integrity: `sha512-${sdk}` },
                },
            });
        assert.ok(sameLockedTree(lock("0.1.0", "3.276.0"), lock("0.2.0", "3.276.0")));
        assert.ok(!sameLockedTree(lock("0.1.0", "3.270.0"), lock("0.2.0", "3.276.0")));
    });

    it("reads the engine's steps from its JSON events and calls a replace or delete of what serves destructive, naming the property", () => {
        const step = (op: string, type: string, name: string, extra: object = {}) => ({
            sequence: 1,
            resourcePreEvent: {
                metadata: { op, urn: `urn:pulumi:s::p::${type}::${name}`, type, ...extra },
            },
        });
        const events = [
            { sequence: 0, preludeEvent: { config: {} } },
            step("same", "kubernetes:core/v1:Namespace", "apps"),
            step("update", "kubernetes:apps/v1:Deployment", "web"),
            step("replace", "kubernetes:core/v1:ConfigMap", "conf"),
            step("replace", "kubernetes:policy/v1:PodDisruptionBudget", "web", {
                keys: ["spec"],
                diffs: ["spec"],
                detailedDiff: { "spec.selector": { diffKind: "update-replace", inputDiff: true } },
            }),
            step("delete", "kubernetes:core/v1:Service", "old"),
        ];
        const output = events.map((e) => JSON.stringify(e)).join("\n") + "\nwarning: text\n";
        const steps = engineSteps(output);
        assert.deepEqual(
            steps.map((s) => s.op),
            ["same", "update", "replace", "replace", "delete"],
        );
        assert.deepEqual(destructiveSteps(steps).map(describeStep), [
            "replace urn:pulumi:s::p::kubernetes:policy/v1:PodDisruptionBudget::web; " +
                "replace keys: spec; diff: spec.selector (update-replace)",
            "delete urn:pulumi:s::p::kubernetes:core/v1:Service::old",
        ]);
    });

    it("calls an object replaced when its UID changed, and a Service moved when its ClusterIP did", () => {
        const o = (kind: string, name: string, uid: string, clusterIP?: string): ServingObject => ({
            kind,
            namespace: "apps",
            name,
            uid,
            ...(clusterIP ? { clusterIP } : {}),
        });
        const before = [o("Deployment", "web", "u1"), o("Service", "web", "u2", "10.0.0.1")];
        assert.deepEqual(
            identityChanges(before, [...before, o("PodDisruptionBudget", "web", "u3")]),
            [],
        );
        assert.deepEqual(identityChanges(before, [o("Service", "web", "u4", "10.0.0.2")]), [
            "Deployment apps/web is gone",
            "Service apps/web was replaced: uid u2 -> u4",
            "Service apps/web moved: clusterIP 10.0.0.1 -> 10.0.0.2",
        ]);
    });
});
