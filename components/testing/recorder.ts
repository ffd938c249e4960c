import * as pulumi from "@pulumi/pulumi";
import { mockCall, mockState } from "./state";

/**
 * A test kit for Pulumi programs that use ScalableService, `@pulumi/eks` and
 * `@pulumi/awsx`: mocks that record every registered resource, with the
 * realistic outputs the remote components would return, and helpers to query
 * what was registered.
 */

/** One resource as the program registered it. */
export interface RecordedResource {
    /** Type token, for example `kubernetes:apps/v1:Deployment`. */
    readonly type: string;
    /** The resource's logical name. */
    readonly name: string;
    /** Inputs as the provider would receive them: Outputs resolved, secrets unwrapped. */
    readonly inputs: Record<string, any>;
    /** Dotted paths of the inputs that were secret, for example `kubeconfig`. */
    readonly secretInputs: readonly string[];
    /** The state the mock returned: inputs plus realistic computed outputs. */
    readonly state: Record<string, any>;
    /** True for custom (provider-backed) resources, false for components. */
    readonly custom: boolean;
    /** The parent's URN, or undefined for the stack's direct children. */
    readonly parent?: string;
    /** Whether the resource was registered with `protect: true`. */
    readonly protect: boolean;
    /** The `replacementTrigger` option's value, if one was set. */
    readonly replacementTrigger?: unknown;
    /** URNs this resource depends on, sorted: its `dependsOn` plus resources whose outputs feed its inputs. */
    readonly dependencies: readonly string[];
    /** The explicit provider reference (`urn::id`), if one was passed. */
    readonly provider?: string;
    /** The mock ID. */
    readonly id: string;
}

/** Options for `installMocks`. */
export interface InstallMocksOptions {
    /** @default "project" */
    project?: string;
    /** @default "stack" */
    stack?: string;
    /** Run as a preview, where unknown values stay unknown. @default false */
    preview?: boolean;
    /** Config to set before the program runs, keyed `namespace:key`; objects are JSON-encoded. @default none */
    config?: Record<string, unknown>;
}

/**
 * Records every resource registered under mocks. Create one through
 * `installMocks`, run the code under test, then query `resources`.
 */
export class ResourceRecorder implements pulumi.runtime.Mocks {
    private readonly recorded: RecordedResource[] = [];
    private current: Registration = { dependencies: [], protect: false };

    /** Every resource registered so far, in registration order. */
    get resources(): readonly RecordedResource[] {
        return this.recorded;
    }

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, any> } {
        const id = args.id || `${args.name}-id`;
        const secretInputs: string[] = [];
        const inputs = unwrapSecrets(args.inputs, "", secretInputs) as Record<string, any>;
        const state = mockState(args.type, args.name, inputs);
        this.recorded.push({
            type: args.type,
            name: args.name,
            inputs,
            secretInputs,
            state,
            custom: args.custom ?? true,
            parent: this.current.parent,
            dependencies: this.current.dependencies,
            protect: this.current.protect,
            replacementTrigger: this.current.replacementTrigger,
            provider: args.provider || undefined,
            id,
        });
        return { id, state };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        return mockCall(args.token, args.inputs);
    }

    /**
     * Called by `installMocks` with what the mocks API leaves out of the registration in flight.
     * @internal
     */
    setCurrentRegistration(registration: Registration): void {
        this.current = { ...registration, dependencies: [...registration.dependencies].sort() };
    }

    /** Every recorded resource of `type`. */
    ofType(type: string): RecordedResource[] {
        return this.recorded.filter((r) => r.type === type);
    }

    /** The one resource of `type` (and `name`, if given); throws if there is not exactly one. */
    one(type: string, name?: string): RecordedResource {
        const found = this.ofType(type).filter((r) => name === undefined || r.name === name);
        if (found.length !== 1) {
            const names = this.ofType(type).map((r) => r.name);
            throw new Error(
                `expected exactly one ${type}${name ? ` named "${name}"` : ""}, found ${found.length} (registered: ${JSON.stringify(names)})`,
            );
        }
        return found[0];
    }

    /** Resources whose parent URN ends with `::<type>::<name>`. */
    childrenOf(type: string, name: string): RecordedResource[] {
        return this.recorded.filter(
            (r) => r.parent !== undefined && parentMatches(r.parent, type, name),
        );
    }

    /** Type tokens with their counts, sorted; handy for exact graph assertions. */
    typeCounts(): Record<string, number> {
        const counts: Record<string, number> = {};
        for (const r of [...this.recorded].sort((a, b) => a.type.localeCompare(b.type))) {
            counts[r.type] = (counts[r.type] ?? 0) + 1;
        }
        return counts;
    }

    /** Forgets everything recorded, for reuse between tests. */
    reset(): void {
        this.recorded.length = 0;
    }
}

