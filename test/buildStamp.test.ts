import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { assertFreshBuild, computeSourceHash, writeStamp } from "../program/buildStamp";

describe("build stamp (pure, on a scratch project)", () => {
    let root: string;
    let out: string;

    beforeEach(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "stamp-"));
        out = path.join(root, "bin");
        fs.mkdirSync(path.join(root, "program"), { recursive: true });
        fs.mkdirSync(path.join(root, "components", "testing"), { recursive: true });
        fs.mkdirSync(out);
        fs.writeFileSync(path.join(root, "index.ts"), "export = 1;");
        fs.writeFileSync(path.join(root, "program", "a.ts"), "export const a = 1;");
        fs.writeFileSync(path.join(root, "components", "testing", "b.ts"), "export const b = 1;");
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it("changes the hash when any source changes, is added or is removed, and not otherwise", () => {
        const first = computeSourceHash(root);
        assert.equal(computeSourceHash(root), first);
        fs.writeFileSync(path.join(root, "README.md"), "docs are not sources");
        assert.equal(computeSourceHash(root), first);
        fs.writeFileSync(path.join(root, "components", "testing", "b.ts"), "export const b = 2;");
        const second = computeSourceHash(root);
        assert.notEqual(second, first);
        fs.writeFileSync(path.join(root, "program", "c.ts"), "");
        assert.notEqual(computeSourceHash(root), second);
        fs.rmSync(path.join(root, "program", "c.ts"));
        assert.equal(computeSourceHash(root), second);
    });

    it("accepts a fresh build and refuses a missing or stale stamp", () => {
        assert.throws(
            () => assertFreshBuild(root, out),
            /bin\/ has no build-stamp\.json: it was not built by `npm run build`/,
        );
        writeStamp(root, out);
        assertFreshBuild(root, out);
        fs.writeFileSync(path.join(root, "index.ts"), "export = 2;");
        assert.throws(() => assertFreshBuild(root, out), /the compiled program in bin\/ is stale/);
    });
});
