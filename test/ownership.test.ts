import { strict as assert } from "assert";
import {
    ownerLabels,
    ownerLabelValue,
    ownerSelector,
    PROJECT_LABEL,
    STACK_LABEL,
} from "../components";
import { isLabelKey, isLabelValue } from "../components/shared/validation";

describe("owner labels (pure)", () => {
    it("are valid label keys, one for the project and one for the stack", () => {
        assert.ok(isLabelKey(PROJECT_LABEL), PROJECT_LABEL);
        assert.ok(isLabelKey(STACK_LABEL), STACK_LABEL);
        assert.deepEqual(ownerLabels({ project: "shop", stack: "prod" }), {
            [PROJECT_LABEL]: "shop",
            [STACK_LABEL]: "prod",
        });
    });

    it("keep a name that is a valid label value as it is", () => {
        for (const name of ["dev", "my_stack.v2", "a", "x".repeat(63)]) {
            assert.equal(ownerLabelValue(name), name);
        }
    });

    it("turn any other name into a valid value that differs per name", () => {
        const long = "team-a-" + "x".repeat(90);
        const longer = "team-a-" + "x".repeat(91);
        const names = [long, longer, "-leading", "trailing_", "_"];
        const values = names.map(ownerLabelValue);
        for (const [i, v] of values.entries()) {
            assert.ok(isLabelValue(v), `${names[i]} -> ${v}`);
            assert.notEqual(v, names[i]);
        }
        assert.equal(new Set(values).size, names.length, values.join(" "));
        assert.match(ownerLabelValue(long), /^team-a-x+-[0-9a-f]{8}$/);
        assert.match(ownerLabelValue("_"), /^[0-9a-f]{8}$/);
        assert.equal(ownerLabelValue(long), ownerLabelValue(long), "deterministic");
    });

    it("make a kubectl selector of both labels", () => {
        assert.equal(
            ownerSelector({ project: "shop", stack: "prod" }),
            "orchestration/project=shop,orchestration/stack=prod",
        );
    });
});
