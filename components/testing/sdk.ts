import * as pulumi from "@pulumi/pulumi";
import { RegisterResourceRequest } from "@pulumi/pulumi/proto/resource_pb";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { version as SDK_VERSION } from "@pulumi/pulumi/version";

/**
 * The two places where the test kit needs more than the SDK's public mocks API,
 * each checked so that a changed SDK fails loudly, naming its version, instead
 * of recording empty parents and dependencies:
 *
 * - `Mocks.newResource` receives the type, name, inputs, provider and
 *   `custom`, but not the parent, the dependencies, `protect`,
 *   `ignoreChanges`, `replaceOnChanges`, `deleteBeforeReplace`, `customTimeouts` or `replacementTrigger`. The kit reads those from the registration request
 *   (the engine protocol's `RegisterResourceRequest`) that the SDK's public
 *   `MockMonitor` receives.
 * - Nothing public waits for registrations in flight; `runtime.waitForRPCs`
 *   (what `runtime.disconnect` awaits) does.
 */

/** What the mocks API leaves out of a registration, read from the monitor's request. */
export interface Registration {
    /** The parent's URN, or undefined for the stack's direct children. */
    parent?: string;
    /** URNs of the explicit and implicit dependencies, sorted. */
    dependencies: string[];
    /** The `protect` option. */
    protect: boolean;
    /** The `ignoreChanges` option's property paths. */
    ignoreChanges: string[];
    /** The `replaceOnChanges` option's property paths. */
    replaceOnChanges: string[];
    /** The `deleteBeforeReplace` option. */
    deleteBeforeReplace: boolean;
    /** The `customTimeouts` option's set entries; undefined when none is set. */
    customTimeouts?: pulumi.CustomTimeouts;
    /** The `replacementTrigger` option's value, on SDKs that send it. */
    replacementTrigger?: unknown;
}

/** Thrown when the installed `@pulumi/pulumi` lacks what the kit reads. */
export class SdkShapeError extends Error {
    constructor(what: string) {
        super(
            `the test kit can't read ${what} from @pulumi/pulumi ${SDK_VERSION}: the SDK's shape changed. ` +
                `Pin @pulumi/pulumi within the kit's tested range (package.json's peerDependencies), or update the kit.`,
        );
        this.name = "SdkShapeError";
    }
}

/** The request getters the kit calls on every registration. */
const REQUIRED_GETTERS = [
    "getParent",
    "getDependenciesList",
    "getProtect",
    "getIgnorechangesList",
    "getReplaceonchangesList",
    "getDeletebeforereplace",
    "getCustomtimeouts",
] as const;

/**
 * Throws an SdkShapeError unless `proto` (by default the SDK's
 * RegisterResourceRequest prototype) has every getter the kit reads.
 */
export function checkRequestShape(proto: object = RegisterResourceRequest.prototype): void {
    const missing = REQUIRED_GETTERS.filter(
        (g) => typeof (proto as Record<string, unknown>)[g] !== "function",
    );
    if (missing.length > 0) {
        throw new SdkShapeError(
            `RegisterResourceRequest.${missing.map((g) => `${g}()`).join(", .")}`,
        );
    }
}

/** Whether this SDK sends `replacementTrigger` (the option exists from 3.212). */
export const SDK_SENDS_REPLACEMENT_TRIGGER =
    typeof (RegisterResourceRequest.prototype as unknown as Record<string, unknown>)
        .getReplacementTrigger === "function";

/** The set entries of a registration's custom timeouts (the SDK sends empty strings for the rest). */
function readTimeouts(
    timeouts: RegisterResourceRequest.CustomTimeouts | undefined,
): pulumi.CustomTimeouts | undefined {
    const all = {
        create: timeouts?.getCreate(),
        update: timeouts?.getUpdate(),
        delete: timeouts?.getDelete(),
    };
    const set = Object.entries(all).filter(([, value]) => value);
    return set.length > 0 ? Object.fromEntries(set) : undefined;
}

function readRegistration(req: RegisterResourceRequest): Registration {
    const trigger = SDK_SENDS_REPLACEMENT_TRIGGER ? req.getReplacementTrigger() : undefined;
    return {
        parent: req.getParent() || undefined,
        dependencies: [...req.getDependenciesList()].sort(),
        protect: req.getProtect() ?? false,
        ignoreChanges: [...req.getIgnorechangesList()],
        replaceOnChanges: [...req.getReplaceonchangesList()],
        deleteBeforeReplace: req.getDeletebeforereplace(),
        customTimeouts: readTimeouts(req.getCustomtimeouts()),
        replacementTrigger: trigger?.toJavaScript(),
    };
}

type RegisterFn = MockMonitor["registerResource"];

/**
 * Calls `onRegister` with each registration's parent, dependencies and options,
 * just before the SDK's mock monitor hands the registration to `Mocks.newResource`
 * (which it calls synchronously), and `onRegister(undefined)` just after.
 * Call it right after `pulumi.runtime.setMocks`.
 */
export function tapRegistrations(
    onRegister: (registration: Registration | undefined) => void,
): void {
    checkRequestShape();
    const monitor: unknown = pulumi.runtime.getMonitor();
    if (!(monitor instanceof MockMonitor)) {
        throw new SdkShapeError(
            "the MockMonitor that runtime.setMocks installs (runtime.getMonitor())",
        );
    }
    const original: RegisterFn = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: RegisterResourceRequest, callback) => {
        onRegister(readRegistration(req));
        try {
            return original(req, callback);
        } finally {
            onRegister(undefined);
        }
    };
}

/** The SDK's queue of registrations in flight, or an SdkShapeError. */
export function waitForRPCs(runtime: object = pulumi.runtime): Promise<void> {
    const wait = (runtime as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
    if (typeof wait !== "function") {
        throw new SdkShapeError("runtime.waitForRPCs()");
    }
    return wait();
}

/** The installed `@pulumi/pulumi` version. */
export { SDK_VERSION };
