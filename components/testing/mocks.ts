import * as pulumi from "@pulumi/pulumi";
import { ResourceRecorder } from "./recorder";
import { tapRegistrations, waitForRPCs } from "./sdk";

/** Options for `installMocks`. */
export interface InstallMocksOptions {
    /**
     * The project name, as `pulumi.getProject()` returns it and URNs contain it.
     * @default "project"
     */
    project?: string;
    /**
     * The stack name, as `pulumi.getStack()` returns it and URNs contain it.
     * @default "stack"
     */
    stack?: string;
    /**
     * Run as a preview, where outputs the mocks don't return stay unknown.
     * @default false
     */
    preview?: boolean;
    /**
     * The whole config the program sees, keyed `namespace:key`; objects are
     * JSON-encoded. It replaces any config set before, with
     * `pulumi.runtime.setAllConfig` included, so each test file starts from
     * exactly this: pass your config here rather than setting it yourself.
     * @default {} (no config: installMocks clears any config set before)
     */
    config?: Record<string, unknown>;
}

/**
 * Installs recording mocks, replaces the config with `options.config` (none
 * by default), and returns the recorder.
 * Await it before importing the code under test. Throws an `SdkShapeError`,
 * naming the SDK version, if the installed `@pulumi/pulumi` lacks what the
 * recorder reads.
 */
export async function installMocks(options: InstallMocksOptions = {}): Promise<ResourceRecorder> {
    const recorder = new ResourceRecorder();
    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries(options.config ?? {})) {
        config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    pulumi.runtime.setAllConfig(config);
    await pulumi.runtime.setMocks(
        recorder,
        options.project ?? "project",
        options.stack ?? "stack",
        options.preview ?? false,
    );
    tapRegistrations((registration) => recorder.setCurrentRegistration(registration));
    return recorder;
}

/**
 * Resolves an Output's value under mocks. Resolves `undefined` when the value
 * is unknown, as it is in a preview for outputs the mocks don't return, and
 * rejects when the Output failed.
 */
export async function valueOf<T>(input: pulumi.Input<T> | undefined): Promise<T | undefined> {
    const output = pulumi.output(input);
    let value: T | undefined;
    // `apply` never runs for an unknown value, so don't wait for it: once the
    // Output has settled (its secretness resolves with its value), a known value's
    // callback has run within the same microtask queue.
    output.apply((v) => {
        value = v as T;
    });
    await pulumi.isSecret(output);
    await new Promise((resolve) => setImmediate(resolve));
    return value;
}

/**
 * Waits until every resource registration in flight, including those still
 * waiting for their inputs, has reached the mocks. Throws an `SdkShapeError`
 * if the SDK no longer exposes its queue.
 */
export async function settleRegistrations(): Promise<void> {
    await waitForRPCs();
}
