import * as pulumi from "@pulumi/pulumi";

/**
 * Shared validation plumbing: collect every problem with an input, then throw
 * once, so a user fixes all of them in one round instead of one per preview.
 */

/** One invalid input: the field's path, the offending value, and what is wrong. */
export interface ValidationIssue {
    /** Dotted path of the field, for example `autoscaling.minReplicas`. */
    readonly field: string;
    /** The value that was rejected, as the user wrote it. */
    readonly value: unknown;
    /** What is wrong, phrased to follow the field and value. */
    readonly reason: string;
}

/** Renders a value for an error message: strings quoted, the rest as JSON. */
export function formatValue(value: unknown): string {
    if (typeof value === "string") {
        return JSON.stringify(value);
    }
    // JSON.stringify gives undefined for undefined, functions and symbols.
    return JSON.stringify(value) ?? typeof value;
}

/** Formats one issue as `'field' (value) reason`. */
export function formatIssue(issue: ValidationIssue): string {
    return `'${issue.field}' (${formatValue(issue.value)}) ${issue.reason}`;
}

/**
 * Thrown before any resource is registered when inputs are invalid. It lists
 * every issue found, each naming the field and its value. It is a Pulumi
 * `RunError`, so `pulumi preview` prints the message without a stack trace.
 */
export class ValidationError extends pulumi.RunError {
    /** Every problem found, in the order they were checked. */
    readonly issues: readonly ValidationIssue[];

    constructor(subject: string, issues: readonly ValidationIssue[]) {
        const lines = issues.map((i) => `  - ${formatIssue(i)}`);
        super(`${subject}: invalid input:\n${lines.join("\n")}`);
        this.name = "ValidationError";
        this.issues = issues;
    }
}

/**
 * Records an issue when `ok` is false and returns `ok`: the shape of
 * {@link IssueCollector.check}, for resolvers that check through a callback
 * (one that renames the field, say).
 */
export type Check = (ok: boolean, path: string, value: unknown, reason: string) => boolean;

/** Accumulates issues; `throwIfAny` raises a single ValidationError. */
export class IssueCollector {
    private readonly found: ValidationIssue[] = [];

    /** Records an issue unconditionally. */
    add(field: string, value: unknown, reason: string): void {
        this.found.push({ field, value, reason });
    }

    /** Records every issue of a ValidationError thrown by a nested resolver. */
    absorb(error: ValidationError): void {
        this.found.push(...error.issues);
    }

    /** Records an issue when `ok` is false. Returns `ok`, for chaining checks. */
    check(ok: boolean, field: string, value: unknown, reason: string): boolean {
        if (!ok) {
            this.add(field, value, reason);
        }
        return ok;
    }

    /** The issues recorded so far. */
    get issues(): readonly ValidationIssue[] {
        return this.found;
    }

    /** Throws a ValidationError for `subject` if any issue was recorded. */
    throwIfAny(subject: string): void {
        if (this.found.length > 0) {
            throw new ValidationError(subject, this.found);
        }
    }
}

/** An integer within [min, max], inclusive. */
export function isIntInRange(value: unknown, min: number, max: number): value is number {
    return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

/** RFC 1035 label, as Kubernetes requires of Service names: at most 63 characters. */
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1123 label, as Kubernetes requires of namespace names: at most 63 characters. */
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** True for a valid DNS-1035 label (Service names). */
export function isDns1035Label(value: unknown): value is string {
    return typeof value === "string" && value.length <= 63 && DNS_1035_LABEL.test(value);
}

/** True for a valid DNS-1123 label (namespace names). */
export function isDns1123Label(value: unknown): value is string {
    return typeof value === "string" && value.length <= 63 && DNS_1123_LABEL.test(value);
}

/** True for a valid DNS-1123 subdomain (ServiceAccount and ConfigMap names): at most 253 characters. */
export function isDns1123Subdomain(value: unknown): value is string {
    return (
        typeof value === "string" &&
        value.length <= 253 &&
        value.split(".").every((part) => DNS_1123_LABEL.test(part))
    );
}

const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;
const LABEL_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** True for a label or annotation key: an optional DNS-subdomain prefix, a slash, and a name of at most 63 characters. */
export function isLabelKey(key: string): boolean {
    const slash = key.indexOf("/");
    const name = slash === -1 ? key : key.slice(slash + 1);
    const prefix = slash === -1 ? undefined : key.slice(0, slash);
    const prefixOk = prefix === undefined || (prefix.length <= 253 && LABEL_PREFIX.test(prefix));
    return prefixOk && name.length <= 63 && LABEL_NAME.test(name);
}

/** True for a label value: at most 63 characters, alphanumeric at both ends. */
export function isLabelValue(value: unknown): boolean {
    return typeof value === "string" && value.length <= 63 && LABEL_VALUE.test(value);
}

/** Records an issue for each annotation under `field` whose key is not a valid key or whose value is not a string. */
export function checkAnnotations(
    issues: IssueCollector,
    field: string,
    annotations: Record<string, unknown> | undefined,
): void {
    for (const [key, value] of Object.entries(annotations ?? {})) {
        issues.check(isLabelKey(key), `${field}.${key}`, key, "is not a valid annotation key");
        issues.check(typeof value === "string", `${field}.${key}`, value, "must be a string");
    }
}

/** A Secret or ConfigMap data key the API server takes: letters, digits, `-`, `_`, `.`; not `.`, `..` or a `..` prefix. */
export function isConfigMapKey(value: unknown): value is string {
    return (
        typeof value === "string" &&
        value.length <= 253 &&
        /^[-._a-zA-Z0-9]+$/.test(value) &&
        value !== "." &&
        !value.startsWith("..")
    );
}
