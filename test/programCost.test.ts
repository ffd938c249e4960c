import { strict as assert } from "assert";
import { loadStackConfig } from "../program/config";
import { estimateMonthlyCost } from "../program/cost";
import { deployConfig, evaluateCapturingWarnings, Evaluation, evaluateStack } from "./stacks";

/** A lookup over a stack's config as the engine would serialize it (JSON for non-strings). */
function lookup(config: Record<string, unknown>) {
    return (key: string) => {
        const v = config[key];
        return v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
    };
}

describe("the program's cost estimate output (under mocks)", function () {
    // The shipped stacks' shared evaluations, plus one of dev with an expensive choice,
    // with its warnings captured. The estimate itself is tested in test/cost.test.ts.
    const onePerAz = { ...deployConfig("dev"), "orchestration:natGateways": "OnePerAz" };
    let dev: Evaluation;
    let local: Evaluation;
    let devOnePerAz: Awaited<ReturnType<typeof evaluateCapturingWarnings>>;
    before(async function () {
        dev = await evaluateStack("dev");
        local = await evaluateStack("local");
        devOnePerAz = await evaluateCapturingWarnings("dev", onePerAz);
    });

    it("exposes estimatedMonthlyCost: exactly the pure estimate of the stack's config", function () {
        for (const [stack, run, config] of [
            ["dev", dev, deployConfig("dev")],
            ["local", local, deployConfig("local")],
            ["dev", devOnePerAz, onePerAz],
        ] as const) {
            const expected = estimateMonthlyCost(
                loadStackConfig(stack, "orchestration", lookup(config)),
            );
            assert.deepEqual(run.outputs.estimatedMonthlyCost, expected);
        }
    });

    it("gives dev's totals in USD at min, desired and max nodes, and local's as $0", function () {
        assert.deepEqual(dev.outputs.estimatedMonthlyCost.totals, {
            min: 152.83,
            desired: 169.62,
            max: 186.4,
        });
        assert.equal(dev.outputs.estimatedMonthlyCost.currency, "USD");
        assert.deepEqual(local.outputs.estimatedMonthlyCost.totals, { min: 0, desired: 0, max: 0 });
    });

    it("logs the estimate's warnings with the stack name before deploying", function () {
        const { outputs, warnings } = devOnePerAz;
        assert.equal(outputs.estimatedMonthlyCost.warnings.length, 1);
        assert.deepEqual(warnings, [`stack "dev": ${outputs.estimatedMonthlyCost.warnings[0]}`]);
        assert.match(warnings[0], /^stack "dev": 'orchestration:natGateways' \("OnePerAz"\)/);
    });
});
