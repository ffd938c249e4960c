import { strict as assert } from "assert";
import { isNonNegativeQuantity, parseQuantity } from "../components/shared/quantity";

describe("parseQuantity (pure)", () => {
    const cases: Array<[string, number]> = [
        ["250m", 0.25],
        ["1", 1],
        ["0.5", 0.5],
        [".5", 0.5],
        ["2k", 2000],
        ["512Mi", 512 * 2 ** 20],
        ["1Gi", 2 ** 30],
        ["1e3", 1000],
        ["1.5G", 1.5e9],
        ["100n", 100e-9],
    ];
    for (const [text, value] of cases) {
        it(`parses ${text} as ${value}`, () => {
            assert.ok(Math.abs(parseQuantity(text)! - value) < 1e-12 * Math.max(1, value));
        });
    }

    for (const bad of ["lots", "", "1.2.3", "Mi", "512MB", "1 Gi", "12mi", "1Ki2", "0x10"]) {
        it(`rejects ${JSON.stringify(bad)}`, () => {
            assert.equal(parseQuantity(bad), undefined);
            assert.equal(isNonNegativeQuantity(bad), false);
        });
    }

    it("rejects negative quantities as resource values", () => {
        assert.equal(parseQuantity("-1"), -1);
        assert.equal(isNonNegativeQuantity("-1"), false);
    });

    it("rejects non-strings", () => {
        assert.equal(isNonNegativeQuantity(5), false);
    });

    it("orders binary and decimal suffixes correctly", () => {
        assert.ok(parseQuantity("1Gi")! > parseQuantity("1G")!);
        assert.ok(parseQuantity("1000m")! === parseQuantity("1")!);
    });
});
