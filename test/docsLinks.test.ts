import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";

/**
 * The README is the front door and docs/ holds the rest: every relative link
 * in them must lead somewhere (a file, and a heading when it names one), and
 * every `npm run <script>` a README code block shows must be a script.
 */

const ROOT = path.resolve(__dirname, "..");

/** The README and every Markdown page under docs/ (generated API docs excluded). */
function pages(): string[] {
    const docs = fs
        .readdirSync(path.join(ROOT, "docs"))
        .filter((f) => f.endsWith(".md"))
        .map((f) => path.join("docs", f));
    return ["README.md", ...docs.sort()];
}

/** The text outside fenced code blocks, and the fenced blocks' contents. */
function splitFences(markdown: string): { prose: string; code: string[] } {
    const prose: string[] = [];
    const code: string[] = [];
    let block: string[] | undefined;
    for (const line of markdown.split("\n")) {
        if (/^\s*(```|~~~)/.test(line)) {
            if (block) {
                code.push(block.join("\n"));
                block = undefined;
            } else {
                block = [];
            }
            continue;
        }
        (block ?? prose).push(line);
    }
    return { prose: prose.join("\n"), code };
}

/** GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
    return heading
        .trim()
        .toLowerCase()
        .replace(/`/g, "")
        .replace(/[^\p{L}\p{N}\s_-]/gu, "")
        .replace(/\s/g, "-");
}

/** The anchors a Markdown page defines, with GitHub's -1, -2 suffixes for repeats. */
function anchors(markdown: string): Set<string> {
    const seen = new Map<string, number>();
    const out = new Set<string>();
    for (const line of splitFences(markdown).prose.split("\n")) {
        const m = /^#{1,6}\s+(.*)$/.exec(line);
        if (!m) continue;
        const base = slug(m[1]);
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        out.add(n === 0 ? base : `${base}-${n}`);
    }
    return out;
}

/** The relative link targets in a page's prose (inline links, not images of URLs). */
function relativeLinks(markdown: string): string[] {
    const prose = splitFences(markdown).prose.replace(/`[^`\n]*`/g, "");
    const targets: string[] = [];
    for (const m of prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        const target = m[1];
        if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) targets.push(target);
    }
    return targets;
}

/** Why `target`, linked from `page`, does not resolve; undefined when it does. */
function brokenReason(page: string, target: string): string | undefined {
    const [file, anchor] = target.split("#", 2);
    const resolved = file ? path.resolve(ROOT, path.dirname(page), file) : path.join(ROOT, page);
    if (!fs.existsSync(resolved)) return "no such file";
    if (anchor === undefined || !resolved.endsWith(".md")) return undefined;
    return anchors(fs.readFileSync(resolved, "utf8")).has(anchor)
        ? undefined
        : `no heading #${anchor}`;
}

describe("the README and docs/ (pure)", () => {
    it("slugs headings as GitHub does", () => {
        assert.equal(
            slug("The first `pulumi up` of an EKS stack"),
            "the-first-pulumi-up-of-an-eks-stack",
        );
        assert.equal(
            slug("Day 2: upgrades, access, protection"),
            "day-2-upgrades-access-protection",
        );
        assert.deepEqual([...anchors("# A\n## A\n```\n# not a heading\n```\n")], ["a", "a-1"]);
    });

    it("finds relative links outside code, and leaves URLs and code spans alone", () => {
        assert.deepEqual(
            relativeLinks("[a](docs/x.md#y) [b](https://e.com) `[c](z.md)`\n```\n[d](w.md)\n```"),
            ["docs/x.md#y"],
        );
    });

    for (const page of pages()) {
        it(`${page}: every relative link resolves, to the heading it names`, () => {
            const text = fs.readFileSync(path.join(ROOT, page), "utf8");
            const broken = relativeLinks(text)
                .map((t) => [t, brokenReason(page, t)])
                .filter(([, why]) => why !== undefined)
                .map(([t, why]) => `${t}: ${why}`);
            assert.deepEqual(broken, []);
        });
    }

    it("README: every npm script its code blocks run exists", () => {
        const scripts = Object.keys(
            (
                JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
                    scripts: Record<string, string>;
                }
            ).scripts,
        );
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        const named = splitFences(readme).code.flatMap((block) =>
            [...block.matchAll(/\bnpm run(?:\s+-s|\s+--silent)?\s+([\w.-]+(?::[\w.-]+)*)/g)].map(
                (m) => m[1],
            ),
        );
        assert.ok(named.length > 0, "the README runs no npm script");
        assert.deepEqual(
            named.filter((s) => !scripts.includes(s)),
            [],
        );
    });
});
