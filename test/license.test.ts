import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "./stacks";

/** The package declares Apache-2.0: the license's full text ships with it. */
describe("LICENSE", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    const text = fs.readFileSync(path.join(ROOT, "LICENSE"), "utf8");

    it("is the full Apache License 2.0 text the package declares", () => {
        assert.equal(pkg.license, "Apache-2.0");
        assert.match(text, /^\s*Apache License\s+Version 2\.0, January 2004/);
        assert.match(text, /TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION/);
        assert.match(text, /9\. Accepting Warranty or Additional Liability\./);
        assert.match(text, /END OF TERMS AND CONDITIONS/);
    });

    it("is listed in the package's files (the integration test checks the packed tarball)", () => {
        assert.ok(pkg.files.includes("LICENSE"), JSON.stringify(pkg.files));
    });
});