/** The signature the SDK puts on serialized secrets. */
const SECRET_SIG_KEY = pulumi.runtime.specialSigKey;
const SECRET_SIG = pulumi.runtime.specialSecretSig;

function unwrapSecrets(value: any, path: string, found: string[]): any {
    if (Array.isArray(value)) {
        return value.map((v, i) => unwrapSecrets(v, `${path}[${i}]`, found));
    }
    if (value === null || typeof value !== "object") {
        return value;
    }
    if (value[SECRET_SIG_KEY] === SECRET_SIG) {
        found.push(path);
        return unwrapSecrets(value.value, path, found);
    }
    const out: Record<string, any> = {};
    for (const [k, v] of Object.entries(value)) {
        out[k] = unwrapSecrets(v, path ? `${path}.${k}` : k, found);
    }
    return out;
}

function parentMatches(parentUrn: string, type: string, name: string): boolean {
    // urn:pulumi:<stack>::<project>::<qualified type>::<name>; the qualified type ends with the type.
    const parts = parentUrn.split("::");
    const qualifiedType = parts[2] ?? "";
    return parts.slice(3).join("::") === name && qualifiedType.split("$").pop() === type;
}

/** What the mocks API leaves out of a registration, read from the monitor's request. */
interface Registration {
    parent?: string;
    dependencies: string[];
    protect: boolean;
    replacementTrigger?: unknown;
}

/** The subset of the mock monitor's request this kit reads. */
interface RegisterRequest {
    getParent(): string;
    getDependenciesList?(): string[];
    getProtect?(): boolean;
    getReplacementTrigger?(): { toJavaScript(): unknown } | undefined;
}
type RegisterFn = (req: RegisterRequest, callback: unknown) => Promise<void>;

/**
 * Installs recording mocks and (optionally) config. Await it before importing
 * the code under test. Returns the recorder.
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

    // The mock monitor tells `newResource` nothing about parents, dependencies or protection.
    // Wrap its registerResource, which calls newResource synchronously, to pass them on.
    const monitor = pulumi.runtime.getMonitor() as unknown as
        { registerResource?: RegisterFn } | undefined;
    const original = monitor?.registerResource;
    if (monitor && original) {
        monitor.registerResource = (req: RegisterRequest, callback: unknown) => {
            recorder.setCurrentRegistration({
                parent: req.getParent() || undefined,
                dependencies: req.getDependenciesList?.() ?? [],
                protect: req.getProtect?.() ?? false,
                replacementTrigger: req.getReplacementTrigger?.()?.toJavaScript(),
            });
            try {
                return original.call(monitor, req, callback);
            } finally {
                recorder.setCurrentRegistration({ dependencies: [], protect: false });
            }
        };
    }
    return recorder;
}

/** Resolves an Output's value under mocks (undefined when unknown in a preview). */
export function valueOf<T>(output: pulumi.Input<T> | undefined): Promise<T | undefined> {
    return new Promise((resolve) => pulumi.output(output).apply((v) => resolve(v as T)));
}

/**
 * Waits until every resource registration in flight has reached the mocks.
 * Uses the SDK's RPC queue when it exposes one; otherwise yields to pending I/O
 * a few times, which is enough for registrations whose inputs are known.
 */
export async function settleRegistrations(): Promise<void> {
    const runtime = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
    if (typeof runtime.waitForRPCs === "function") {
        await runtime.waitForRPCs();
        return;
    }
    for (let i = 0; i < 10; i++) {
        await new Promise((resolve) => setImmediate(resolve));
    }
}
