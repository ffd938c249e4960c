import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { peerFloor } from "./sdkRange";

describe("test:sdk-range's floor (pure)", () => {
    it("reads the oldest @pulumi/pulumi from package.json's peer range", () => {
        assert.equal(peerFloor("^3.142.0"), "3.142.0");
        assert.equal(peerFloor(">=3.211.0 <4.0.0"), "3.211.0");
        const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8"));
        assert.match(peerFloor(pkg.peerDependencies["@pulumi/pulumi"]), /^3\.\d+\.\d+$/);
    });

    it("names the field and the value it can't read", () => {
        assert.throws(
            () => peerFloor("~3.142"),
            /'peerDependencies\["@pulumi\/pulumi"\]' \("~3\.142"\) must start with \^X\.Y\.Z or >=X\.Y\.Z/,
        );
    });
});
