import * as pulumi from "@pulumi/pulumi";
import type { Registration } from "./sdk";
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
    /** The `ignoreChanges` option's property paths (empty without it). */
    readonly ignoreChanges: readonly string[];
    /** The `replaceOnChanges` option's property paths (empty without it). */
    readonly replaceOnChanges: readonly string[];
    /** Whether the resource was registered with `deleteBeforeReplace: true`. */
    readonly deleteBeforeReplace: boolean;
    /** The `customTimeouts` option's set entries (`create`, `update`, `delete`); undefined without it. */
    readonly customTimeouts?: pulumi.CustomTimeouts;
    /** The `replacementTrigger` option's value, if one was set. */
    readonly replacementTrigger?: unknown;
    /** URNs this resource depends on, sorted: its `dependsOn` plus resources whose outputs feed its inputs. */
    readonly dependencies: readonly string[];
    /** The explicit provider reference (`urn::id`), if one was passed. */
    readonly provider?: string;
    /** The mock ID. */
    readonly id: string;
}

const NONE: Registration = {
    dependencies: [],
    protect: false,
    ignoreChanges: [],
    replaceOnChanges: [],
    deleteBeforeReplace: false,
};

/**
 * Records every resource registered under mocks. Create one through
 * `installMocks`, run the code under test, then query `resources`.
 */
export class ResourceRecorder implements pulumi.runtime.Mocks {
    private readonly recorded: RecordedResource[] = [];
    private current: Registration = NONE;

    /** Every resource registered so far, in registration order. */
    get resources(): readonly RecordedResource[] {
        return this.recorded;
    }

    /** Records a registration and returns its mock ID and realistic state (`Mocks` API). */
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
            ignoreChanges: this.current.ignoreChanges,
            replaceOnChanges: this.current.replaceOnChanges,
            deleteBeforeReplace: this.current.deleteBeforeReplace,
            customTimeouts: this.current.customTimeouts,
            replacementTrigger: this.current.replacementTrigger,
            provider: args.provider || undefined,
            id,
        });
        return { id, state };
    }

    /** Returns an invoke's mock result (`Mocks` API). */
    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        return mockCall(args.token, args.inputs);
    }

    /**
     * Called by `installMocks` with what the mocks API leaves out of the
     * registration in flight, and with undefined once it has been recorded.
     * @internal
     */
    setCurrentRegistration(registration: Registration | undefined): void {
        this.current = registration ?? NONE;
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
