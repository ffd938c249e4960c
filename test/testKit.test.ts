import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import {
    installMocks,
    ResourceRecorder,
    SDK_VERSION,
    SdkShapeError,
    settleRegistrations,
    valueOf,
} from "../components/testing";
import {
    checkRequestShape,
    SDK_SENDS_REPLACEMENT_TRIGGER,
    waitForRPCs,
} from "../components/testing/sdk";

/**
 * The test kit itself, on plain SDK resources only, so `npm run test:sdk-range`
 * can run this file against the oldest and newest `@pulumi/pulumi` the peer
 * range allows.
 */

/** A provider-backed resource with one input and one output the mocks never return. */
class Thing extends pulumi.CustomResource {
    declare readonly value: pulumi.Output<string | undefined>;
    declare readonly computed: pulumi.Output<string | undefined>;

    constructor(name: string, value?: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions) {
        super("test:index:Thing", name, { value, computed: undefined }, opts);
    }
}

/** A provider for package `test`. */
class TestProvider extends pulumi.ProviderResource {
    constructor(name: string) {
        super("test", name, {});
    }
}

/** Rejects if `promise` takes longer than `ms`, instead of hanging until mocha's timeout. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe(`test kit: recording (under mocks, @pulumi/pulumi ${SDK_VERSION})`, () => {
    let mocks: ResourceRecorder;

    before(async () => {
        mocks = await installMocks({ project: "kit", stack: "test" });
    });
    beforeEach(() => mocks.reset());

    it("records each registration's parent, dependencies, protection and provider", async () => {
        const component = new pulumi.ComponentResource("test:index:Group", "group", {});
        const provider = new TestProvider("p");
        const first = new Thing("first", "a");
        const other = new Thing("other", "b");
        const child = new Thing("child", first.id, {
            parent: component,
            dependsOn: [other],
            protect: true,
            provider,
        });
        await valueOf(child.urn);
        await settleRegistrations();

        const recorded = mocks.one("test:index:Thing", "child");
        assert.equal(recorded.parent, await valueOf(component.urn));
        assert.deepEqual(recorded.dependencies, [
            (await valueOf(first.urn))!,
            (await valueOf(other.urn))!,
        ]);
        assert.equal(recorded.protect, true);
        assert.match(recorded.provider ?? "", /::p::/);
        assert.equal(recorded.custom, true);
        assert.equal(recorded.inputs.value, "first-id");
        assert.equal(mocks.one("test:index:Group").custom, false);
        const plain = mocks.one("test:index:Thing", "first");
        assert.deepEqual([plain.parent, plain.dependencies, plain.protect], [undefined, [], false]);
        assert.deepEqual(mocks.childrenOf("test:index:Group", "group"), [recorded]);
    });

    it("records replacementTrigger where the SDK sends it (3.212 and later)", async () => {
        const opts = { replacementTrigger: "v2" } as pulumi.CustomResourceOptions;
        new Thing("triggered", "a", opts);
        await settleRegistrations();
        const expected = SDK_SENDS_REPLACEMENT_TRIGGER ? "v2" : undefined;
        assert.equal(mocks.one("test:index:Thing").replacementTrigger, expected);
    });

    it("records the customTimeouts entries that are set, and none without the option", async () => {
        new Thing("timed", "a", { customTimeouts: { create: "50s", update: "1m" } });
        new Thing("untimed", "b");
        await settleRegistrations();
        assert.deepEqual(mocks.one("test:index:Thing", "timed").customTimeouts, {
            create: "50s",
            update: "1m",
        });
        assert.equal(mocks.one("test:index:Thing", "untimed").customTimeouts, undefined);
    });

    it("unwraps secret inputs and lists their paths", async () => {
        new Thing("secret", pulumi.secret("s3cr3t"));
        await settleRegistrations();
        const recorded = mocks.one("test:index:Thing");
        assert.equal(recorded.inputs.value, "s3cr3t");
        assert.deepEqual(recorded.secretInputs, ["value"]);
    });

    it("settleRegistrations waits for registrations whose inputs are still pending", async () => {
        const late = new Promise<string>((resolve) => setTimeout(() => resolve("late"), 100));
        new Thing("late", late);
        await settleRegistrations();
        assert.equal(mocks.one("test:index:Thing", "late").inputs.value, "late");
    });
});

describe(`test kit: valueOf in a preview (under mocks, @pulumi/pulumi ${SDK_VERSION})`, () => {
    before(async () => {
        await installMocks({ project: "kit", stack: "preview", preview: true });
    });

    it("resolves undefined for an unknown value instead of hanging", async () => {
        const thing = new Thing("unknown", "known");
        assert.equal(await within(2000, "valueOf(unknown)", valueOf(thing.computed)), undefined);
        assert.equal(await within(2000, "valueOf(known)", valueOf(thing.value)), "known");
    });

    it("resolves plain values, promises and undefined", async () => {
        assert.equal(await valueOf(pulumi.output("x")), "x");
        assert.equal(await valueOf(Promise.resolve(3)), 3);
        assert.equal(await valueOf(undefined), undefined);
    });
});

describe(`test kit: config (under mocks, @pulumi/pulumi ${SDK_VERSION})`, () => {
    it("replaces the config with options.config, and clears config set before when none is given", async () => {
        pulumi.runtime.setAllConfig({ "app:leftover": "x" });
        await installMocks({
            project: "kit",
            stack: "config",
            config: { "app:limits": { cpu: 2 } },
        });
        const app = new pulumi.Config("app");
        assert.deepEqual(app.getObject("limits"), { cpu: 2 });
        assert.equal(app.get("leftover"), undefined);

        await installMocks({ project: "kit", stack: "config" });
        assert.equal(new pulumi.Config("app").get("limits"), undefined);
    });
});

describe("test kit: a changed SDK fails loudly (pure)", () => {
    it("names the missing request getters and the SDK version", () => {
        assert.doesNotThrow(() => checkRequestShape());
        assert.throws(
            () => checkRequestShape({ getParent: () => "" }),
            (err: Error) =>
                err instanceof SdkShapeError &&
                err.message.includes(`@pulumi/pulumi ${SDK_VERSION}`) &&
                err.message.includes(
                    "RegisterResourceRequest.getDependenciesList(), .getProtect()",
                ),
        );
    });

    it("names runtime.waitForRPCs when the SDK drops it", () => {
        assert.throws(
            () => waitForRPCs({}),
            /can't read runtime\.waitForRPCs\(\) from @pulumi\/pulumi \d+\.\d+\.\d+/,
        );
    });
});
